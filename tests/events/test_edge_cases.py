"""Edge cases a review found: addresses with accented slugs, calendar names with line breaks,
reworded questions, the agenda's own addresses, previews of new events, impossible dates, people
who left a group, editors who would make themselves organisers, documents used at two events."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone
from icalendar import Calendar
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from community import services as community_services
from community.models import IntervisionGroup, Membership
from events import permissions, services
from events.models import (
    AgendaPage,
    CalendarFeed,
    EventMaterial,
    EventPage,
    EventType,
    Registration,
    RegistrationQuestion,
)
from events.organisers import ORGANISERS_GROUP
from search.models import SearchEntry
from tests.events.conftest import event_publish, meeting_plan
from tests.events.test_event_pages import _material
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create
from tests.support.concurrency import run_together

pytestmark = pytest.mark.django_db


def organiser_of(event):
    staff = UserFactory()
    Membership.objects.create(person=staff, organisation=event.organiser, role=Membership.Role.STAFF)
    return staff


def test_an_event_with_an_accented_slug_has_its_page_calendar_file_and_attendee_list(client):
    event = event_publish(title="Reünie", slug="reünie", organiser=OrganisationFactory())
    event.full_clean()

    assert client.get(event.url).status_code == 200
    assert client.get(f"/agenda/{event.slug}/agenda.ics").status_code == 200
    client.force_login(organiser_of(event))
    assert client.get(f"/agenda/{event.slug}/deelnemers.csv").status_code == 200


def test_a_line_break_in_a_title_stays_inside_the_calendar_name(client):
    event = event_publish(title="Studiedag\nX-EVIL:1, deel; twee\rY")
    response = client.get(f"/agenda/{event.slug}/agenda.ics")

    assert response.status_code == 200
    assert b"X-EVIL" not in response.content.replace(b"\\nX-EVIL", b"")  # only as escaped text
    assert b"\r\nX-EVIL" not in response.content and b"\rX-EVIL" not in response.content
    calendar = Calendar.from_ical(response.content)
    assert "X-EVIL" not in calendar
    assert str(calendar["X-WR-CALNAME"]).startswith("Studiedag\\nX-EVIL:1\\, deel\\; twee")


def test_registering_for_an_event_with_a_line_break_in_its_title_mails_the_calendar_file(
    client, django_capture_on_commit_callbacks
):
    event = event_publish(title="Studiedag\nKempen")
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.url + "inschrijven/", {})

    assert response.status_code == 302
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    [message] = mail.outbox
    [(_name, content, _type)] = message.attachments
    Calendar.from_ical(content)


def test_answers_stay_under_a_reworded_question_and_apart_under_equal_labels(client):
    event = event_publish(
        organiser=OrganisationFactory(),
        questions=[
            ("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", False),
            ("Opmerking", RegistrationQuestion.Kind.TEXT, "", False),
            ("Opmerking", RegistrationQuestion.Kind.TEXT, "", False),
        ],
    )
    diet, first, second = event.questions.all()
    answers = {str(diet.pk): "notenallergie", str(first.pk): "eerste", str(second.pk): "tweede"}
    services.event_register(event=event, person=UserFactory(profile="Anna Peeters"), answers=answers)

    page = EventPage.objects.get(pk=event.pk)
    questions = list(page.questions.all())
    questions[0].label = "Dieetwensen of allergieën"
    page.questions = questions
    page.save_revision().publish()
    assert RegistrationQuestion.objects.filter(pk=diet.pk, label="Dieetwensen of allergieën").exists()

    client.force_login(organiser_of(event))
    rows = list(
        csv.reader(io.StringIO(client.get(event.url + "deelnemers.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][-3:] == ["Dieetwensen of allergieën", "Opmerking", "Opmerking"]
    assert rows[1][-3:] == ["notenallergie", "eerste", "tweede"]
    listing = client.get(event.url + "deelnemers/").content.decode()
    assert "notenallergie" in listing and "eerste" in listing


def test_answers_stored_before_question_ids_are_still_found_by_label(client):
    event = event_publish(
        organiser=OrganisationFactory(), questions=[("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", False)]
    )
    Registration.objects.create(
        event=event,
        person=UserFactory(),
        status=Registration.Status.CONFIRMED,
        answers=[{"question": "Dieetwensen", "answer": "vegetarisch"}],
    )
    client.force_login(organiser_of(event))
    rows = list(
        csv.reader(io.StringIO(client.get(event.url + "deelnemers.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][-1] == "vegetarisch"


def test_the_archive_address_cannot_be_an_event_slug():
    with pytest.raises(ValidationError) as refused:
        event_publish(title="Archief", slug="archief").full_clean()
    assert "slug" in refused.value.message_dict


def test_a_new_event_can_be_previewed_before_it_is_saved():
    agenda = AgendaPage.objects.get()
    start = timezone.now() + timedelta(days=3)
    page = EventPage(
        title="Nieuw",
        slug="nieuw",
        event_type=EventType.TRAINING,
        summary="Een vorming.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        city="Gent",
    )
    page.depth = agenda.depth + 1
    page.path = agenda.path + "9999"
    request = RequestFactory().get("/cms/")
    request.user = UserFactory(is_superuser=True, is_staff=True)

    response = page.make_preview_request(request)

    assert response.status_code == 200
    assert "Een vorming." in response.rendered_content


@pytest.mark.parametrize("moment", ["0001-01-01T00:05", "9999-12-31T23:00"])
def test_a_meeting_date_out_of_range_is_a_form_error_on_create_and_on_edit(client, moment):
    facilitator = UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen", visibility=IntervisionGroup.Visibility.OPEN)
    meeting = meeting_plan(group, facilitator)
    start = meeting.starts_at
    client.force_login(facilitator)
    form = {"title": "Intervisie", "starts_at": moment, "ends_at": moment, "online_url": "https://meet.jit.si/x"}

    for address in (f"/agenda/groepen/{group.slug}/nieuw/", f"/agenda/groepen/{group.slug}/{meeting.pk}/bewerken/"):
        response = client.post(address, form)
        assert response.status_code == 200
        assert "Kies een datum tussen 2000 en 2100." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == start


def test_an_event_date_out_of_range_is_refused_by_the_page():
    with pytest.raises(ValidationError) as refused:
        EventPage(
            title="Oud",
            slug="oud",
            event_type=EventType.TRAINING,
            summary="s",
            city="Gent",
            starts_at=timezone.now().replace(year=1, month=1, day=2),
            ends_at=timezone.now().replace(year=1, month=1, day=3),
        ).clean()
    assert set(refused.value.message_dict) == {"starts_at", "ends_at"}


def test_people_who_left_a_group_are_no_longer_shown_on_its_meetings(client):
    facilitator, leaver = UserFactory(profile="Gespreksleider Kempen"), UserFactory(profile="Vertrokken Persoon")
    newcomer = UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen", visibility=IntervisionGroup.Visibility.OPEN)
    group_add_member(group, leaver)
    meeting = meeting_plan(group, facilitator)
    services.meeting_respond(meeting=meeting, person=leaver, answer="yes")
    services.meeting_respond(meeting=meeting, person=facilitator, answer="yes")
    community_services.group_member_remove(actor=facilitator, group=group, person=leaver)
    group_add_member(group, newcomer)
    client.force_login(newcomer)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "Vertrokken Persoon" not in page
    assert "Gespreksleider Kempen" in page


def _edit_form(event, **changes) -> dict:
    """The CMS edit form of an event as an editor submits it, publishing."""
    local = timezone.localtime
    fields = {
        "title": event.title,
        "slug": event.slug,
        "event_type": event.event_type,
        "starts_at": local(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": local(event.ends_at).strftime("%Y-%m-%d %H:%M"),
        "summary": event.summary,
        "description": rich_text(""),
        "venue": event.venue,
        "city": event.city,
        "postcode": event.postcode,
        "organiser": event.organiser_id or "",
        "registration_required": "on",
        "programme": inline_formset([]),
        "questions": inline_formset([]),
        "materials": inline_formset([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
        **changes,
    }
    return nested_form_data(fields)


def test_a_cms_editor_cannot_make_their_organisation_the_organiser_and_read_the_attendees(client):
    theirs, own = OrganisationFactory(), OrganisationFactory()
    event = event_publish(organiser=theirs)
    services.event_register(event=event, person=UserFactory(profile="Anna Peeters"))
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    Membership.objects.create(person=editor, organisation=own, role=Membership.Role.STAFF)
    client.force_login(editor)

    response = client.post(f"/cms/pages/{event.pk}/edit/", _edit_form(event, organiser=own.pk))

    assert response.status_code == 200
    assert "Alleen de organisatoren van dit evenement" in response.content.decode()
    assert EventPage.objects.get(pk=event.pk).organiser == theirs
    assert not permissions.can_manage_event(editor, EventPage.objects.get(pk=event.pk))

    # An organiser of the event, in the same CMS group, may hand it to another organisation.
    organiser = organiser_of(event)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)
    response = client.post(f"/cms/pages/{event.pk}/edit/", _edit_form(event, organiser=own.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/cms/pages/")
    assert EventPage.objects.get(pk=event.pk).organiser == own


@pytest.mark.django_db(transaction=True)  # the search index follows after commit
def test_a_document_kept_for_attendees_is_not_published_by_offering_it_to_everyone_elsewhere(client):
    kept_event, other_event = event_publish(title="Vorming"), event_publish(title="Netwerk")
    kept, document = _material(kept_event, audience=EventMaterial.Audience.ATTENDEES, title="Slides")
    offered = EventMaterial.objects.create(
        page=other_event, kind=EventMaterial.Kind.PRESENTATION, title="Slides", document=document
    )
    assert offered.is_public

    assert client.get(document.url).status_code == 404
    assert "Slides" not in client.get(other_event.url).content.decode()
    assert not SearchEntry.objects.filter(key__startswith="material:").exists()

    attendee = UserFactory()
    Registration.objects.create(event=kept_event, person=attendee, status=Registration.Status.CONFIRMED)
    client.force_login(attendee)
    assert client.get(document.url).status_code == 200

    kept.delete()  # no longer kept: the other event's offer now stands, in search too
    client.logout()
    assert client.get(document.url).status_code == 200
    assert "Slides" in client.get(other_event.url).content.decode()
    assert SearchEntry.objects.filter(key=f"material:{other_event.pk}:{offered.pk}").exists()


def test_two_waitlisted_at_the_same_instant_get_different_positions():
    event = event_publish(capacity=1)
    services.event_register(event=event, person=UserFactory())
    first = services.event_register(event=event, person=UserFactory())
    second = services.event_register(event=event, person=UserFactory())
    Registration.objects.filter(pk__in=[first.pk, second.pk]).update(queued_at=first.queued_at)

    positions = [services.waitlist_position(Registration.objects.get(pk=pk)) for pk in (first.pk, second.pk)]

    assert positions == [1, 2]


def test_making_a_calendar_address_again_replaces_the_old_one(client):
    person = UserFactory()
    first = services.calendar_feed_regenerate(person=person)
    second = services.calendar_feed_regenerate(person=person)

    assert CalendarFeed.objects.get(person=person).token == second.token != first.token
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(second.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_make_my_calendar_address_both_succeed(postgresql_only):
    person = UserFactory()

    run_together(lambda: services.calendar_feed_regenerate(person=person), [(), (), (), ()])

    assert CalendarFeed.objects.filter(person=person).count() == 1
