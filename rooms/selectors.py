"""Reads of discussion rooms: the JSON shape of a message (shared by sockets and pages), history
pages, "everything after rev N", threads, room lists with unread counts, who is online, the
moderators' queue. See docs/realtime.md.

People are named to a viewer only when the viewer may see their profile
(`community_permissions.people_visible_to`; docs/privacy.md, "Where people are named"): `message_payload`
is the one shape with every name, `payload_named_for` the copy one viewer gets.
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.markup import mentions_as_text
from community.models import User
from realtime import presence

from . import permissions
from .models import Attachment, Message, ModerationAction, Reaction, Report, Room, RoomMember

HISTORY_PAGE_SIZE = 50
SYNC_PAGE_SIZE = 100


def room_for_slug(slug: str) -> Room:
    try:
        return Room.objects.select_related("group", "life_domain").get(slug=slug)
    except Room.DoesNotExist:
        raise Http404 from None


def with_details(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Everything a message's payload shows, in three queries for any number of messages."""
    return messages.select_related("room", "author__profile", "parent").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.only("message_id", "person_id", "emoji")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("message__room")),
    )


def _author(message: Message) -> dict | None:
    if message.author is None:
        return None
    return {"id": message.author_id, "name": message.author.display_name}


def _reactions(message: Message) -> list[dict]:
    people: dict[str, list[int]] = {}
    for reaction in message.reactions.all():
        people.setdefault(reaction.emoji, []).append(reaction.person_id)
    return [
        {"emoji": emoji, "count": len(people[emoji]), "people": people[emoji]}
        for emoji in Reaction.EMOJI
        if emoji in people
    ]


def message_payload(message: Message, *, moderator: bool = False) -> dict:
    """The one JSON shape of a message (docs/realtime.md). A deleted or hidden message keeps its
    place but not its text, attachments or reactions; moderators (`moderator=True`) also get the
    original in `original_html`."""
    removed = message.is_removed
    payload = {
        "seq": message.seq,
        "rev": message.rev,
        "parent": message.parent.seq if message.parent_id else None,
        "author": _author(message),
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": message.is_deleted,
        "hidden": message.is_hidden,
        "body_html": "" if removed else message.body_html,
        "reply_count": message.reply_count,
        "reactions": [] if removed else _reactions(message),
        "attachments": []
        if removed
        else [
            {"id": item.pk, "name": item.name, "size": item.size, "url": item.get_absolute_url()}
            for item in message.attachments.all()
        ],
    }
    if removed and moderator:
        payload["original_html"] = message.body_html
    return payload


# A mention as `markup.message_render` writes it (nh3 keeps this exact form).
MENTION_HTML = re.compile(r'<span data-person="([0-9]{1,10})">@[^<]*</span>')


def people_named_in(payload: dict) -> set[int]:
    """The people a message payload names: its author, whom it mentions, who reacted."""
    author = payload["author"]
    ids = {author["id"]} if author and author["id"] else set()
    for html in (payload["body_html"], payload.get("original_html", "")):
        ids.update(int(pk) for pk in MENTION_HTML.findall(html))
    for reaction in payload["reactions"]:
        ids.update(reaction["people"])
    return ids


def hidden_author() -> dict:
    """How the author of a message is shown to someone who may not see their profile: no name,
    no id (which would lead to the profile and tie their messages together), in the viewer's
    language. The conversation keeps an author; the person stays unnamed."""
    return {"id": None, "name": _("Participant"), "hidden": True}


def payload_named_for(payload: dict, *, visible: set[int]) -> dict:
    """A copy of `payload` that names only the `visible` people (`community_permissions.people_visible_to`):
    another author becomes `hidden_author()`, a mention "@someone", and a reaction keeps its count
    but not the ids of people the viewer may not see. Unchanged (the same dict) when it names
    nobody else."""
    named = people_named_in(payload)
    if named <= visible:
        return payload
    copy = dict(payload)
    author = payload["author"]
    if author and author["id"] and author["id"] not in visible:
        copy["author"] = hidden_author()

    def mention(match):
        if int(match.group(1)) in visible:
            return match.group(0)
        return f"<span>@{escape(_('someone'))}</span>"

    for key in ("body_html", "original_html"):
        if key in payload:
            copy[key] = MENTION_HTML.sub(mention, payload[key])
    copy["reactions"] = [
        {**reaction, "people": [pk for pk in reaction["people"] if pk in visible]} for reaction in payload["reactions"]
    ]
    return copy


