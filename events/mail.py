"""Mails about registrations and meetings, sent after the change is committed.

Like the community's mails (community/mail.py) they are written in Dutch, with absolute links;
a confirmation, a promotion from the waitlist and the reminder carry the event as an .ics file.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from community.mail import absolute_url

from . import calendar, ical

logger = logging.getLogger(__name__)

WITH_CALENDAR_FILE = {"registered", "promoted", "reminder"}


def _render(template: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"events/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"events/email/{template}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def _send(message: EmailMessage, what: str) -> None:
    try:
        message.send()
    except Exception:
        # The registration stands; a mail server that is down must not turn it into an error page.
        logger.exception("Could not send the %s mail", what)


def registration_mail_on_commit(registration, kind: str) -> None:
    """kind: registered, waitlisted, promoted, cancelled or reminder."""

    def send():
        from .services import waitlist_position

        event = registration.event
        address = registration.person.email
        if not address:
            return
        context = {
            "event": event,
            "registration": registration,
            "position": waitlist_position(registration) if kind == "waitlisted" else None,
            "event_url": absolute_url(event.url or "/"),
            "my_agenda_url": absolute_url("/agenda/mijn/"),
        }
        subject, body = _render(kind, context)
        message = EmailMessage(subject, body, None, [address])
        if kind in WITH_CALENDAR_FILE:
            content = ical.calendar_render([calendar.event_entry(event)], name=event.title)
            message.attach(ical.event_file_name(event.title), content, "text/calendar")
        _send(message, kind)

    transaction.on_commit(send)


def attendees_mail_on_commit(*, event, sender, subject: str, body: str, to: list[str]) -> None:
    """The organiser's own words, one mail per attendee (nobody sees the other addresses)."""
    recipients = sorted({address for address in to if address})

    def send():
        context = {"event": event, "sender": sender, "body": body, "event_url": absolute_url(event.url or "/")}
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string("events/email/attendees_body.txt", context)
        for address in recipients:
            reply_to = [sender.email] if sender.email else None
            _send(
                EmailMessage(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, None, [address], reply_to=reply_to),
                "attendees",
            )

    transaction.on_commit(send)
