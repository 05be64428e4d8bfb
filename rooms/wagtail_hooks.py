"""What the discussion rooms show on pages of lower apps (samenhuis/start.py): the groups and
mentions panels of a member's start page, and the room of an intervision group's page."""

from wagtail import hooks

from samenhuis.start import GROUP_SECTIONS, START_PANELS

from . import start

hooks.register(START_PANELS, start.groups)
hooks.register(START_PANELS, start.mentions)
hooks.register(GROUP_SECTIONS, start.group_room_section)
