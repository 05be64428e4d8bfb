"""What needs and offers show on pages of lower apps (samenhuis/start.py, registered in
exchange/wagtail_hooks.py): a card on the community page and the start page's shortcuts, on
the member start page the newest matches of the member's needs and offers (one query), and on an
organisation's directory page its current offers (community/sections.py, one query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from samenhuis.start import Card, MemberStart, Section

from . import selectors

MATCHES_SHOWN = 5
OFFERS_SHOWN = 10


def member_card(request) -> Card:
    return Card(
        title=_("Needs and offers"),
        text=_("Find the offer of supra-local organisations, share your Huis's needs and keep your roadmap."),
        url=reverse("exchange:index"),
        order=40,
    )


def organisation_offers(request, organisation) -> Section | None:
    """The organisation's current offers on its directory page (community/sections.py), as the
    visitor may read them; nothing when it has none. One query."""
    offers = selectors.organisation_offers(organisation, viewer=request.user, limit=OFFERS_SHOWN + 1)
    if not offers:
        return None
    return Section(
        key="offers",
        title=_("Current offers"),
        template="exchange/organisation_offers.html",
        order=20,
        context={"offers": offers[:OFFERS_SHOWN]},
        more_url=reverse("exchange:offers") if len(offers) > OFFERS_SHOWN else "",
        more_text=_("All offers for the Huizen"),
    )


def start_matches(start: MemberStart) -> Section | None:
    """The newest matches of the member's needs and offers; nothing for members without either."""
    matches = selectors.recent_matches_for(start.user, limit=MATCHES_SHOWN)
    if not matches:
        return None
    return Section(
        key="matches",
        title=_("Matches for your needs and offers"),
        template="exchange/start_matches.html",
        order=45,
        context={"matches": matches},
        more_url=reverse("exchange:index"),
        more_text=_("Needs and offers"),
    )
