"""Who reports a message hears what the moderators decided: in-app, by e-mail when offline unless
they silenced the room, with the moderator's note, and with the moderator's name only when the
moderator signs. Through the moderation page's plain form, as a facilitator uses it."""

import pytest
from django.core import mail
from django.urls import reverse

from community import services
from community.models import Notification
from rooms import services as room_services
from rooms.models import Report, RoomMember
from tests.factories import UserFactory
from tests.rooms.support import group_room, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(django_capture_on_commit_callbacks):
    facilitator = UserFactory(profile="Fien Facilitator")
    author, reporter = UserFactory(profile="Auteur"), UserFactory(profile="Melder")
    room = group_room(facilitator=facilitator, members=[author, reporter])
    message = post(room, author, "Het gezin uit de Kerkstraat 12")
    report = room_services.room_message_report(reporter=reporter, message=message, reason=Report.Reason.PRIVACY)
    mail.outbox.clear()
    return room, message, report, facilitator, reporter


def decide(client, callbacks, facilitator, report, *, hide: bool, **fields):
    """Press one of the two buttons of a report on the moderation page."""
    client.force_login(facilitator)
    page = client.get(reverse("rooms:moderation")).content.decode()
    hide_url = reverse("rooms:room_message_hide", args=[report.message.room.slug, report.message.seq])
    dismiss_url = reverse("rooms:report_dismiss", args=[report.pk])
    assert f'action="{hide_url}"' in page and f'formaction="{dismiss_url}"' in page
    assert 'name="note"' in page and 'name="signed"' in page
    with callbacks(execute=True):
        response = client.post(hide_url if hide else dismiss_url, {"hidden": "1", "next": "moderation", **fields})
    assert response.status_code == 302
    report.refresh_from_db()
    return report


def test_a_hidden_message_is_reported_back_with_the_note_and_the_signature(
    client, reported, django_capture_on_commit_callbacks
):
    room, message, report, facilitator, reporter = reported
    report = decide(
        client,
        django_capture_on_commit_callbacks,
        facilitator,
        report,
        hide=True,
        note="Namen en adressen horen hier niet.",
        signed="1",
    )

    assert report.outcome == Report.Outcome.HIDDEN
    told = Notification.objects.get(recipient=reporter, text__contains="meldde")
    assert told.text == (
        "Fien Facilitator, moderator van "
        f"{room.name}, heeft het bericht dat je meldde verborgen. "
        "Toelichting: “Namen en adressen horen hier niet.”"
    )
    assert told.url == message.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[reporter.email]]
    assert "Fien Facilitator" in mail.outbox[0].body and "Namen en adressen horen hier niet." in mail.outbox[0].body
    assert f"Je melding in {room.name}" in mail.outbox[0].subject


def test_a_dismissed_report_is_reported_back_without_naming_the_moderator(
    client, reported, django_capture_on_commit_callbacks
):
    room, _message, report, facilitator, reporter = reported
    report = decide(client, django_capture_on_commit_callbacks, facilitator, report, hide=False, note="Dit mag.")

    assert report.outcome == Report.Outcome.DISMISSED
    told = Notification.objects.get(recipient=reporter, text__contains="meldde")
    assert told.text.startswith(f"De moderatoren van {room.name} bekeken het bericht dat je meldde")
    assert "Dit mag." in told.text
    assert "Fien" not in told.text and "Fien" not in mail.outbox[0].body
    assert [m.to for m in mail.outbox] == [[reporter.email]]


def test_no_mail_for_a_silenced_room_and_nothing_for_a_reporter_who_left(
    client, reported, django_capture_on_commit_callbacks
):
    room, message, report, facilitator, reporter = reported
    room_services.room_notify_set(person=reporter, room=room, notify=RoomMember.Notify.NOTHING)
    decide(client, django_capture_on_commit_callbacks, facilitator, report, hide=True)
    assert Notification.objects.filter(recipient=reporter, text__contains="meldde").count() == 1
    assert mail.outbox == []

    # A second report, and the reporter is removed from the group before the decision.
    shown = room_services.room_message_hide(actor=facilitator, message=message, hidden=False)
    second = room_services.room_message_report(reporter=reporter, message=shown, reason=Report.Reason.OTHER)
    services.group_member_remove(actor=facilitator, group=room.group, person=reporter)
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_report_dismiss(actor=facilitator, report=second)
    assert Notification.objects.filter(recipient=reporter, text__contains="meldde").count() == 1