def payloads_for(messages, *, viewer, moderator: bool = False) -> list[dict]:
    """`message_payload` of each message as `viewer` may see it: one query for any number of
    messages (`community_permissions.people_visible_to`)."""
    payloads = [message_payload(message, moderator=moderator) for message in messages]
    return payloads_named_for(payloads, viewer=viewer)


def payloads_named_for(payloads: list[dict], *, viewer) -> list[dict]:
    named = set().union(*(people_named_in(payload) for payload in payloads)) if payloads else set()
    visible = community_permissions.people_visible_to(viewer, named)
    return [payload_named_for(payload, visible=visible) for payload in payloads]


def message_for_seq(room: Room, seq: int) -> Message:
    try:
        return with_details(Message.objects.filter(room=room)).get(seq=seq)
    except Message.DoesNotExist:
        raise Http404 from None


def messages_after_rev(room: Room, after_rev: int, *, limit: int = SYNC_PAGE_SIZE) -> tuple[list[Message], bool]:
    """Every message created or changed after `after_rev`, oldest change first, each once. Two
    messages can share a `rev` (a reply and its thread's reply count): a page never ends between
    them, because the next page starts after the last `rev` of this one."""
    changed = with_details(Message.objects.filter(room=room, rev__gt=after_rev)).order_by("rev", "seq")
    rows = list(changed[: limit + 1])
    if len(rows) <= limit:
        return rows, False
    page = rows[:limit]
    if rows[limit].rev == page[-1].rev:
        shown = {message.pk for message in page}
        page += [message for message in changed.filter(rev=page[-1].rev) if message.pk not in shown]
    return page, True


def messages_before(
    room: Room, before_seq: int | None = None, *, limit: int = HISTORY_PAGE_SIZE
) -> tuple[list[Message], bool]:
    """A page of the room's main line (replies live in threads), oldest first, ending before `before_seq`."""
    messages = Message.objects.filter(room=room, parent__isnull=True)
    if before_seq is not None:
        messages = messages.filter(seq__lt=before_seq)
    rows = list(with_details(messages).order_by("-seq")[: limit + 1])
    return rows[:limit][::-1], len(rows) > limit


def messages_from(room: Room, from_seq: int, *, limit: int = HISTORY_PAGE_SIZE) -> tuple[list[Message], bool]:
    """A page of the main line starting at `from_seq` (jump to the first unread)."""
    rows = list(
        with_details(Message.objects.filter(room=room, parent__isnull=True, seq__gte=from_seq)).order_by("seq")[
            : limit + 1
        ]
    )
    return rows[:limit], len(rows) > limit


def thread(room: Room, seq: int) -> tuple[Message, list[Message]]:
    """A message and its replies; asked for a reply, the thread it belongs to."""
    message = message_for_seq(room, seq)
    if message.parent_id:
        message = message_for_seq(room, message.parent.seq)
    replies = list(with_details(message.replies.all()).order_by("seq"))
    return message, replies


def first_unread_seq(room: Room, last_read_seq: int) -> int | None:
    return (
        Message.objects.filter(room=room, parent__isnull=True, seq__gt=last_read_seq)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )


@dataclass(frozen=True)
class RoomSummary:
    room: Room
    unread: int | None  # None: a thematic room the person does not follow yet
    notify: str | None


def rooms_for(user) -> list[RoomSummary]:
    """The rooms a person may read, with unread counts: one query."""
    state = RoomMember.objects.filter(room=OuterRef("pk"), person=user)
    rooms = (
        permissions.rooms_readable_by(user)
        .select_related("group", "life_domain")
        .annotate(read_seq=Subquery(state.values("last_read_seq")[:1]), notify=Subquery(state.values("notify")[:1]))
        .order_by("archived_at", F("last_message_at").desc(nulls_last=True), "name")
    )
    summaries = []
    for room in rooms:
        read_seq = room.read_seq
        if read_seq is None and room.kind == Room.Kind.GROUP:
            read_seq = 0  # a group's room belongs to every member from the start
        unread = None if read_seq is None else max(0, room.last_seq - read_seq)
        summaries.append(RoomSummary(room, unread, room.notify))
    return summaries


def online_ids(room: Room) -> set[int]:
    return presence.online_in(room.stream)


def online_people(room: Room) -> list[dict]:
    """Who is online in the room, each with their `audience` (`community_permissions.audience_of`), for the
    one announcement every socket of the room hears; each socket keeps the people its viewer may
    see named (`online_named_for`)."""
    ids = online_ids(room)
    people = User.objects.filter(pk__in=ids).select_related("profile")
    return sorted(
        (
            {"id": person.pk, "name": person.display_name, "audience": community_permissions.audience_of(person)}
            for person in people
        ),
        key=lambda p: p["name"],
    )


