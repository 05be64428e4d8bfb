"""What intervision shows on pages of lower apps (samenhuis/start.py): the sessions of an
intervision group's page."""

from wagtail import hooks

from samenhuis.start import GROUP_SECTIONS

from . import start

hooks.register(GROUP_SECTIONS, start.group_sessions_section)
