"""What the community shows on a member's start page (registered in community/wagtail_hooks.py
under the hook names of samenhuis/start.py; the page itself is knowledge's home page).

Prompts while the profile is incomplete or the person belongs to no organisation, their groups
with the unread messages of each group's room and what other apps say about the group (the next
meeting, from events), their unread notifications and the messages that mention them. Each panel
asks the database once or twice, however many groups, rooms or messages there are.
"""

from django.db.models import Count, Exists, OuterRef, Subquery, Window
from django.urls import reverse
from django.utils.translation import gettext as _

from samenhuis.start import MemberStart, Section, group_facts

from . import permissions
from .models import Membership, MembershipRequest, Message, Notification, Profile, Room, RoomMember, User
from .selectors import rooms as room_selectors

GROUPS_SHOWN = 6
NOTIFICATIONS_SHOWN = 5
MENTIONS_SHOWN = 5
# What a mention in the list shows and its link needs.
MENTION_FIELDS = ("seq", "created_at", "author", "room__slug", "room__name")
AUTHOR_FIELDS = ("is_active", "profile__display_name", "profile__visibility")  # `audience_of` reads the last two


def prompts(start: MemberStart) -> Section | None:
    """What the person still has to do to be found and to share: fill in their profile, get
    linked to their Huis or other organisation (or wait for the answer to their request: see
    docs/community.md). One query; nothing when all is done."""
    profile = (
        Profile.objects.filter(user_id=start.user.pk)
        .annotate(
            has_expertise=Exists(Profile.expertise.through.objects.filter(profile_id=OuterRef("pk"))),
            in_organisation=Exists(Membership.objects.filter(person_id=OuterRef("user_id"))),
            asked_to_be_linked=Exists(
                MembershipRequest.objects.filter(person_id=OuterRef("user_id"), status=MembershipRequest.Status.PENDING)
            ),
        )
        .first()
    )
    if profile is not None:
        start.user.profile = profile  # the header's display name reads it: one query for both
    missing = []
    if profile is None or not profile.function:
        missing.append(_("your function"))
    if profile is None or not profile.has_expertise:
        missing.append(_("your expertise (life domains)"))
    if profile is None or not profile.bio:
        missing.append(_("a few words about yourself"))
    linked = profile is not None and profile.in_organisation
    if not missing and linked:
        return None
    return Section(
        key="prompts",
        title=_("To do"),
        template="community/start/prompts.html",
        order=0,
        context={
            "missing": missing,
            "linked": linked,
            "asked_to_be_linked": profile is not None and profile.asked_to_be_linked,
            "profile_url": reverse("community:profile"),
        },
    )


def groups(start: MemberStart) -> Section:
    """The person's intervision groups, most recent activity first, each with the unread messages
    of its room (`rooms_for`, one query) and the facts other apps register (`group_facts`), and
    the unread messages of the thematic rooms they follow."""
    rooms = room_selectors.rooms_for(start.user)
    summaries = [summary for summary in rooms if summary.room.kind == Room.Kind.GROUP]
    summaries.sort(key=lambda summary: summary.room.is_archived)  # stable: archived rooms last on every database
    # The thematic rooms the person follows (unread is None for the ones they do not).
    followed_unread = sum(summary.unread or 0 for summary in rooms if summary.room.kind != Room.Kind.GROUP)
    shown = summaries[:GROUPS_SHOWN]
    facts = group_facts(start, [summary.room.group_id for summary in shown])
    return Section(
        key="groups",
        title=_("My groups"),
        template="community/start/groups.html",
        order=10,
        context={
            "groups": [(summary, facts.get(summary.room.group_id, [])) for summary in shown],
            "hidden": len(summaries) - len(shown),
            "followed_unread": followed_unread,
        },
        more_url=reverse("community:groups"),
        more_text=_("All intervision groups"),
    )


def notifications(start: MemberStart) -> Section:
    """The newest unread notifications with how many are unread in all: one query."""
    unread = list(
        Notification.objects.filter(recipient_id=start.user.pk, read_at__isnull=True)
        .annotate(unread_total=Window(Count("pk")))
        .order_by("-id")[:NOTIFICATIONS_SHOWN]
    )
    return Section(
        key="notifications",
        title=_("Unread notifications"),
        template="community/start/notifications.html",
        order=20,
        context={"notifications": unread, "total": unread[0].unread_total if unread else 0},
        more_url=reverse("community:notifications"),
        more_text=_("All notifications"),
    )


def mentions(start: MemberStart) -> Section:
    """The newest messages that mention the person, in rooms they may still read, that are not
    deleted or hidden; each says whether it is unread (after the person's read position) and
    names its author only when the person may see the author's profile
    (`permissions.people_visible_to`, decided from the authors' audiences: a query only for
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
    named = permissions.people_visible_to(
        user, authors, audiences={pk: permissions.audience_of(author) for pk, author in authors.items()}
    )
    for message in found:
        message.is_unread = message.seq > (message.read_seq or 0)
        message.author_name = authors[message.author_id].display_name if message.author_id in named else ""
    return Section(
        key="mentions",
        title=_("Mentions"),
        template="community/start/mentions.html",
        order=30,
        context={"mentions": found},
        more_url=reverse("community:rooms"),
        more_text=_("All discussion rooms"),
    )
