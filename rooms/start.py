"""What the discussion rooms show on a member's start page (registered in rooms/wagtail_hooks.py
under the hook names of samenhuis/start.py): the person's intervision groups with the unread
messages of each group's room and what other apps say about the group (the next meeting, from
events), and the messages that mention them. Each panel asks the database once or twice, however
many groups, rooms or messages there are.
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.models import User
from samenhuis.start import Card, MemberStart, Section, group_facts

from . import permissions, selectors
from .models import Message, Room, RoomMember

GROUPS_SHOWN = 6
MENTIONS_SHOWN = 5
# What a mention in the list shows and its link needs.
MENTION_FIELDS = ("seq", "created_at", "author", "room__slug", "room__name")
AUTHOR_FIELDS = ("is_active", "profile__display_name", "profile__visibility")  # `audience_of` reads the last two


def groups(start: MemberStart) -> Section:
    """The person's intervision groups, most recent activity first, each with the unread messages
    of its room (`rooms_for`, one query) and the facts other apps register (`group_facts`), and
    the unread messages of the thematic rooms they follow."""
    rooms = selectors.rooms_for(start.user)
    summaries = [summary for summary in rooms if summary.room.kind == Room.Kind.GROUP]
    summaries.sort(key=lambda summary: summary.room.is_archived)  # stable: archived rooms last on every database
    # The thematic rooms the person follows (unread is None for the ones they do not).
    followed_unread = sum(summary.unread or 0 for summary in rooms if summary.room.kind != Room.Kind.GROUP)
    shown = summaries[:GROUPS_SHOWN]
    facts = group_facts(start, [summary.room.group_id for summary in shown])
    return Section(
        key="groups",
        title=_("My groups"),
        template="rooms/start/groups.html",
        order=10,
        context={
            "groups": [(summary, facts.get(summary.room.group_id, [])) for summary in shown],
            "hidden": len(summaries) - len(shown),
            "followed_unread": followed_unread,
        },
        more_url=reverse("community:groups"),
        more_text=_("All intervision groups"),
    )


def mentions(start: MemberStart) -> Section:
    """The newest messages that mention the person, in rooms they may still read, that are not
    deleted or hidden; each says whether it is unread (after the person's read position) and
    names its author only when the person may see the author's profile
    (`community.permissions.people_visible_to`, decided from the authors' audiences: a query only for
    authors who keep their profile to their connections). Two queries, one more at most: the
    authors apart, since joining them to the messages cost PostgreSQL more planning (about 1 ms)
    than the small second query."""
    user = start.user
    state = RoomMember.objects.filter(room_id=OuterRef("room_id"), person_id=user.pk)
    found = list(
        Message.objects.filter(
            mentions=user,
            room__in=permissions.rooms_readable_by(user),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .select_related("room")
        .only(*MENTION_FIELDS)
        .annotate(read_seq=Subquery(state.values("last_read_seq")[:1]))
        .order_by("-created_at", "-pk")[:MENTIONS_SHOWN]
    )
    author_ids = {message.author_id for message in found if message.author_id}
    authors = User.objects.filter(pk__in=author_ids).select_related("profile").only(*AUTHOR_FIELDS).in_bulk()
    named = community_permissions.people_visible_to(
        user, authors, audiences={pk: community_permissions.audience_of(author) for pk, author in authors.items()}
    )
    for message in found:
        message.is_unread = message.seq > (message.read_seq or 0)
        message.author_name = authors[message.author_id].display_name if message.author_id in named else ""
    return Section(
        key="mentions",
        title=_("Mentions"),
        template="rooms/start/mentions.html",
        order=30,
        context={"mentions": found},
        more_url=reverse("rooms:rooms"),
        more_text=_("All discussion rooms"),
    )


def group_room_section(request, group, access) -> Section:
    """The group page's "Discussion room": a link for members (one query), a sentence for others
    who may see the page (community's group page, samenhuis/start.py GROUP_SECTIONS)."""
    room = Room.objects.filter(group=group).only("slug").first() if access.is_member else None
    return Section(
        key="room",
        title=_("Discussion room"),
        template="rooms/group_room_section.html",
        order=20,
        context={"room": room},
    )


def member_card(request) -> Card:
    """The discussion rooms on the community page (/gemeenschap/) and among the start page's shortcuts."""
    return Card(
        title=_("Discussion rooms"),
        text=_("Exchange questions and experience per life domain, and with your intervision group."),
        url=reverse("rooms:rooms"),
        order=20,
    )