def online_named_for(people: list[dict], *, visible: set[int]) -> list[dict]:
    """The online people one viewer is told about: only those they may see named. The others are
    left out, not counted: a count that moves when someone comes online would tell when a person
    who keeps their profile to their connections is there."""
    return [{"id": person["id"], "name": person["name"]} for person in people if person["id"] in visible]


@dataclass(frozen=True)
class RoomPeople:
    named: list[tuple[User, bool]]  # the people the viewer may see named, with whether they are online
    others: int  # the rest: counted, not named, and not said to be online


def room_people(room: Room, *, viewer) -> RoomPeople:
    """The member list as `viewer` may see it: a group's members, or the people who follow a
    thematic room; named when the viewer may see their profile, otherwise only counted. Two queries."""
    if room.kind == Room.Kind.GROUP:
        people = User.objects.filter(group_memberships__group_id=room.group_id, is_active=True)
    else:
        people = User.objects.filter(room_states__room=room, is_active=True)
    visible = community_permissions.profiles_visible_to(viewer).filter(user_id=OuterRef("pk"))
    people = list(people.select_related("profile").annotate(named=Exists(visible)))
    online = online_ids(room)
    named = sorted((person for person in people if person.named), key=lambda person: person.display_name.casefold())
    return RoomPeople([(person, person.pk in online) for person in named], len(people) - len(named))


def message_text_for_editing(message: Message) -> str:
    """The text of a message in its author's edit form: as written, a mention in the old markup
    (`@**Name|id**`) as the plain "@Name" people write now."""
    return mentions_as_text(message.body)


def mention_people(room: Room, *, viewer) -> QuerySet[User]:
    """Whom `viewer` may mention in the room: its readers whose profile the viewer may see. The
    one rule for the autocomplete's suggestions and for the names a message's "@" resolves to
    (docs/privacy.md, "Where people are named")."""
    return permissions.room_readers(room).filter(profile__in=community_permissions.profiles_visible_to(viewer))


def mention_candidates(room: Room, query: str, *, viewer, limit: int = 8) -> list[dict]:
    """Readers of the room whose profile the viewer may see, one of whose names starts with
    `query` ("be" finds Ben Bosmans and An Beckers, not Ada Heberle)."""
    query = query.strip()
    people = mention_people(room, viewer=viewer).select_related("profile")
    if query:
        people = people.filter(
            Q(profile__display_name__istartswith=query) | Q(profile__display_name__icontains=f" {query}")
        )
    people = people.order_by("profile__display_name")[:limit]
    return [{"id": person.pk, "name": person.display_name} for person in people]


def moderated_rooms(user) -> QuerySet[Room]:
    """The rooms whose reports a person handles: their groups' rooms as facilitator; as
    administrator also the thematic and administrators' rooms."""
    if not (user.is_authenticated and user.is_active):
        return Room.objects.none()
    facilitated = Q(
        kind=Room.Kind.GROUP,
        group__memberships__person=user,
        group__memberships__role="facilitator",
    )
    if community_permissions.is_platform_admin(user):
        return Room.objects.filter(facilitated | ~Q(kind=Room.Kind.GROUP)).distinct()
    return Room.objects.filter(facilitated).distinct()


def open_reports(user) -> list[Report]:
    rooms = moderated_rooms(user).values("pk")
    return list(
        Report.objects.filter(outcome=Report.Outcome.OPEN, message__room__in=rooms)
        .select_related("message__room", "message__author__profile", "reporter__profile")
        .order_by("created_at")
    )


def report_counts(rooms: QuerySet[Room]) -> dict[int, int]:
    return dict(
        Report.objects.filter(outcome=Report.Outcome.OPEN, message__room__in=rooms)
        .values_list("message__room_id")
        .annotate(count=Count("pk"))
    )


def moderation_log(rooms: QuerySet[Room], *, limit: int = 50) -> list[ModerationAction]:
    return list(
        ModerationAction.objects.filter(room__in=rooms)
        .select_related("room", "actor__profile", "subject__profile", "message")
        .order_by("-created_at", "-id")[:limit]
    )


def muted_members(rooms: QuerySet[Room]) -> list[RoomMember]:
    return list(
        RoomMember.objects.filter(room__in=rooms, muted_until__gt=timezone.now())
        .select_related("room", "person__profile")
        .order_by("muted_until")
    )
