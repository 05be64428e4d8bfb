"""What the agenda shows on the home page, the knowledge hub and a member's start page
(registered in events/wagtail_hooks.py under the hook names of samenhuis/start.py; the pages
themselves are knowledge's, which may not import events).

The home page: the next events. The knowledge hub: the material of past network afternoons.
The start page: the member's registrations for coming events, and under each of their groups
the next meeting. Each asks the database a fixed number of times, reusing events.selectors and
events.permissions.
"""

from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from knowledge.start import remembered_page_url
from samenhuis.start import GroupFact, MemberStart, Section

from . import permissions, selectors
from .models import AgendaPage, EventType

EVENTS_ON_HOME = 3
AFTERNOONS_ON_HUB = 3
REGISTRATIONS_SHOWN = 5


def _agenda_url(request, route: str = "", **query) -> str:
    """The agenda's address (remembered like the other sections', knowledge/start.py), with one of
    its routes and a query."""
    url = remembered_page_url(request, "agenda", selectors.agenda_index)
    if not url:
        return ""
    url += AgendaPage.get_resolver().reverse(route) if route else ""
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
    """The next meeting of each of these groups, among the meetings the member may see
    (`permissions.meetings_for_member`): one query that returns one row per group. Reading all
    their coming meetings (`selectors.meetings_upcoming_for`) to keep the first of each cost a
    millisecond more with 50 groups, for the six the page shows."""
    coming = permissions.meetings_for_member(start.user).filter(ends_at__gte=start.now, is_cancelled=False)
    first = coming.filter(group_id=OuterRef("group_id")).order_by("starts_at", "pk").values("pk")[:1]
    meetings = (
        coming.filter(group_id__in=group_ids, pk=Subquery(first))
        .select_related("group")
        .only("title", "starts_at", "group__slug")
    )
    return {
        meeting.group_id: [
            GroupFact(
                label=_("Next meeting"), text=meeting.title, url=meeting.get_absolute_url(), when=meeting.starts_at
            )
        ]
        for meeting in meetings
    }


def group_meetings_section(request, group, access) -> Section:
    """The group page's "Meetings": the next three for members (one query), a sentence for an
    administrator who is not a member (community's group page, samenhuis/start.py GROUP_SECTIONS)."""
    return Section(
        key="meetings",
        title=_("Meetings"),
        template="events/group_meetings_section.html",
        order=10,
        context={"meetings": selectors.group_meetings(group)[0][:3] if access.is_member else []},
    )


AGENDA_INTRO = (
    "Netwerknamiddagen, vormingen, studiedagen en webinars voor wie in of met een Huis van het Kind "
    "werkt. Schrijf je in, zet de activiteiten in je eigen agenda en vind achteraf de presentaties terug."
)


def agenda_page_ensure(home, locale) -> None:
    """The agenda below the home page, once (samenhuis/start.py, SITE_SECTIONS)."""
    if not AgendaPage.objects.exists():
        home.add_child(instance=AgendaPage(title="Agenda", slug="agenda", locale=locale, intro=AGENDA_INTRO))
