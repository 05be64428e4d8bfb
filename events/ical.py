"""iCalendar (RFC 5545) feeds of the agenda, so members can subscribe from Outlook, Google or Apple Calendar.

Times are written as Europe/Brussels wall-clock times with a TZID, not as UTC, so a client shows
"10:00" for a 10:00 meeting even when it ignores time zones. The VTIMEZONE is built here by hand:
icalendar 7.3's ``Timezone.from_tzid`` puts the spring change at 03:00, where RFC 5545 §3.6.5 wants the
onset in the old offset (02:00 CET); clients that trust the VTIMEZONE would then resolve the transition an
hour late. Since 1996 Belgium follows the EU rule (last Sunday of March and of October, at 01:00 UTC),
which two yearly RRULEs describe for every year the feed can contain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur, vText

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Samenhuis//Agenda//NL"
TZID = "Europe/Brussels"
BRUSSELS = ZoneInfo(TZID)


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0
    last_modified: datetime | None = None
    categories: tuple[str, ...] = ()


def _brussels_timezone() -> Timezone:
    """The EU rule since 1996: CEST from the last Sunday of March 02:00, CET from the last Sunday of October 03:00."""
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1996, 3, 31, 2, 0))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1996, 10, 27, 3, 0))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone


def _event(entry: CalendarEntry, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(BRUSSELS))
    event.add("dtend", entry.ends_at.astimezone(BRUSSELS))
    event.add("summary", entry.summary)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("sequence", entry.sequence)
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    if entry.last_modified is not None:
        event.add("last-modified", entry.last_modified.astimezone(UTC))
    if entry.categories:
        event.add("categories", list(entry.categories))
    return event


def calendar_render(entries: Iterable[CalendarEntry], *, name: str, stamp: datetime | None = None) -> bytes:
    """The VCALENDAR as bytes (UTF-8, CRLF, folded at 75 octets); same entries and stamp give the same bytes."""
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not escaped unless it is given as TEXT (a title may hold ",", ";" or a line break).
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(_brussels_timezone())
    for entry in entries:
        calendar.add_component(_event(entry, stamp))
    return calendar.to_ical()


def event_file_name(summary: str) -> str:
    """An ASCII "slug.ics" that is safe in a Content-Disposition header on every platform."""
    ascii_text = unicodedata.normalize("NFKD", summary).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")
    return f"{slug or 'agenda'}.ics"
