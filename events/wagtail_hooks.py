"""Attendees-only materials answer 404 to everyone else, also at Wagtail's own document address.
Also what the agenda shows on the home page, the knowledge hub and a member's start page
(events/start.py, samenhuis/start.py)."""

from django.http import Http404
from wagtail import hooks

from samenhuis.start import GROUP_SECTIONS, HOME_SECTIONS, HUB_SECTIONS, SITE_SECTIONS, START_GROUP_FACTS, START_PANELS

from . import permissions, start
from .models import EventMaterial


@hooks.register("before_serve_document")
def attendees_only_documents(document, request):
    """A document that is attendees-only at any event is served only to the insiders of such an
    event, even where another event offers it to everyone: attaching it as "everyone" elsewhere
    (by mistake, or by an editor who may pick any document) must not publish it."""
    restricted = EventMaterial.objects.filter(document=document, audience=EventMaterial.Audience.ATTENDEES)
    events = [material.page for material in restricted.select_related("page")]
    if events and not any(permissions.is_insider(request.user, event) for event in events):
        raise Http404
    return None


hooks.register(HOME_SECTIONS, start.home_events)
hooks.register(HUB_SECTIONS, start.hub_network_afternoons)
hooks.register(START_PANELS, start.start_registrations)
hooks.register(START_GROUP_FACTS, start.start_next_meetings)
hooks.register(GROUP_SECTIONS, start.group_meetings_section)
hooks.register(SITE_SECTIONS, start.agenda_page_ensure)
