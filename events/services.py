"""Every write about events: registrations and the waitlist, reminders, mails to attendees,
group meetings and their RSVPs, personal calendar feeds.

Capacity holds under concurrency because every change to an event's registrations first locks
the event's row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite takes the write lock when the
transaction begins, `transaction_mode=IMMEDIATE`). Mails go out after commit. See docs/events.md.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import AuditEvent, IntervisionGroup, User
from community.services.audit import audit_record

from . import mail, permissions, selectors
from .models import (
    CalendarFeed,
    EventPage,
    GroupMeeting,
    MeetingResponse,
    Registration,
    RegistrationQuestion,
    calendar_token,
)

REMINDER_WINDOW = timedelta(hours=24)


class RegistrationRefused(ValidationError):
    """A registration that cannot be taken; `code` says why (closed, past, cancelled, duplicate, ...)."""


@dataclass(frozen=True)
class Seats:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def event_seats(event: EventPage) -> Seats:
    counts = dict.fromkeys(Registration.Status.values, 0)
    if event.pk is None:  # a new event previewed in the CMS
        return Seats(event.capacity, 0, 0)
    for row in Registration.objects.filter(event=event).values("status").order_by().annotate(count=Count("id")):
        counts[row["status"]] = row["count"]
    return Seats(event.capacity, counts[Registration.Status.CONFIRMED], counts[Registration.Status.WAITLISTED])


def _locked(event: EventPage) -> EventPage:
    """The event as it is now, its row locked until the transaction ends."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def registration_refusal(event: EventPage, *, now=None) -> RegistrationRefused | None:
    """Why nobody can register now, or None. Shared by the page (to show it) and the service."""
    now = now or timezone.now()
    if not event.registration_required:
        return RegistrationRefused(_("This event needs no registration through Samenhuis."), code="not_required")
    if event.is_cancelled:
        return RegistrationRefused(_("This event has been cancelled."), code="cancelled")
    if event.starts_at <= now:
        return RegistrationRefused(_("This event has already taken place."), code="past")
    if event.registration_closes_at <= now:
        return RegistrationRefused(_("Registration for this event has closed."), code="closed")
    return None


def answers_clean(event: EventPage, raw: dict[str, str]) -> list[dict]:
    """Answers keyed by question id, checked against the event's questions; stored with the id
    (the attendee list finds them under a reworded question) and the label they were given for."""
    answers, errors = [], {}
    for question in event.questions.all():
        value = (raw.get(str(question.pk)) or "").strip()[:1000]
        if question.kind == RegistrationQuestion.Kind.CHOICE and value and value not in question.option_list:
            errors[str(question.pk)] = _("Choose one of the options.")
        elif question.kind == RegistrationQuestion.Kind.YES_NO and value and value not in ("ja", "nee"):
            errors[str(question.pk)] = _("Answer yes or no.")
        elif question.required and not value:
            errors[str(question.pk)] = _("This question needs an answer.")
        answers.append({"question_id": question.pk, "question": question.label, "answer": value})
    if errors:
        raise ValidationError(errors, code="answers")
    return answers


def event_register(*, event: EventPage, person: User, answers: dict[str, str] | None = None) -> Registration:
    """A seat while there is one, else a place at the back of the waitlist. Raises
    RegistrationRefused (closed, past, cancelled, duplicate) or ValidationError (answers)."""
    if not permissions.can_register(person):
        raise RegistrationRefused(_("Log in to register."), code="anonymous")
    cleaned = answers_clean(event, answers or {})
    with transaction.atomic():
        event = _locked(event)
        refusal = registration_refusal(event)
        if refusal:
            raise refusal
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration and registration.is_active:
            if registration.is_confirmed:
                raise RegistrationRefused(_("You are already registered for this event."), code="duplicate")
            raise RegistrationRefused(_("You are already on the waitlist for this event."), code="duplicate")
        now = timezone.now()
        seats = event_seats(event)
        confirmed = not seats.is_full and seats.waiting == 0
        registration = registration or Registration(event=event, person=person)
        registration.status = Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED
        registration.answers = cleaned
        registration.queued_at = now
        registration.confirmed_at = now if confirmed else None
        registration.cancelled_at = registration.promoted_at = registration.reminder_sent_at = None
        registration.save()
        promoted = _waitlist_promote(event) if not confirmed else []
    if registration in promoted:
        registration.refresh_from_db()
    else:
        mail.registration_mail_on_commit(registration, "registered" if confirmed else "waitlisted")
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if not registration.is_waitlisted:
        return None
    # The order promotion uses: time of queueing, then id for two at the same instant.
    ahead = Registration.objects.filter(
        Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=Registration.Status.WAITLISTED,
    ).count()
    return ahead + 1


def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """Give up a seat or a place on the waitlist. A freed seat goes to the first on the waitlist."""
    if registration.person_id != by.pk and not permissions.can_manage_event(by, registration.event):
        raise RegistrationRefused(_("You cannot cancel someone else's registration."), code="forbidden")
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if not registration.is_active:
            raise RegistrationRefused(_("This registration was already cancelled."), code="already_cancelled")
        if event.ends_at <= timezone.now():
            raise RegistrationRefused(_("This event has already taken place."), code="past")
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        _waitlist_promote(event)
    mail.registration_mail_on_commit(registration, "cancelled")
    return registration


