from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events.ical import CONTENT_TYPE, CalendarEntry, calendar_render, event_file_name

BRUSSELS = ZoneInfo("Europe/Brussels")
STAMP = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)

FULL = CalendarEntry(
    uid="event-12@samenhuis.be",
    summary="Intervisie Brussel, Gent; één café",
    starts_at=datetime(2026, 3, 28, 9, 0, tzinfo=UTC),  # stored UTC, 10:00 CET
    ends_at=datetime(2026, 3, 28, 11, 0, tzinfo=UTC),
    description="Eerste lijn: welkom\nTweede lijn: koffie, thee; water",
    location="Huis van het Kind, Kerkstraat 1, Gent",
    url="https://samenhuis.be/agenda/12/",
    sequence=3,
    last_modified=datetime(2026, 1, 15, 15, 45, tzinfo=BRUSSELS),
    categories=("Intervisie", "Zorg, welzijn"),
)
CANCELLED = CalendarEntry(
    uid="event-13@samenhuis.be",
    summary="Lenteoverleg",
    starts_at=datetime(2026, 3, 30, 10, 0, tzinfo=BRUSSELS),  # CEST
    ends_at=datetime(2026, 3, 30, 12, 0, tzinfo=BRUSSELS),
    cancelled=True,
)
NIGHT = CalendarEntry(
    uid="event-14@samenhuis.be",
    summary="Nachtwake",
    starts_at=datetime(2026, 10, 25, 0, 30, tzinfo=BRUSSELS),  # CEST, 22:30 UTC the day before
    ends_at=datetime(2026, 10, 25, 5, 0, tzinfo=BRUSSELS),  # CET, 04:00 UTC
)


def render(*entries: CalendarEntry, stamp: datetime | None = STAMP) -> bytes:
    return calendar_render(entries or (FULL, CANCELLED, NIGHT), name="Agenda Samenhuis, Vlaanderen", stamp=stamp)


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def event_with_uid(calendar: Calendar, uid: str):
    [event] = [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]
    return event


def test_content_type_is_utf8_calendar():
    assert CONTENT_TYPE == "text/calendar; charset=utf-8"


def test_calendar_properties():
    calendar = parse(render())

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Samenhuis//Agenda//NL"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    # An X- property is TEXT (RFC 5545 3.8.8.2): its comma escaped, as calendar programs read it.
    assert str(calendar["X-WR-CALNAME"]) == "Agenda Samenhuis\\, Vlaanderen"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Brussels"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [
        "event-12@samenhuis.be",
        "event-13@samenhuis.be",
        "event-14@samenhuis.be",
    ]


def test_one_brussels_vtimezone_with_eu_rules():
    raw = render()
    [timezone] = parse(raw).walk("VTIMEZONE")

    assert str(timezone["TZID"]) == "Europe/Brussels"
    [standard] = timezone.walk("STANDARD")
    [daylight] = timezone.walk("DAYLIGHT")
    assert standard["TZOFFSETTO"].to_ical() == "+0100"
    assert standard["TZOFFSETFROM"].to_ical() == "+0200"
    assert daylight["TZOFFSETTO"].to_ical() == "+0200"
    assert daylight["TZOFFSETFROM"].to_ical() == "+0100"
    # RFC 5545 §3.6.5: the onset is a wall-clock time in the offset being left.
    assert b"DTSTART:19960331T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in raw
    assert b"DTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in raw
    assert raw.index(b"BEGIN:VTIMEZONE") < raw.index(b"BEGIN:VEVENT")


@pytest.mark.parametrize("year", [2026, 2031])
def test_vtimezone_alone_gives_zoneinfo_offsets_on_transition_days(year):
    """A client without tz data of its own must place every instant exactly where zoneinfo does."""
    [timezone] = parse(render()).walk("VTIMEZONE")
    from_vtimezone = timezone.to_tz(lookup_tzid=False)  # built from our RRULEs, not looked up by TZID

    for day in (datetime(year, 3, 25, tzinfo=UTC), datetime(year, 10, 25, tzinfo=UTC)):
        for offset in range(8 * 24 * 4):  # the whole last week of the month, every 15 minutes
            instant = day + timedelta(minutes=15 * offset)
            assert instant.astimezone(from_vtimezone).utcoffset() == instant.astimezone(BRUSSELS).utcoffset(), instant


