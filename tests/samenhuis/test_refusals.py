"""A form refused for a reason that arose after its page was loaded comes back with the person's
text to copy, a Dutch sentence saying what happened, and the status that says why
(samenhuis/refusals.py; docs/operations.md, "Refusals and overload"). Rooms, groups, the profile,
and the refusals every form shares: an expired session and a CSRF token gone stale. Events and
practices: tests/events/test_refusals.py, tests/knowledge/test_submission_refusals.py."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from community import services
from community.models import IntervisionGroup, JoinRequest
from events.models import GroupMeeting
from rooms import services as room_services
from rooms.models import Message, Report
from tests.factories import UserFactory, group_add_member, group_create
from tests.rooms.support import group_room, post, thematic_room
from tests.samenhuis.refusals import assert_refused, kept_texts

pytestmark = pytest.mark.django_db

TEXT = 'Wie heeft ervaring met <b>taalstimulering</b> & "voorlezen"?\nGraag jullie tips.'


def open_room(client, person, room, url=None):
    """Load the page with the composer, as a person does before typing; return its client id."""
    client.force_login(person)
    page = client.get(url or room.get_absolute_url())
    assert page.status_code == 200 and 'name="body"' in page.content.decode()
    return page.context["form"].initial["client_id"]


# Rooms: the composer and the reply ----------------------------------------------------------------


def test_a_member_muted_while_the_room_was_open_gets_their_text_back_with_403(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    client_id = open_room(client, member, room)
    room_services.room_member_mute(actor=facilitator, room=room, person=member, minutes=60)
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id})
    assert_refused(response, status=403, text=TEXT, says="Een moderator heeft je in deze ruimte gedempt tot")
    assert "Je bericht is niet geplaatst" in response.content.decode()
    assert not Message.objects.filter(room=room).exists()


def test_a_member_removed_from_the_group_while_the_room_was_open_gets_403_with_the_text(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    client_id = open_room(client, member, room)
    services.group_member_remove(actor=facilitator, group=room.group, person=member)
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id})
    assert_refused(response, status=403, text=TEXT, says="Alleen de leden van de groep lezen en schrijven")


def test_removed_from_a_secret_group_the_room_is_not_found_but_the_text_comes_back(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(visibility=IntervisionGroup.Visibility.SECRET, facilitator=facilitator, members=[member])
    client_id = open_room(client, member, room)
    services.group_member_remove(actor=facilitator, group=room.group, person=member)
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id})
    assert_refused(response, status=404, text=TEXT, says="Deze pagina bestaat niet (meer)")


def test_a_room_archived_while_open_answers_409_with_the_text(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    client_id = open_room(client, member, room)
    room_services.room_archive(actor=facilitator, room=room, archived=True)
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id})
    assert_refused(response, status=409, text=TEXT, says="Deze ruimte is gearchiveerd")


def test_posting_too_fast_answers_429_with_retry_after_and_the_text(client, settings):
    settings.SAMENHUIS_ROOM_RATE_LIMIT = (1, 60)
    room, person = thematic_room(), UserFactory()
    client_id = open_room(client, person, room)
    assert client.post(room.get_absolute_url(), {"body": "Eerste", "client_id": client_id}).status_code == 302
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": "tweede"})
    assert_refused(response, status=429, text=TEXT, says="Je post te snel. Wacht")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Message.objects.filter(room=room).count() == 1


def test_a_reply_to_a_message_removed_while_the_thread_was_open_answers_410(client):
    room, author, replier = thematic_room(), UserFactory(), UserFactory()
    question = post(room, author, "Vraag?")
    thread_url = reverse("rooms:room_message", args=[room.slug, question.seq])
    client_id = open_room(client, replier, room, thread_url)
    room_services.room_message_delete(actor=author, message=question)
    response = client.post(thread_url, {"body": TEXT, "client_id": client_id})
    assert_refused(response, status=410, text=TEXT, says="Je kunt niet antwoorden op een verwijderd bericht.")
    assert not Message.objects.filter(parent=question).exists()


# Rooms: editing, reporting, muting --------------------------------------------------------------------


def test_an_edit_of_a_message_hidden_while_the_edit_page_was_open_answers_410(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    message = post(room, member, "Eerste versie")
    edit_url = reverse("rooms:room_message_edit", args=[room.slug, message.seq])
    client.force_login(member)
    assert client.get(edit_url).status_code == 200
    room_services.room_message_hide(actor=facilitator, message=message, hidden=True)
    response = client.post(edit_url, {"body": TEXT})
    assert_refused(response, status=410, text=TEXT, says="Een verwijderd bericht kan niet bewerkt worden.")
    message.refresh_from_db()
    assert message.body == "Eerste versie"


def test_an_edit_in_a_room_archived_meanwhile_answers_409(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    message = post(room, member, "Eerste versie")
    edit_url = reverse("rooms:room_message_edit", args=[room.slug, message.seq])
    client.force_login(member)
    assert client.get(edit_url).status_code == 200
    room_services.room_archive(actor=facilitator, room=room, archived=True)
    response = client.post(edit_url, {"body": TEXT})
    assert_refused(response, status=409, text=TEXT, says="Deze ruimte is gearchiveerd")


def test_a_report_of_a_message_removed_meanwhile_keeps_the_explanation_with_410(client):
    room, author, reporter = thematic_room(), UserFactory(), UserFactory()
    message = post(room, author, "Twijfelachtig")
    report_url = reverse("rooms:room_message_report", args=[room.slug, message.seq])
    client.force_login(reporter)
    assert client.get(report_url).status_code == 200
    room_services.room_message_delete(actor=author, message=message)
    response = client.post(report_url, {"reason": Report.Reason.SPAM, "note": TEXT})
    assert_refused(response, status=410, text=TEXT, says="Dit bericht is al verwijderd.")
    assert not Report.objects.exists()


def test_a_mute_of_someone_who_left_meanwhile_keeps_the_moderators_note_with_409(client):
    facilitator, member = UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    client.force_login(facilitator)
    assert client.get(room.get_absolute_url()).status_code == 200
    services.group_member_leave(actor=member, group=room.group)
    data = {"person": member.pk, "minutes": 60, "note": TEXT}
    response = client.post(reverse("rooms:room_mute", args=[room.slug]), data)
    assert_refused(response, status=409, text=TEXT, says="kan deze ruimte niet lezen")


def test_a_moderator_who_lost_the_role_meanwhile_gets_403_with_the_note(client):
    facilitator, member, other = UserFactory(), UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member, other])
    client.force_login(facilitator)
    assert "Demping bewaren" in client.get(room.get_absolute_url()).content.decode()
    services.group_facilitator_hand_over(actor=facilitator, group=room.group, to_person=member)
    data = {"person": other.pk, "minutes": 60, "note": TEXT}
    response = client.post(reverse("rooms:room_mute", args=[room.slug]), data)
    assert_refused(response, status=403, text=TEXT, says="Je hebt geen toegang (meer)")


# Groups ------------------------------------------------------------------------------------------------


def test_a_join_request_sent_after_being_let_in_another_way_keeps_the_message_with_409(client):
    facilitator, person = UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.CLOSED)
    url = reverse("community:group_request", args=[group.slug])
    client.force_login(person)
    assert client.get(url).status_code == 200
    invitation = services.group_member_invite(actor=facilitator, group=group, email=person.email)
    services.group_invitation_accept(user=person, token=services.invitation_token(invitation))
    response = client.post(url, {"motivation": TEXT})
    assert_refused(response, status=409, text=TEXT, says="Je bent al lid of hebt al gevraagd om lid te worden.")
    assert not JoinRequest.objects.filter(person=person, motivation__contains="taal").exists()


def test_a_join_request_to_a_group_that_filled_up_meanwhile_answers_409(client):
    facilitator, person, latecomer = UserFactory(), UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.CLOSED, member_cap=2)
    url = reverse("community:group_request", args=[group.slug])
    client.force_login(latecomer)
    assert client.get(url).status_code == 200
    group_add_member(group, person)
    response = client.post(url, {"motivation": TEXT})
    assert_refused(response, status=409, text=TEXT, says="is vol")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("community:group_invite", {"email": "nieuw@huis.test"}),
        ("community:group_edit", {"name": "Kempen", "description": TEXT, "visibility": "closed", "member_cap": 12}),
    ],
)
def test_a_facilitator_who_handed_over_meanwhile_gets_403_with_what_they_typed(client, name, data):
    facilitator, member = UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.OPEN)
    group_add_member(group, member)
    client.force_login(facilitator)
    assert client.get(reverse("community:group_manage", args=[group.slug])).status_code == 200
    services.group_facilitator_hand_over(actor=facilitator, group=group, to_person=member)
    response = client.post(reverse(name, args=[group.slug]), data)
    typed = data.get("description") or data["email"]
    assert_refused(response, status=403, text=typed, says="Je hebt geen toegang (meer)")


def test_an_administrator_whose_rights_were_taken_meanwhile_keeps_the_new_groups_text(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("community:group_create")).status_code == 200
    type(admin).objects.filter(pk=admin.pk).update(is_superuser=False, is_staff=False)
    data = {"name": "Kempen", "description": TEXT, "visibility": "closed", "member_cap": 12}
    response = client.post(reverse("community:group_create"), {**data, "facilitator_email": admin.email})
    assert_refused(response, status=403, text=TEXT, says="Je hebt geen toegang (meer)")


@pytest.mark.parametrize("editing", [False, True])
def test_meeting_forms_of_a_facilitator_who_handed_over_meanwhile_answer_403_with_the_agenda(client, editing):
    from tests.events.conftest import meeting_plan

    facilitator, member = UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, visibility=IntervisionGroup.Visibility.OPEN)
    group_add_member(group, member)
    if editing:
        meeting = meeting_plan(group, facilitator)
        url = reverse("events:meeting_edit", args=[group.slug, meeting.pk])
    else:
        url = reverse("events:meeting_create", args=[group.slug])
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    services.group_facilitator_hand_over(actor=facilitator, group=group, to_person=member)
    data = {
        "title": "Intervisie",
        "starts_at": "2099-05-01T19:00",
        "ends_at": "2099-05-01T21:00",
        "agenda": TEXT,
        "location": "Turnhout",
    }
    response = client.post(url, data)
    assert_refused(response, status=403, text=TEXT, says="Je hebt geen toegang (meer)")
    assert GroupMeeting.objects.filter(agenda__contains="taal").count() == 0


# What every form shares: the session and the CSRF token ----------------------------------------------


def test_a_post_after_the_session_expired_keeps_the_text_and_offers_to_log_in(client):
    room, person = thematic_room(), UserFactory()
    client_id = open_room(client, person, room)
    Session.objects.all().delete()  # the session expired while the page was open
    response = client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id})
    html = assert_refused(response, status=403, text=TEXT, says="Je sessie is verlopen")
    assert f'href="/accounts/login/?next={room.get_absolute_url()}"' in html
    assert not Message.objects.exists()


def test_the_profile_form_after_the_session_expired_keeps_the_text(client):
    person = UserFactory(profile="Lien")
    client.force_login(person)
    assert client.get(reverse("community:profile")).status_code == 200
    Session.objects.all().delete()
    response = client.post(reverse("community:profile"), {"display_name": "Lien", "bio": TEXT, "visibility": "members"})
    assert_refused(response, status=403, text=TEXT, says="Meld je opnieuw aan")


def test_a_post_without_text_after_the_session_expired_is_still_sent_to_log_in(client):
    person = UserFactory()
    client.force_login(person)
    Session.objects.all().delete()
    response = client.post(reverse("rooms:rooms_read_all"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_csrf_failure_on_a_long_open_page_is_a_dutch_403_with_only_the_text_fields():
    client = Client(enforce_csrf_checks=True)
    room, person = thematic_room(), UserFactory()
    client.force_login(person)
    page = client.get(room.get_absolute_url())
    client_id = page.context["form"].initial["client_id"]
    stale = "x" * 64  # the token of a page rendered before a log-in in another tab
    data = {"csrfmiddlewaretoken": stale, "body": TEXT, "client_id": client_id}
    response = client.post(room.get_absolute_url(), data)
    html = assert_refused(response, status=403, text=TEXT, says="Dit formulier is verlopen")
    assert kept_texts(html) == [escape(TEXT)]
    assert stale not in html and client_id not in html
    assert not Message.objects.exists()
