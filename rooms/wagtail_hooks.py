"""What the discussion rooms show on pages of lower apps (samenhuis/start.py): the groups and
mentions panels of a member's start page, the room of an intervision group's page and the rooms'
card on the community page and the start page."""

from wagtail import hooks

from samenhuis.start import GROUP_SECTIONS, MEMBER_CARDS, START_PANELS

from . import start

hooks.register(START_PANELS, start.groups)
hooks.register(START_PANELS, start.mentions)
hooks.register(GROUP_SECTIONS, start.group_room_section)
hooks.register(MEMBER_CARDS, start.member_card)