def test_full_event_fields():
    event = event_with_uid(parse(render()), "event-12@samenhuis.be")

    assert event.decoded("DTSTAMP") == STAMP
    assert event["SEQUENCE"] == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Intervisie Brussel, Gent; één café"
    assert str(event["DESCRIPTION"]) == "Eerste lijn: welkom\nTweede lijn: koffie, thee; water"
    assert str(event["LOCATION"]) == "Huis van het Kind, Kerkstraat 1, Gent"
    assert str(event["URL"]) == "https://samenhuis.be/agenda/12/"
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 1, 15, 14, 45, tzinfo=UTC)
    assert event["CATEGORIES"].cats == ["Intervisie", "Zorg, welzijn"]
    for name in ("DTSTART", "DTEND"):
        assert event[name].params["TZID"] == "Europe/Brussels"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 28, 10, 0)
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2026, 3, 28, 12, 0)


def test_text_is_escaped_on_the_wire():
    raw = render(FULL)

    assert "SUMMARY:Intervisie Brussel\\, Gent\\; één café\r\n".encode() in raw
    assert b"DESCRIPTION:Eerste lijn: welkom\\nTweede lijn: koffie\\, thee\\; water\r\n" in raw
    assert b"LAST-MODIFIED:20260115T144500Z\r\n" in raw
    assert b"DTSTAMP:20260201T083000Z\r\n" in raw


def test_cancelled_event_has_status_and_omits_empty_fields():
    event = event_with_uid(parse(render()), "event-13@samenhuis.be")

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Lenteoverleg"
    assert event.decoded("DTSTAMP") == STAMP
    for name in ("DESCRIPTION", "LOCATION", "URL", "LAST-MODIFIED", "CATEGORIES"):
        assert name not in event


def test_times_either_side_of_the_spring_change():
    raw = render()
    calendar = parse(raw)
    winter = event_with_uid(calendar, "event-12@samenhuis.be")
    summer = event_with_uid(calendar, "event-13@samenhuis.be")

    assert b"DTSTART;TZID=Europe/Brussels:20260328T100000\r\n" in raw
    assert b"DTSTART;TZID=Europe/Brussels:20260330T100000\r\n" in raw
    assert winter.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 28, 10, 0)
    assert summer.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 3, 30, 10, 0)
    assert winter.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert summer.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert summer.decoded("DTEND").astimezone(UTC) == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)


def test_night_across_the_autumn_change_lasts_five_and_a_half_hours():
    raw = render()
    night = event_with_uid(parse(raw), "event-14@samenhuis.be")

    assert b"DTSTART;TZID=Europe/Brussels:20261025T003000\r\n" in raw
    assert b"DTEND;TZID=Europe/Brussels:20261025T050000\r\n" in raw
    starts_at = night.decoded("DTSTART").astimezone(UTC)
    ends_at = night.decoded("DTEND").astimezone(UTC)
    assert starts_at == datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    assert ends_at - starts_at == timedelta(hours=5, minutes=30)


def test_lines_end_with_crlf_and_fold_at_75_octets():
    long_entry = CalendarEntry(
        uid="event-15@samenhuis.be",
        summary="Lange titel " + "één café, ëën thee; " * 10,
        starts_at=FULL.starts_at,
        ends_at=FULL.ends_at,
        description="Regel met accenten é ë ï " * 20,
    )
    raw = render(FULL, long_entry)

    assert raw.endswith(b"\r\n")
    lines = raw[: -len(b"\r\n")].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # folding really happened
    assert str(event_with_uid(parse(raw), "event-15@samenhuis.be")["SUMMARY"]) == long_entry.summary


def test_rendering_twice_is_byte_identical_with_stable_uids():
    first, second = render(), render()

    assert first == second
    assert [str(e["UID"]) for e in parse(first).walk("VEVENT")] == [str(e["UID"]) for e in parse(second).walk("VEVENT")]


def test_stamp_defaults_to_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    event = event_with_uid(parse(render(CANCELLED, stamp=None)), "event-13@samenhuis.be")
    after = datetime.now(UTC)

    stamp = event.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= after


def test_stamp_in_another_zone_is_written_in_utc():
    raw = render(CANCELLED, stamp=datetime(2026, 7, 1, 12, 0, tzinfo=BRUSSELS))

    assert b"DTSTAMP:20260701T100000Z\r\n" in raw


@pytest.mark.parametrize(
    ("summary", "file_name"),
    [
        ("Netwerknamiddag Kempen: zorg & welzijn!", "netwerknamiddag-kempen-zorg-welzijn.ics"),
        ("Één café in Leuven", "een-cafe-in-leuven.ics"),
        ("", "agenda.ics"),
        ("?!/\\", "agenda.ics"),
        ("x" * 200, "x" * 60 + ".ics"),
    ],
)
def test_event_file_name(summary, file_name):
    assert event_file_name(summary) == file_name
