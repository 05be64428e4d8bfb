"""A registration or an organiser's form refused because the event changed after its page was
loaded comes back with the answers to copy, a Dutch sentence and its own status
(samenhuis/refusals.py; tests/samenhuis/test_refusals.py has the rest)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from events.models import EventPage, Registration, RegistrationQuestion
from tests.factories import UserFactory
from tests.samenhuis.refusals import assert_refused

pytestmark = pytest.mark.django_db

ANSWER = "Geen varkensvlees, & <graag> vegetarisch"


def event_with_question(make_event):
    event = make_event(questions=[("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", True)])
    return event, {str(event.questions.get().pk): ANSWER}


def open_event(client, event):
    client.force_login(UserFactory())
    page = client.get(event.url)
    assert page.status_code == 200 and "Dieetwensen" in page.content.decode()


def test_registration_closed_while_the_page_was_open_answers_409_with_the_answers(client, make_event):
    event, data = event_with_question(make_event)
    open_event(client, event)
    EventPage.objects.filter(pk=event.pk).update(registration_deadline=timezone.now() - timedelta(minutes=1))
    response = client.post(event.url + "inschrijven/", data)
    assert_refused(response, status=409, text=ANSWER, says="De inschrijvingen voor deze activiteit zijn gesloten.")
    assert not Registration.objects.exists()


def test_an_event_cancelled_while_the_page_was_open_answers_410_with_the_answers(client, make_event):
    event, data = event_with_question(make_event)
    open_event(client, event)
    EventPage.objects.filter(pk=event.pk).update(is_cancelled=True)
    response = client.post(event.url + "inschrijven/", data)
    assert_refused(response, status=410, text=ANSWER, says="Deze activiteit is geannuleerd.")


def test_registering_after_the_session_expired_keeps_the_answers_and_offers_to_log_in(client, make_event):
    event, data = event_with_question(make_event)
    open_event(client, event)
    Session.objects.all().delete()
    response = client.post(event.url + "inschrijven/", data)
    html = assert_refused(response, status=403, text=ANSWER, says="Je sessie is verlopen")
    assert 'href="/accounts/login/?next=' in html


def test_an_organiser_who_lost_the_right_meanwhile_keeps_the_mail_to_the_attendees(client, make_event):
    organiser = UserFactory(is_superuser=True, is_staff=True)
    event = make_event()
    mail_url = event.url + "deelnemers/mailen/"
    client.force_login(organiser)
    assert client.get(mail_url).status_code == 200
    type(organiser).objects.filter(pk=organiser.pk).update(is_superuser=False, is_staff=False)
    response = client.post(mail_url, {"subject": "Praktisch", "body": ANSWER})
    assert_refused(response, status=403, text=ANSWER, says="Je hebt geen toegang (meer)")
