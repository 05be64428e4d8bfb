"""Registration rules: capacity, waitlist, promotion, deadline, cancellation, answers, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import EventPage, Registration, RegistrationQuestion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def register(event, person=None, **answers):
    return services.event_register(event=event, person=person or UserFactory(), answers=answers)


def test_seats_then_waitlist_in_order(make_event):
    event = make_event(capacity=2)
    first, second, third, fourth = (register(event) for _ in range(4))
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert services.waitlist_position(third) == 1
    assert services.waitlist_position(fourth) == 2
    seats = services.event_seats(event)
    assert (seats.taken, seats.waiting, seats.left, seats.is_full) == (2, 2, 0, True)


def test_cancellation_promotes_the_first_on_the_waitlist_and_mails_them(make_event):
    event = make_event(capacity=1)
    holder = register(event)
    waiting_first, waiting_second = register(event), register(event)
    mail.outbox.clear()

    services.registration_cancel(registration=holder, by=holder.person)

    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == Registration.Status.CONFIRMED
    assert waiting_first.promoted_at is not None
    assert waiting_second.status == Registration.Status.WAITLISTED
    assert services.waitlist_position(waiting_second) == 1
    promoted = [m for m in mail.outbox if m.to == [waiting_first.person.email]]
    assert len(promoted) == 1 and "Netwerknamiddag Kempen" in promoted[0].subject
    (name, content, mimetype) = promoted[0].attachments[0]
    assert mimetype == "text/calendar" and name.endswith(".ics")
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["UID"]) == f"event-{event.pk}@samenhuis"
    assert [m.to for m in mail.outbox if m.to == [holder.person.email]] == [[holder.person.email]]  # cancelled mail


def test_leaving_the_waitlist_promotes_nobody(make_event):
    event = make_event(capacity=1)
    holder, waiting, behind = register(event), register(event), register(event)
    services.registration_cancel(registration=waiting, by=waiting.person)
    holder.refresh_from_db()
    behind.refresh_from_db()
    assert holder.is_confirmed and behind.is_waitlisted and services.waitlist_position(behind) == 1


def test_raising_the_capacity_promotes_on_publish(make_event):
    event = make_event(capacity=1)
    register(event)
    waiting = [register(event) for _ in range(3)]
    event.capacity = 3
    event.save_revision().publish()
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_registering_again_after_cancelling_goes_to_the_back(make_event):
    event = make_event(capacity=1)
    holder = register(event)
    waiting = register(event)
    services.registration_cancel(registration=holder, by=holder.person)
    again = register(event, holder.person)
    assert again.pk == holder.pk
    assert again.is_waitlisted and services.waitlist_position(again) == 1
    waiting.refresh_from_db()
    assert waiting.is_confirmed


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"registration_deadline_in": timedelta(minutes=-5)}, "closed"),
        ({"starts_in": timedelta(hours=-1)}, "past"),
        ({"is_cancelled": True}, "cancelled"),
        ({"registration_required": False}, "not_required"),
    ],
)
def test_closed_past_cancelled_and_unneeded_registrations_are_refused(make_event, fields, code):
    deadline = fields.pop("registration_deadline_in", None)
    event = make_event(**fields)
    if deadline is not None:
        EventPage.objects.filter(pk=event.pk).update(registration_deadline=timezone.now() + deadline)
        event.refresh_from_db()
    with pytest.raises(services.RegistrationRefused) as refused:
        register(event)
    assert refused.value.code == code
    assert not Registration.objects.filter(event=event).exists()


def test_a_second_registration_is_refused_with_its_own_message(make_event):
    event = make_event(capacity=1)
    holder = register(event)
    waiting = register(event)
    with pytest.raises(services.RegistrationRefused, match="al ingeschreven") as refused:
        register(event, holder.person)
    assert refused.value.code == "duplicate"
    with pytest.raises(services.RegistrationRefused, match="al op de wachtlijst"):
        register(event, waiting.person)
    assert Registration.objects.filter(event=event).count() == 2


def test_answers_are_checked_and_kept_with_the_question(make_event):
    event = make_event(
        questions=[
            ("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", False),
            ("Workshop", RegistrationQuestion.Kind.CHOICE, "Ochtend\nNamiddag", True),
        ]
    )
    diet, workshop = event.questions.all()
    with pytest.raises(ValidationError) as invalid:
        register(event, **{str(diet.pk): "vegetarisch"})
    assert str(workshop.pk) in invalid.value.error_dict
    with pytest.raises(ValidationError):
        register(event, **{str(workshop.pk): "Avond"})
    assert not Registration.objects.exists()

    registration = register(event, **{str(diet.pk): "vegetarisch", str(workshop.pk): "Namiddag"})
    assert registration.answers == [
        {"question_id": diet.pk, "question": "Dieetwensen", "answer": "vegetarisch"},
        {"question_id": workshop.pk, "question": "Workshop", "answer": "Namiddag"},
    ]


def test_nobody_cancels_someone_elses_registration(make_event):
    event = make_event()
    registration = register(event)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.registration_cancel(registration=registration, by=UserFactory())
    assert refused.value.code == "forbidden"
    registration.refresh_from_db()
    assert registration.is_confirmed


def test_confirmation_mail_carries_the_event_as_ics(make_event):
    event = make_event()
    registration = register(event)
    [message] = mail.outbox
    assert message.to == [registration.person.email]
    assert "Zaal De Schakel" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("netwerknamiddag-kempen.ics", "text/calendar")
    assert "STATUS:CONFIRMED" in (content.decode() if isinstance(content, bytes) else content)


def test_reminders_go_once_to_confirmed_people_the_day_before(make_event):
    tomorrow = make_event(title="Morgen", starts_in=timedelta(hours=20), capacity=1)
    later = make_event(title="Later", starts_in=timedelta(days=3))
    seated = register(tomorrow)
    register(tomorrow)  # waitlisted: no reminder
    register(later)
    mail.outbox.clear()

    assert services.registration_reminders_send() == 1
    assert services.registration_reminders_send() == 0
    [reminder] = mail.outbox
    assert reminder.to == [seated.person.email] and "Morgen" in reminder.subject
    assert reminder.attachments[0][2] == "text/calendar"
    # The scheduler that runs scheduled publishing runs the reminders too.
    from samenhuis.scheduler import registry

    assert "event_reminders" in [job.name for job in registry.jobs()]


def test_reminder_job_through_the_scheduler(make_event):
    from samenhuis.scheduler import registry

    event = make_event(starts_in=timedelta(hours=2))
    register(event)
    mail.outbox.clear()
    job = next(job for job in registry.jobs() if job.name == "event_reminders")
    job.next_run = 0
    results = registry.run_due()
    assert results["event_reminders"] is True
    assert len(mail.outbox) == 1


def test_attendees_mail_only_by_organisers_and_only_to_seated_people(make_event):
    editor = UserFactory(is_superuser=True)
    event = make_event(capacity=1)
    seated = register(event)
    register(event)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.event_attendees_mail(event=event, sender=seated.person, subject="Hallo", body="Tekst")
    assert (
        services.event_attendees_mail(event=event, sender=editor, subject="Praktisch", body="Parkeer achteraan.") == 1
    )
    [message] = mail.outbox
    assert message.to == [seated.person.email] and "Parkeer achteraan." in message.body
