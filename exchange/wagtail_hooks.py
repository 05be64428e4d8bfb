"""What needs and offers show on pages of lower apps (samenhuis/start.py): the card of the community
page and the start page, the start page's panel of matches, and an organisation's offers on its
directory page (community/sections.py)."""

from wagtail import hooks

from community.sections import ORGANISATION_SECTIONS
from samenhuis.start import MEMBER_CARDS, START_PANELS

from . import start

hooks.register(MEMBER_CARDS, start.member_card)
hooks.register(START_PANELS, start.start_matches)
hooks.register(ORGANISATION_SECTIONS, start.organisation_offers)
