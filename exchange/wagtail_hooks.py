"""What needs and offers show on pages of lower apps (samenhuis/start.py): the card of the community
page and the start page, and the start page's panel of matches."""

from wagtail import hooks

from samenhuis.start import MEMBER_CARDS, START_PANELS

from . import start

hooks.register(MEMBER_CARDS, start.member_card)
hooks.register(START_PANELS, start.start_matches)
