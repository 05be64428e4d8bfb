"""What the iCal feeds and the .ics attachments hold: events and meetings as calendar entries.

Entries are rendered by `events.ical`; the UIDs are stable (`event-<id>@samenhuis`,
`meeting-<id>@samenhuis`) so a calendar updates its copy instead of adding a second one, and a
change of time, place or status raises SEQUENCE. Cancelled events stay in the feeds with
STATUS:CANCELLED, which is how calendars learn of a cancellation.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from community.mail import absolute_url

from .ical import CalendarEntry
from .models import EventPage, GroupMeeting, Registration

FEED_PAST = timedelta(days=365)  # feeds keep a year of history, calendars need no more


def event_entry(event: EventPage) -> CalendarEntry:
    url = absolute_url(event.url) if event.url else ""
    return CalendarEntry(
        uid=event.calendar_uid,
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        description="\n\n".join(part for part in (event.summary, url) if part),
        location=event.location_text,
        url=url,
        cancelled=event.is_cancelled,
        sequence=event.schedule_sequence,
        last_modified=event.last_published_at,
        categories=(str(event.get_event_type_display()),),
    )


def meeting_entry(meeting: GroupMeeting) -> CalendarEntry:
    url = absolute_url(meeting.get_absolute_url())
    parts = [meeting.agenda, meeting.online_url and _("Join online: %(link)s") % {"link": meeting.online_url}, url]
    return CalendarEntry(
        uid=meeting.calendar_uid,
        summary=f"{meeting.title} ({meeting.group.name})",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        description="\n\n".join(part for part in parts if part),
        location=meeting.location or meeting.online_url,
        url=url,
        cancelled=meeting.is_cancelled,
        sequence=meeting.sequence,
        last_modified=meeting.updated_at,
    )


def public_events(*, now=None):
    now = now or timezone.now()
    return EventPage.objects.live().public().filter(ends_at__gte=now - FEED_PAST).order_by("starts_at", "pk")


def public_feed_entries(*, now=None) -> list[CalendarEntry]:
    return [event_entry(event) for event in public_events(now=now)]


def personal_feed_entries(person, *, now=None) -> list[CalendarEntry]:
    """The events the person has a seat for, and the meetings of the person's groups."""
    since = (now or timezone.now()) - FEED_PAST
    registrations = (
        Registration.objects.filter(
            person=person, status=Registration.Status.CONFIRMED, event__live=True, event__ends_at__gte=since
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    meetings = (
        GroupMeeting.objects.filter(group__memberships__person=person, ends_at__gte=since)
        .select_related("group")
        .order_by("starts_at")
    )
    entries = [event_entry(registration.event) for registration in registrations]
    entries += [meeting_entry(meeting) for meeting in meetings]
    return entries
