"""What the agenda shows on the home page, the knowledge hub and a member's start page
(registered in events/wagtail_hooks.py under the hook names of samenhuis/start.py; the pages
themselves are knowledge's, which may not import events).

The home page: the next events. The knowledge hub: the material of past network afternoons.
The start page: the member's registrations for coming events, and under each of their groups
the next meeting. Each asks the database a fixed number of times, reusing events.selectors.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from samenhuis.start import GroupFact, MemberStart, Section

from . import selectors
from .models import EventType

EVENTS_ON_HOME = 3
AFTERNOONS_ON_HUB = 3
REGISTRATIONS_SHOWN = 5


def _agenda_url(request, route: str = "", **query) -> str:
    agenda = selectors.agenda_index()
    if agenda is None:
        return ""
    url = agenda.get_url(request) + (agenda.reverse_subpage(route) if route else "")
    return f"{url}?{urlencode(query)}" if query else url


def home_events(request) -> Section:
    """The next public events (`agenda_events`, as the agenda lists them)."""
    return Section(
        key="events",
        title=_("Coming up"),
        template="events/start/events.html",
        order=30,
        context={"events": list(selectors.agenda_events(past=False)[:EVENTS_ON_HOME])},
        more_url=_agenda_url(request),
        more_text=_("The whole calendar"),
    )


def hub_network_afternoons(request) -> Section:
    """Presentations, reports and links of past network afternoons, open to everyone."""
    return Section(
        key="network-afternoons",
        title=_("From the network afternoons"),
        template="events/start/network_afternoons.html",
        order=40,
        context={
            "events": selectors.network_afternoons_with_materials(limit=AFTERNOONS_ON_HUB),
            "upcoming_url": _agenda_url(request, soort=EventType.NETWORK_AFTERNOON),
        },
        more_url=_agenda_url(request, "archive", soort=EventType.NETWORK_AFTERNOON),
        more_text=_("All past network afternoons"),
    )


def start_registrations(start: MemberStart) -> Section:
    """The member's active registrations for events still to come, soonest first
    (`registrations_of`, one query)."""
    upcoming, _past = selectors.registrations_of(start.user)
    return Section(
        key="registrations",
        title=_("My registrations"),
        template="events/start/registrations.html",
        order=40,
        context={
            "registrations": upcoming[:REGISTRATIONS_SHOWN],
            "hidden": max(0, len(upcoming) - REGISTRATIONS_SHOWN),
            # Asked (once) only by the empty state.
            "agenda_url": SimpleLazyObject(lambda: _agenda_url(start.request)),
        },
        more_url=reverse("events:my_agenda"),
        more_text=_("My agenda"),
    )


def start_next_meetings(start: MemberStart, group_ids: list[int]) -> dict[int, list[GroupFact]]:
    """The next meeting of each of these groups (`meetings_upcoming_for`, one query for all)."""
    wanted = set(group_ids)
    facts: dict[int, list[GroupFact]] = {}
    for meeting in selectors.meetings_upcoming_for(start.user, now=start.now):
        if meeting.group_id in wanted and meeting.group_id not in facts:
            facts[meeting.group_id] = [
                GroupFact(
                    label=_("Next meeting"), text=meeting.title, url=meeting.get_absolute_url(), when=meeting.starts_at
                )
            ]
    return facts