def event_waitlist_promote(*, event: EventPage) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (after a cancellation, or when
    an editor raised the capacity). Those promoted get a mail with the calendar file."""
    with transaction.atomic():
        return _waitlist_promote(_locked(event))


def _waitlist_promote(event: EventPage) -> list[Registration]:
    if event.is_cancelled or event.starts_at <= timezone.now():
        return []
    seats = event_seats(event)
    if seats.waiting == 0 or seats.is_full:
        return []
    waiting = Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).order_by(
        "queued_at", "id"
    )
    promoted = list(waiting if seats.left is None else waiting[: seats.left])
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = registration.promoted_at = now
        registration.save(update_fields=["status", "confirmed_at", "promoted_at"])
        mail.registration_mail_on_commit(registration, "promoted")
    return promoted


def event_attendees_mail(*, event: EventPage, sender: User, subject: str, body: str) -> int:
    """Mail everyone with a confirmed seat; returns how many will receive it."""
    if not permissions.can_manage_event(sender, event):
        raise ValidationError(_("Only the organisers can mail the attendees."), code="forbidden")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("Write a subject and a message."), code="empty")
    addresses = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).values_list(
            "person__email", flat=True
        )
    )
    mail.attendees_mail_on_commit(event=event, sender=sender, subject=subject[:150], body=body[:10000], to=addresses)
    return len(addresses)


def event_attendees_open(*, actor: User, event: EventPage, export: bool = False) -> list[Registration]:
    """The attendees (seats and waitlist) for one of the event's organisers, who is now in the audit
    trail as having viewed the list, or exported it (docs/privacy.md, "Audit trail"): it names
    people with their e-mail addresses and answers. The line names the event, not the attendees."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied
    attendees = selectors.event_attendees(event)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ATTENDEES_EXPORTED if export else AuditEvent.Action.ATTENDEES_VIEWED,
        target=event.title,
        detail={"event": event.pk, "attendees": len(attendees)},
    )
    return attendees


def registration_reminders_send(*, now=None) -> int:
    """The scheduled job: remind everyone with a seat at an event that starts within a day, once.
    Safe with several server processes: each registration is claimed under a row lock."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__is_cancelled=False,
        event__live=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_WINDOW,
    )
    sent = 0
    with transaction.atomic():
        for registration in due.select_for_update(skip_locked=True, of=("self",)).select_related("event", "person"):
            registration.reminder_sent_at = now
            registration.save(update_fields=["reminder_sent_at"])
            mail.registration_mail_on_commit(registration, "reminder")
            sent += 1
    return sent


# Group meetings ---------------------------------------------------------------------------------


def _meeting_check(*, starts_at, ends_at, online_url: str, location: str) -> None:
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    if not online_url and not location.strip():
        errors["location"] = _("Give a link to the online meeting or a location.")
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *,
    group: IntervisionGroup,
    by: User,
    title: str,
    starts_at,
    ends_at,
    agenda: str = "",
    online_url: str = "",
    location: str = "",
) -> GroupMeeting:
    if not permissions.can_manage_meetings(permissions.group_membership(by, group)):
        raise ValidationError(_("Only the group's facilitators plan meetings."), code="forbidden")
    _meeting_check(starts_at=starts_at, ends_at=ends_at, online_url=online_url, location=location)
    return GroupMeeting.objects.create(
        group=group,
        created_by=by,
        title=title.strip() or _("Intervision meeting"),
        starts_at=starts_at,
        ends_at=ends_at,
        agenda=agenda.strip(),
        online_url=online_url,
        location=location.strip(),
    )


def meeting_update(*, meeting: GroupMeeting, by: User, **changes) -> GroupMeeting:
    """Change a meeting; a new time or place raises its calendar SEQUENCE so calendars update."""
    if not permissions.can_manage_meetings(permissions.group_membership(by, meeting.group)):
        raise ValidationError(_("Only the group's facilitators change meetings."), code="forbidden")
    values = {
        name: changes.get(name, getattr(meeting, name))
        for name in ("title", "starts_at", "ends_at", "agenda", "online_url", "location")
    }
    _meeting_check(**{name: values[name] for name in ("starts_at", "ends_at", "online_url", "location")})
    if any(values[name] != getattr(meeting, name) for name in ("starts_at", "ends_at", "online_url", "location")):
        meeting.sequence += 1
    for name, value in values.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    return meeting


def meeting_cancel(*, meeting: GroupMeeting, by: User) -> GroupMeeting:
    if not permissions.can_manage_meetings(permissions.group_membership(by, meeting.group)):
        raise ValidationError(_("Only the group's facilitators cancel meetings."), code="forbidden")
    if not meeting.is_cancelled:
        meeting.is_cancelled = True
        meeting.sequence += 1
        meeting.save(update_fields=["is_cancelled", "sequence", "updated_at"])
    return meeting


def meeting_respond(*, meeting: GroupMeeting, person: User, answer: str) -> MeetingResponse:
    if not permissions.can_view_meetings(permissions.group_membership(person, meeting.group)):
        raise ValidationError(_("Only members of the group answer."), code="forbidden")
    if answer not in MeetingResponse.Answer.values:
        raise ValidationError(_("Answer yes, no or maybe."), code="invalid")
    if meeting.is_cancelled or meeting.is_past:
        raise ValidationError(_("This meeting is cancelled or over."), code="closed")
    response, _created = MeetingResponse.objects.update_or_create(
        meeting=meeting, person=person, defaults={"answer": answer}
    )
    return response


# Personal calendar feeds ------------------------------------------------------------------------


def calendar_feed_regenerate(*, person: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once. One row per person, replaced in
    place: two clicks at once both succeed (the second token wins) instead of one hitting the
    one-feed-per-person constraint."""
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token": calendar_token(), "created_at": timezone.now()}
    )
    return feed


def calendar_feed_revoke(*, person: User) -> None:
    CalendarFeed.objects.filter(person=person).delete()
