"""What the pages that show several apps at once collect from them: the public home page, the
member start page and the knowledge hub.

Those pages are Wagtail pages of `knowledge`, but they show the agenda (`events`), the rooms and
the community, and apps depend one way only (realtime ← community ← knowledge ← events ← rooms ←
search, asserted by tests/samenhuis/test_layers.py): a lower app never imports a higher one. The
same holds for community's group page (`GROUP_SECTIONS`). So every app registers what it
contributes under one of the hook names below, with `wagtail.hooks.register` in its
`wagtail_hooks.py` (which Wagtail imports for every installed app), and the page collects the
contributions here with `hooks.get_hooks`.
This module is in the project package so that every app, the lowest included, may import it.
See docs/knowledge.md, "Home page, start page and knowledge hub".

Each contribution asks the database a fixed number of times, however much data there is: the
start page's query count is asserted in tests/knowledge/test_home_and_start.py.
"""

import datetime
from dataclasses import dataclass, field

from django.http import HttpRequest
from wagtail import hooks

# fn(request) -> Section | None: a block of the public home page (anonymous visitors).
HOME_SECTIONS = "samenhuis_home_sections"
# fn(request) -> Section | None: a block of the knowledge hub (/kennis/).
HUB_SECTIONS = "samenhuis_hub_sections"
# fn(start: MemberStart) -> Section | None: a panel of the member start page (/ when logged in).
START_PANELS = "samenhuis_start_panels"
# fn(start: MemberStart, group_ids: list[int]) -> dict[int, list[GroupFact]]: what the start
# page says under each of the member's groups (the groups panel is community's; the meetings are
# events').
START_GROUP_FACTS = "samenhuis_start_group_facts"
# fn(request, group, access: GroupAccess) -> Section | None: a block of an intervision group's page
# for someone who may see the group (the page is community's; the meetings are events', the
# discussion room the rooms'). Each asks the database a fixed number of times.
GROUP_SECTIONS = "samenhuis_group_sections"
# fn(home: HomePage, locale) -> None: make the app's section page below the home page if it is not
# there (knowledge.site_structure.site_structure_ensure calls these after the knowledge hub, at
# every migrate); the agenda is events'.
SITE_SECTIONS = "samenhuis_site_sections"
# fn(request) -> Card | None: an app's entry point for members: a card of the community page
# (/gemeenschap/; the discussion rooms, the member's contributions) and, unless it is `yours`, a
# shortcut of the member start page.
MEMBER_CARDS = "samenhuis_member_cards"


@dataclass
class Section:
    """One block of a page: a heading, the app's own template (which gets `section`), and an
    optional link to the whole of it. `order` places it among the others (lower first)."""

    key: str  # unique on its page; the block's id is "section-<key>"
    title: str
    template: str
    order: int = 100
    context: dict = field(default_factory=dict)
    more_url: str = ""
    more_text: str = ""


@dataclass(frozen=True)
class GroupFact:
    """One line under a group on the start page, e.g. its next meeting."""

    label: str
    text: str
    url: str = ""
    when: datetime.datetime | None = None


@dataclass(frozen=True)
class MemberStart:
    """The member whose start page is being made, and since when things count as new: the end of
    their previous visit (None on the first one). Set by knowledge.start.member_visit_record."""

    request: HttpRequest
    user: object
    now: datetime.datetime
    since: datetime.datetime | None


def sections(hook_name: str, *args) -> list[Section]:
    """Every registered contribution to one page, in order; a contribution that returns None
    (nothing to say, such as a prompt that no longer applies) is left out."""
    found = [section for contribute in hooks.get_hooks(hook_name) if (section := contribute(*args)) is not None]
    return sorted(found, key=lambda section: (section.order, section.key))


@dataclass(frozen=True)
class Card:
    """One card of the community page: under "the community" or, with `yours`, under "you"."""

    title: str
    text: str
    url: str
    order: int = 100
    yours: bool = False


def cards(hook_name: str, *args) -> list[Card]:
    """Every registered card, in order; a contribution that returns None is left out."""
    found = [card for contribute in hooks.get_hooks(hook_name) if (card := contribute(*args)) is not None]
    return sorted(found, key=lambda card: (card.order, card.title))


def group_facts(start: MemberStart, group_ids: list[int]) -> dict[int, list[GroupFact]]:
    """What every registered app says about each of these groups (none asked without groups)."""
    facts: dict[int, list[GroupFact]] = {}
    if not group_ids:
        return facts
    for contribute in hooks.get_hooks(START_GROUP_FACTS):
        for group_id, said in contribute(start, group_ids).items():
            facts.setdefault(group_id, []).extend(said)
    return facts
