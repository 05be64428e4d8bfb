"""Discussion rooms: every write (docs/realtime.md).

The rules the issue calls the heart of rooms live here:
- a message takes the room's next `seq` and `rev` in the transaction that stores it: the room
  row is locked first (`select_for_update` on PostgreSQL; SQLite transactions start with the
  write lock, `transaction_mode=IMMEDIATE`), so numbers are gap-free and unique under
  concurrent posts, and a rolled-back post gives its numbers back;
- the client's `client_id` makes a post idempotent: a retry returns the stored message;
- the broadcast to the room's channel-layer group is scheduled with `transaction.on_commit`
  and may be lost: clients catch up by asking for everything after the last `rev` they saw.

A refused action raises `ValidationError` with a code (the socket's error code) or
`PermissionDenied`, and changes nothing.
"""

import copy
import functools
import html
import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import permissions as community_permissions
from community.mail import absolute_url, mail_send_on_commit
from community.markup import PLAIN_MENTIONS_MAX, mentions_as_text, mentions_written, message_render, plain_mention_words
from community.models import AuditEvent, IntervisionGroup, User
from community.services.audit import audit_record, audit_words
from community.services.notifications import notification_create, notifications_create
from community.services.slugs import slug_unique
from realtime import presence
from realtime.sockets import group_send_now
from samenhuis.afterwork import after_commit

from . import changes, permissions, selectors
from .models import (
    MESSAGE_MAX_LENGTH,
    Attachment,
    Message,
    MessageRevision,
    ModerationAction,
    Reaction,
    Report,
    Room,
    RoomMember,
)

CLIENT_ID_MAX_LENGTH = 64
Verb = ModerationAction.Verb


class RateLimited(ValidationError):
    def __init__(self, retry_after: int):
        super().__init__(
            _("You are posting too fast. Wait %(seconds)s seconds and try again.") % {"seconds": retry_after},
            code="rate_limited",
        )
        self.retry_after = retry_after


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _announce_on_commit(room: Room, event: dict) -> None:
    transaction.on_commit(lambda: group_send_now(room.channel_group, event))


def _announce_access_changed(room: Room, person: User) -> None:
    """The person's sockets in the room re-read what they may do (and close if they may not read)."""
    _announce_on_commit(room, {"type": "room.access_changed", "person": person.pk})


def _announce_message_on_commit(
    message: Message, *, author_read_now: bool = False, author_audience: str | None = None, **extra
) -> None:
    payload = selectors.message_payload(message)
    frame = {"type": "message", "rev": message.rev, "message": payload}
    if extra.get("parent"):
        frame["parent"] = extra["parent"]
    # Whom the frame names, and who may see each of them: a socket whose viewer may see them all
    # sends the frame as written; the others send a copy without those names (docs/privacy.md,
    # "Where people are named"). One query, none for a change whose message (with its author's
    # profile) was `author_read_now`, or whose author's audience the caller read in this round
    # (`author_audience`: a post, from the access query), and that names nobody else. Never the
    # profile of the author a caller passed in: a socket holds that one from when it connected.
    # Pairs: channel layers want string keys.
    audiences = {}
    if author_audience is not None and message.author_id:
        audiences[message.author_id] = author_audience
    elif author_read_now and message.author_id:
        audiences[message.author_id] = community_permissions.audience_of(message.author)
    audiences |= community_permissions.audiences_of(selectors.people_named_in(payload) - audiences.keys())
    event = {
        "type": "room.message",
        "rev": message.rev,
        "message": payload,
        "removed": message.is_removed,
        # The socket frame written once, not once per reader (a room may have hundreds).
        "frame": json.dumps(frame),
        "audiences": sorted(audiences.items()),
        **extra,
    }
    # With the time it is sent (`announced_at`, seconds since the epoch): a socket that receives it
    # much later knows it fell behind and tells its client to sync (docs/realtime.md, "Back-pressure").
    group = message.room.channel_group
    transaction.on_commit(lambda: group_send_now(group, {**event, "announced_at": time.time()}))


def _lock(room: Room) -> Room:
    """Lock the room row for the rest of the transaction; every numbered change goes through it."""
    return Room.objects.select_for_update(of=("self",)).select_related("group").get(pk=room.pk)


def _lock_message(message: Message) -> tuple[Room, Message]:
    """Lock the message's room, then read the message again: a change that waited for the lock
    judges the message as the change before it left it (hidden, deleted, edited)."""
    room = _lock(message.room)
    return room, Message.objects.select_related("author", "parent").get(pk=message.pk)


def _next_rev(room: Room) -> None:
    """Advance the locked room's rev; the caller stores the change in the same transaction. (A new
    message takes its numbers with `_take_numbers`.)"""
    room.last_rev += 1
    room.save(update_fields=["last_rev"])


def _access(actor: User, room: Room) -> permissions.RoomAccess:
    access = permissions.room_access(actor, room)
    if access.is_hidden:
        raise Room.DoesNotExist  # a secret group's room does not exist for outsiders
    return access


def _require_post(access: permissions.RoomAccess) -> None:
    _require(access.can_read)
    if access.room.is_archived:
        raise ValidationError(_("This room is archived: you can read it, not write in it."), code="room_archived")
    if access.is_muted:
        until = timezone.localtime(access.state.muted_until)
        raise ValidationError(
            _("A moderator muted you in this room until %(until)s.") % {"until": date_format(until, "DATETIME_FORMAT")},
            code="muted",
        )


def _note(note: str) -> str:
    """A moderator's or reporter's note as stored: at most 500 characters, no NUL (which a
    form posted by hand can hold and PostgreSQL cannot store)."""
    return note.replace("\x00", "").strip()[:500]


def _clean_body(body: str, *, allow_empty: bool = False) -> str:
    if not isinstance(body, str):
        raise ValidationError(_("A message is text."), code="invalid_field")
    body = body.replace("\r\n", "\n").strip()
    if not body and not allow_empty:
        raise ValidationError(_("Write a message first."), code="empty")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("A message can be at most %(limit)s characters; this one has %(length)s.")
            % {"limit": f"{MESSAGE_MAX_LENGTH:,}".replace(",", "."), "length": f"{len(body):,}".replace(",", ".")},
            code="too_long",
        )
    return body


def _rate_wait(recent: list, now) -> None:
    """Refuse a post when the author's newest posts (`recent`, their times, newest first) reached
    the rate limit within its window."""
    count, seconds = settings.SAMENHUIS_ROOM_RATE_LIMIT
    if len(recent) >= count:
        oldest = recent[count - 1]
        wait = (oldest + timedelta(seconds=seconds) - now).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)))


@functools.cache
def _retry_or_recent_sql() -> str:
    message = connection.ops.quote_name(Message._meta.db_table)
    return f"""
        SELECT id, (room_id = %(room)s AND client_id = %(client_id)s) AS is_retry, created_at
          FROM {message}
         WHERE author_id = %(author)s
           AND ((room_id = %(room)s AND client_id = %(client_id)s) OR created_at >= %(since)s)
         ORDER BY 2 DESC, created_at DESC
         LIMIT %(limit)s
    """  # noqa: S608 - the model's table; every value is a parameter


def _retry_or_recent(room: Room, author: User, client_id: str, now) -> tuple[int | None, list]:
    """One query for both checks of a post: the message this `client_id` already stored (a retry),
    and the times of the author's posts within the rate limit's window, newest first. Written out:
    it runs for every post, and Django took longer to compile it than the database to answer."""
    count, seconds = settings.SAMENHUIS_ROOM_RATE_LIMIT
    parameters = {
        "room": room.pk,
        "client_id": client_id,
        "author": author.pk,
        "since": connection.ops.adapt_datetimefield_value(now - timedelta(seconds=seconds)),
        "limit": count + 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(_retry_or_recent_sql(), parameters)
        rows = cursor.fetchall()
    if rows and rows[0][1]:
        return rows[0][0], []
    # SQLite hands the times back as naive UTC (the database's time zone); PostgreSQL as aware.
    return None, [
        created_at if timezone.is_aware(created_at) else timezone.make_aware(created_at, UTC)
        for _pk, _retry, created_at in rows
    ]


class _Retry(Exception):
    """A post's `client_id` was stored before: its transaction rolls back (giving the numbers it
    took back) and the stored message is the answer."""

    def __init__(self, pk: int):
        self.pk = pk


@functools.cache
def _take_numbers_sql() -> str:
    room = connection.ops.quote_name(Room._meta.db_table)
    return f"""
        UPDATE {room} SET last_rev = last_rev + 1, last_seq = last_seq + 1, last_message_at = %s
         WHERE id = %s
     RETURNING last_rev, last_seq, archived_at
    """  # noqa: S608 - the model's table; every value is a parameter


def _take_numbers(room: Room, now) -> Room:
    """Lock the room and take its next message number and rev in one statement (the lock is held
    to the end of the transaction, as `_lock`'s): a copy of `room` with its counters and its
    archived state as they are now."""
    with connection.cursor() as cursor:
        cursor.execute(_take_numbers_sql(), [connection.ops.adapt_datetimefield_value(now), room.pk])
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist
    room = copy.copy(room)
    room.last_rev, room.last_seq, archived_at = row
    # An archived room refuses the post (`_require_post`): one more query then (for the value as
    # the model reads it), none otherwise. (Not `archived_at IS NOT NULL`: SQLite 3.40 answers that
    # wrongly in a RETURNING clause.)
    room.archived_at = None
    if archived_at is not None:
        room.archived_at = Room.objects.values_list("archived_at", flat=True).get(pk=room.pk)
    room.last_message_at = now
    return room


def _chosen(mentions) -> list[int]:
    """The people the autocomplete chose (their ids, in the order the text names them): what the
    composer's hidden field or a socket frame's `mentions` carries."""
    if not isinstance(mentions, list | tuple) or len(mentions) > PLAIN_MENTIONS_MAX:
        raise ValidationError(_("Mentions are a list of people."), code="invalid_field")
    if not all(isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**31 for pk in mentions):
        raise ValidationError(_("Mentions are a list of people."), code="invalid_field")
    return list(mentions)


def _render(room: Room, body: str, author: User, chosen: Sequence[int] = ()):
    """Mentions become links for readers of the room whose profile the author may see (someone
    who chose "only my organisations and groups" cannot be found, or named by id, by others):
    the people `selectors.mention_people` offers the author, one rule for both. A plain "@Name"
    is one of them only when no namesake is (or the autocomplete chose one, `chosen`)."""
    names, ids = mentions_written(body)
    words = plain_mention_words(body)
    readers = {}
    if names or words:
        lookup = Q(pk__in=ids | set(chosen))
        for name in names:
            lookup |= Q(profile__display_name__iexact=name)
        for word in words:
            lookup |= Q(profile__display_name__istartswith=word)
        readers = dict(
            selectors.mention_people(room, viewer=author).filter(lookup).values_list("pk", "profile__display_name")
        )
    return message_render(body, readers, chosen=chosen)


def _state(room: Room, person: User) -> RoomMember:
    state, _created = RoomMember.objects.get_or_create(room=room, person=person)
    return state


def room_state_get(*, person: User, room: Room) -> RoomMember:
    """The person's read position and settings in a room (created on first visit)."""
    _require(permissions.room_access(person, room).can_read)
    return _state(room, person)


def room_message_post(
    *,
    room: Room,
    author: User,
    body: str,
    client_id: str,
    parent_seq: int | None = None,
    files: list | tuple = (),
    access: permissions.RoomAccess | None = None,
    mentions: Sequence[int] = (),
) -> Message:
    """Store a message (or a reply) and announce it after commit. A second call with the same
    `client_id` returns the first message unchanged: retries never duplicate. A caller that has
    just read the author's `access` (a socket does for every frame) passes it along. `mentions`:
    the people the autocomplete chose, which tells namesakes apart (`_render`)."""
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX_LENGTH:
        raise ValidationError(_("A message needs a client id of 1 to 64 characters."), code="invalid_field")
    access = access or _access(author, room)
    _require(access.can_read)
    body = _clean_body(body, allow_empty=bool(files))
    chosen = _chosen(mentions)
    try:
        return _post(room, author, body, client_id, parent_seq, files, access, chosen)
    except _Retry as retry:
        return Message.objects.get(pk=retry.pk)


@transaction.atomic
def _post(room, author, body, client_id, parent_seq, files, access, chosen) -> Message:
    """`room_message_post`'s transaction: four statements for a plain post (the numbers, which
    also lock the room; the retry and rate checks; the message; the author's read position).
    Everything numbered goes through the room's lock; under it a retry (even one that raced the
    first attempt) finds the stored message, and the room's archived state is current."""
    now = timezone.now()
    room = _take_numbers(room, now)
    retry_of, recent = _retry_or_recent(room, author, client_id, now)
    if retry_of is not None:
        raise _Retry(retry_of)
    _require_post(replace(access, room=room))
    _rate_wait(recent, now)
    parent = None
    if parent_seq is not None:
        parent = Message.objects.filter(room=room, seq=parent_seq).select_related("parent", "author").first()
        if parent is None:
            raise ValidationError(_("The message you reply to does not exist."), code="not_found")
        parent = parent.parent or parent  # threads are one level deep
        if parent.is_removed:
            raise ValidationError(_("You cannot reply to a removed message."), code="removed")
    rendered = _render(room, body, author, chosen)
    message = Message.objects.create(
        room=room,
        seq=room.last_seq,
        rev=room.last_rev,
        author=author,
        client_id=client_id,
        parent=parent,
        body=body,
        body_html=rendered.html,
        created_at=now,
    )
    attachments = []
    try:
        # A file is written before the transaction commits; if the post then fails, remove it.
        for upload in files:
            attachment = Attachment(
                message=message, name=upload.name, content_type=upload.content_type, size=upload.size
            )
            attachments.append(attachment)
            attachment.file.save(upload.name, upload.content, save=True)
        if rendered.mentioned_ids:
            message.mentions.set(rendered.mentioned_ids)
        _read_up_to(room, author, room.last_seq, state=access.state)
        extra = {}
        if parent is not None:
            Message.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1, rev=room.last_rev)
            parent.reply_count += 1
            parent.rev = room.last_rev
            extra["parent"] = {"seq": parent.seq, "reply_count": parent.reply_count, "rev": parent.rev}
        # Everything the payload shows is in hand: the room, the author, the parent, the files; a
        # new message has no reactions yet.
        _prefetched(message, reactions=[], attachments=attachments)
        _announce_message_on_commit(message, author_audience=access.audience, **extra)
        _notify_on_commit(message, parent=parent, mentioned=rendered.mentioned_ids)
        return message
    except BaseException:
        for attachment in attachments:
            attachment.file.delete(save=False)
        raise


def _prefetched(message: Message, **related: list) -> None:
    """Fill `message`'s related managers with rows already in hand, as prefetch_related would."""
    message._prefetched_objects_cache = {}
    for name, rows in related.items():
        rows_qs = getattr(message, name).all()
        rows_qs._result_cache = rows
        rows_qs._prefetch_done = True
        message._prefetched_objects_cache[name] = rows_qs


def _read_up_to(room: Room, person: User, seq: int, *, state: RoomMember | None = None) -> None:
    """Move the person's read position to `seq` (one UPDATE, by the row's key when the caller read
    the person's `state`; the row is made on first contact)."""
    rows = RoomMember.objects.filter(pk=state.pk) if state else RoomMember.objects.filter(room=room, person=person)
    if not rows.update(last_read_seq=seq):
        RoomMember.objects.update_or_create(
            room=room, person=person, defaults={"last_read_seq": seq}, create_defaults={"last_read_seq": seq}
        )


def _notify_on_commit(
    message: Message, *, parent: Message | None, mentioned: frozenset[int], edited: bool = False
) -> None:
    """Tell people about a message, after commit and off the poster's path (`_notify`): the post
    is acknowledged without waiting for the readers' notifications and e-mails."""
    parent_author_id = parent.author_id if parent else None
    job = (message.pk, message.room_id, message.author_id, parent_author_id, frozenset(mentioned), edited)
    after_commit(_notify, job)


def _notify(jobs: Sequence[tuple[int, int, int, int | None, frozenset[int], bool]]) -> None:
    """Tell people about messages in-app (live, through their personal channel) and, when they
    have no socket open, by e-mail: mentions and replies to their messages by default, every
    message for those who asked for it, nothing for those who muted the room. After an edit only
    the people it newly mentions are told. A job is (message pk, author of the message replied to,
    people mentioned, edited); the queries are made once for the whole batch, not per message or
    per reader, and the messages are read only when someone is to be told (most messages tell
    nobody: one query then). A message removed before its turn tells nobody. Texts are in the
    site's language, like the e-mails (community/mail.py)."""
    settings_by_room: dict[int, dict[int, str]] = {}
    for room_id, person_id, notify in RoomMember.objects.filter(
        room_id__in={job[1] for job in jobs},
        notify__in=[RoomMember.Notify.ALL, RoomMember.Notify.NOTHING],
    ).values_list("room_id", "person_id", "notify"):
        settings_by_room.setdefault(room_id, {})[person_id] = notify
    wanted = {}  # message pk -> {person id: reason}
    for pk, room_id, author_id, parent_author_id, mentioned, edited in jobs:
        chosen = settings_by_room.get(room_id, {})
        reasons: dict[int, str] = {}
        if not edited:
            reasons = {person_id: "message" for person_id, notify in chosen.items() if notify == RoomMember.Notify.ALL}
        if parent_author_id:
            reasons[parent_author_id] = "reply"
        reasons |= dict.fromkeys(mentioned, "mention")
        reasons.pop(author_id, None)
        reasons = {person: why for person, why in reasons.items() if chosen.get(person) != RoomMember.Notify.NOTHING}
        if reasons:
            wanted[pk] = reasons
    if not wanted:
        return
    messages = Message.objects.select_related("room", "author__profile").in_bulk(list(wanted))
    planned = [  # (message, {person id: reason})
        (messages[pk], reasons) for pk, reasons in wanted.items() if pk in messages and not messages[pk].is_removed
    ]
    if not planned:
        return
    # The author and the people a message mentions are named to each reader only when the reader
    # may see their profile (docs/privacy.md): a query per reader only for people who keep their
    # profile to their connections.
    named = {
        message.pk: {int(pk) for pk in selectors.MENTION_HTML.findall(message.body_html)} for message, _r in planned
    }
    audiences = community_permissions.audiences_of(set().union(*named.values(), {m.author_id for m, _r in planned}))
    letters = []  # (recipient, text, message, reason)
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            "mention": _("%(person)s mentioned you in %(room)s: “%(excerpt)s”"),
            "reply": _("%(person)s replied to your message in %(room)s: “%(excerpt)s”"),
            "message": _("%(person)s wrote in %(room)s: “%(excerpt)s”"),
        }
        for message, reasons in planned:
            room, author = message.room, message.author
            readers = (
                permissions.room_readers(room).filter(pk__in=reasons).only("pk", "email", "is_active", "is_superuser")
            )
            for person in readers:
                visible = community_permissions.people_visible_to(
                    person, {author.pk, *named[message.pk]}, audiences=audiences
                )
                name = author.display_name if author.pk in visible else _("Someone")
                excerpt = _excerpt(message.body_html, visible)
                text = texts[reasons[person.pk]] % {"person": name, "room": room.name, "excerpt": excerpt}
                letters.append((person, text, message, reasons[person.pk]))
    if not letters:
        return
    notifications_create(
        [(person, text, message.get_absolute_url(), message.author) for person, text, message, _reason in letters]
    )
    online = presence.online_among({person.pk for person, *_rest in letters})
    for person, text, message, reason in letters:
        if person.pk not in online:
            url = message.get_absolute_url()
            mail_send_on_commit(
                to=[person.email],
                template="rooms/email/room_message",
                context={"text": text, "room": message.room, "url": absolute_url(url), "reason": reason},
            )


# Where the text of a rendered message breaks: a space in its plain text.
TEXT_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|blockquote|pre)>|<(?:ul|ol)\b[^>]*>")


def _excerpt(body_html: str, visible: set[int]) -> str:
    """The start of a message as plain text, for notifications, their live toasts and e-mails:
    what its page shows, without markup, a mention as "@Name" for the people in `visible` and
    "@someone" for the others (docs/privacy.md)."""

    def mention(match):
        return match.group(0) if int(match.group(1)) in visible else f"<span>@{escape(_('someone'))}</span>"

    text = html.unescape(strip_tags(TEXT_BREAKS.sub(" ", selectors.MENTION_HTML.sub(mention, body_html))))
    return Truncator(" ".join(text.split())).chars(120)


@transaction.atomic
def room_message_edit(*, actor: User, message: Message, body: str, mentions: Sequence[int] = ()) -> Message:
    """The author changes the text; the people the message mentioned stay mentioned when their
    name is still there (an edit shows them as the plain "@Name"; namesakes are told apart by
    the ids the message held), and only people it newly mentions are told."""
    room, message = _lock_message(message)
    access = _access(actor, room)
    _require(access.can_read and message.author_id == actor.pk)
    _require_post(access)
    if message.is_removed:
        raise ValidationError(_("A removed message cannot be edited."), code="removed")
    body = _clean_body(body, allow_empty=message.attachments.exists())
    chosen = _chosen(mentions)
    if body in (message.body, mentions_as_text(message.body)):
        return selectors.with_details(Message.objects.filter(pk=message.pk)).get()
    MessageRevision.objects.create(message=message, body=message.body)
    mentioned_before = set(message.mentions.values_list("pk", flat=True))
    held = [int(pk) for pk in selectors.MENTION_HTML.findall(message.body_html)]
    rendered = _render(room, body, actor, [*chosen, *held])
    _next_rev(room)
    message.body, message.body_html = body, rendered.html
    message.edited_at, message.rev = timezone.now(), room.last_rev
    message.save(update_fields=["body", "body_html", "edited_at", "rev"])
    message.mentions.set(rendered.mentioned_ids)
    message = selectors.with_details(Message.objects.filter(pk=message.pk)).get()
    _announce_message_on_commit(message, author_read_now=True)
    _notify_on_commit(message, parent=None, mentioned=rendered.mentioned_ids - mentioned_before, edited=True)
    return message


def _change(room: Room, message: Message, **fields) -> Message:
    """Store a change of state on a locked room and announce it."""
    _next_rev(room)
    fields["rev"] = room.last_rev
    Message.objects.filter(pk=message.pk).update(**fields)
    message = selectors.with_details(Message.objects.filter(pk=message.pk)).get()
    _announce_message_on_commit(message, author_read_now=True)
    # A queryset update sends no post_save: the search index hears of it here (deletes and hides).
    changes.message_changed.send(sender=Message, message_id=message.pk)
    return message


@transaction.atomic
def room_message_delete(*, actor: User, message: Message) -> Message:
    """Soft: the message keeps its place as "bericht verwijderd"; moderators still see the text."""
    room, message = _lock_message(message)
    access = _access(actor, room)
    _require(access.can_read and message.author_id == actor.pk)
    if room.is_archived:
        raise ValidationError(_("This room is archived: you can read it, not write in it."), code="room_archived")
    if message.is_deleted:
        return message
    return _change(room, message, deleted_at=timezone.now())


@transaction.atomic
def room_message_react(*, actor: User, message: Message, emoji: str, on: bool | None = None) -> Message:
    """Add or take back a reaction (`on=None` toggles)."""
    if emoji not in Reaction.EMOJI:
        raise ValidationError(_("Choose one of the reactions offered."), code="invalid_field")
    room, message = _lock_message(message)
    _require_post(_access(actor, room))
    if message.is_removed:
        raise ValidationError(_("You cannot react to a removed message."), code="removed")
    existing = Reaction.objects.filter(message=message, person=actor, emoji=emoji)
    present = existing.exists()
    if on is None:
        on = not present
    if on == present:
        return selectors.with_details(Message.objects.filter(pk=message.pk)).get()
    if on:
        Reaction.objects.create(message=message, person=actor, emoji=emoji)
    else:
        existing.delete()
    return _change(room, message)


@transaction.atomic
def room_read(
    *,
    person: User,
    room: Room,
    seq: int,
    access: permissions.RoomAccess | None = None,
    last_seq: int | None = None,
) -> int:
    """Move the person's read position forward to `seq` (never back, never past the room's last
    message); returns the position. A caller that has just read the person's `access` passes it
    along; one that knows a number the room's messages have reached (a socket: the last it
    announced) passes it as `last_seq`, which saves reading the room."""
    access = access or permissions.room_access(person, room)
    _require(access.can_read)
    if last_seq is None:
        last_seq = Room.objects.values_list("last_seq", flat=True).get(pk=room.pk)
    seq = min(max(0, seq), last_seq)
    state = access.state
    if state is not None and seq <= state.last_read_seq:
        return state.last_read_seq
    state = state or _state(room, person)
    if seq > state.last_read_seq:
        RoomMember.objects.filter(pk=state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        state.last_read_seq = seq
    return state.last_read_seq


@transaction.atomic
def rooms_read_all(*, person: User) -> int:
    """Mark every room the person can read as read; returns how many rooms changed."""
    changed = 0
    for room in permissions.rooms_readable_by(person).filter(last_seq__gt=0):
        state, created = RoomMember.objects.get_or_create(
            room=room, person=person, defaults={"last_read_seq": room.last_seq}
        )
        if created or state.last_read_seq < room.last_seq:
            changed += 1
            if not created:
                RoomMember.objects.filter(pk=state.pk).update(last_read_seq=room.last_seq)
    return changed


@transaction.atomic
def room_notify_set(*, person: User, room: Room, notify: str) -> RoomMember:
    if notify not in RoomMember.Notify.values:
        raise ValidationError(_("Choose one of the notification settings."), code="invalid_field")
    _require(permissions.room_access(person, room).can_read)
    state = _state(room, person)
    state.notify = notify
    state.save(update_fields=["notify"])
    return state


@transaction.atomic
def room_message_report(*, reporter: User, message: Message, reason: str, note: str = "") -> Report:
    access = _access(reporter, message.room)
    _require(access.can_read)
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="invalid_field")
    if message.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own message; edit or delete it instead."), code="own_message")
    if message.is_removed:
        raise ValidationError(_("This message was already removed."), code="removed")
    report = Report.objects.filter(message=message, reporter=reporter, outcome=Report.Outcome.OPEN).first()
    if report is not None:
        return report  # reporting twice is not an error; the moderators already have it
    report = Report.objects.create(message=message, reporter=reporter, reason=reason, note=_note(note))
    for moderator in _moderators(message.room):
        notification_create(
            recipient=moderator,
            text=_("A message in %(room)s was reported.") % {"room": message.room.name},
            url="/gemeenschap/moderatie/",
        )
    return report


def _moderators(room: Room) -> list[User]:
    if room.kind == Room.Kind.GROUP:
        return list(
            User.objects.filter(group_memberships__group_id=room.group_id, group_memberships__role="facilitator")
        )
    codename = community_permissions.MANAGE_COMMUNITY.split(".")[1]
    candidates = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename)
    )
    return [user for user in candidates.distinct() if community_permissions.is_platform_admin(user)]


# A hidden or restored message in the audit trail (docs/privacy.md, "Audit trail"): the room and the
# message's number, never its author's name or its text; the author is the line's account number.
AUDIT_MESSAGE = gettext_lazy("room %(room)s, message %(seq)s")


@transaction.atomic
def room_message_hide(*, actor: User, message: Message, hidden: bool, note: str = "", signed: bool = False) -> Message:
    """Moderators hide a message from readers (and show it again); reports on it are settled and
    their reporters told (`_reporters_tell`)."""
    room, message = _lock_message(message)
    _require(_access(actor, room).can_moderate)
    if hidden == message.is_hidden:
        return message
    now = timezone.now()
    note = _note(note)
    ModerationAction.objects.create(
        room=room,
        actor=actor,
        verb=Verb.HIDDEN if hidden else Verb.UNHIDDEN,
        message=message,
        subject=message.author,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MESSAGE_HIDDEN if hidden else AuditEvent.Action.MESSAGE_RESTORED,
        subject=message.author_id,
        target=audit_words(AUDIT_MESSAGE, room=room.name, seq=message.seq),
        reason=note,
        detail={"room": room.pk, "message": message.pk},
    )
    if hidden:
        settled = Report.objects.filter(message=message, outcome=Report.Outcome.OPEN)
        reporter_ids = list(settled.values_list("reporter_id", flat=True))
        settled.update(outcome=Report.Outcome.HIDDEN, resolved_at=now, resolved_by=actor)
        _reporters_tell(
            message=message,
            reporter_ids=reporter_ids,
            outcome=Report.Outcome.HIDDEN,
            note=note,
            by=actor if signed else None,
        )
    return _change(room, message, hidden_at=now if hidden else None, hidden_by=actor if hidden else None)


@transaction.atomic
def room_report_dismiss(*, actor: User, report: Report, note: str = "", signed: bool = False) -> Report:
    access = _access(actor, report.message.room)
    _require(access.can_moderate)
    if report.outcome != Report.Outcome.OPEN:
        return report
    note = _note(note)
    report.outcome, report.resolved_at, report.resolved_by = Report.Outcome.DISMISSED, timezone.now(), actor
    report.save(update_fields=["outcome", "resolved_at", "resolved_by"])
    ModerationAction.objects.create(
        room=report.message.room, actor=actor, verb=Verb.DISMISSED, message=report.message, note=note
    )
    _reporters_tell(
        message=report.message,
        reporter_ids=[report.reporter_id],
        outcome=Report.Outcome.DISMISSED,
        note=note,
        by=actor if signed else None,
    )
    return report


def _reporters_tell(*, message: Message, reporter_ids: list, outcome: str, note: str, by: User | None) -> None:
    """Who reported a message hears what the moderators decided, with their note: in-app, and by
    e-mail when offline unless they silenced the room (the same preference as for mentions). The
    moderator is named only when they chose to sign (`by`); reporters who can no longer read the
    room hear nothing of it."""
    room = message.room
    reporters = permissions.room_readers(room).filter(pk__in=[pk for pk in reporter_ids if pk]).only("pk", "email")
    if not reporters:
        return
    values = {"room": room.name, "moderator": by.display_name if by else ""}
    if outcome == Report.Outcome.HIDDEN:
        text = (
            _("%(moderator)s, moderator of %(room)s, hid the message you reported.")
            if by
            else _("The moderators of %(room)s hid the message you reported.")
        ) % values
    else:
        text = (
            _("%(moderator)s, moderator of %(room)s, looked at the message you reported and left it visible.")
            if by
            else _("The moderators of %(room)s looked at the message you reported and left it visible.")
        ) % values
    if note:
        text += " " + _("Their note: “%(note)s”") % {"note": Truncator(note).chars(150)}
    silenced = set(
        RoomMember.objects.filter(room=room, notify=RoomMember.Notify.NOTHING).values_list("person_id", flat=True)
    )
    url = message.get_absolute_url()
    for person in reporters:
        notification_create(recipient=person, text=text, url=url, actor=by)
        if person.pk not in silenced and not presence.is_online(person.pk):
            mail_send_on_commit(
                to=[person.email],
                template="rooms/email/report_outcome",
                context={
                    "room": room,
                    "hidden": outcome == Report.Outcome.HIDDEN,
                    "note": note,
                    "by": by,
                    "url": absolute_url(url),
                },
            )


@transaction.atomic
def room_member_mute(*, actor: User, room: Room, person: User, minutes: int | None, note: str = "") -> RoomMember:
    """Mute a person in a room for `minutes` (they can still read), or lift the mute (`None`)."""
    access = _access(actor, room)
    _require(access.can_moderate)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot mute yourself."), code="invalid_field")
    if not permissions.room_access(person, room).can_read:
        raise ValidationError(_("%(person)s cannot read this room.") % {"person": person}, code="not_member")
    if minutes is not None and not 1 <= minutes <= 60 * 24 * 365:
        raise ValidationError(_("Mute for between one minute and one year."), code="invalid_field")
    state = _state(room, person)
    state.muted_until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    state.save(update_fields=["muted_until"])
    ModerationAction.objects.create(
        room=room,
        actor=actor,
        verb=Verb.MUTED if minutes else Verb.UNMUTED,
        subject=person,
        until=state.muted_until,
        note=_note(note),
    )
    _announce_access_changed(room, person)
    return state


@transaction.atomic
def room_archive(*, actor: User, room: Room, archived: bool) -> Room:
    access = _access(actor, room)
    _require(access.can_moderate if room.kind == Room.Kind.GROUP else access.is_admin)
    room = _lock(room)
    if archived == room.is_archived:
        return room
    room.archived_at = timezone.now() if archived else None
    room.save(update_fields=["archived_at"])
    ModerationAction.objects.create(room=room, actor=actor, verb=Verb.ARCHIVED if archived else Verb.REOPENED)
    _announce_on_commit(room, {"type": "room.state", "archived": archived})
    return room


@transaction.atomic
def room_create(*, actor: User, name: str, description: str = "", life_domain=None) -> Room:
    """An administrator opens a room for every member of the platform."""
    _require(community_permissions.is_platform_admin(actor))
    room = Room(name=name.strip(), description=description.strip(), kind=Room.Kind.CUSTOM, life_domain=life_domain)
    room.slug = slug_unique(room, name, fallback="gesprek")
    room.full_clean()
    room.save()
    return room


def room_for_group_ensure(group: IntervisionGroup) -> Room:
    room = Room.objects.filter(group=group).first()
    if room is None:
        room = Room(name=group.name, kind=Room.Kind.GROUP, group=group)
        room.slug = slug_unique(room, group.slug, fallback="groep")
        room.save()
    return room


def _thematic_description(domain) -> str:
    """Stored text, so in the site's language: `migrate`, which makes these rooms, runs with
    translations off (English msgids)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Exchange experience and questions about %(domain)s.") % {"domain": domain.name.lower()}


def rooms_ensure() -> int:
    """One thematic room per life domain and one room per intervision group; run after every
    migration (the seed), so a new installation and an upgraded one both have them. Returns how
    many rooms were made."""
    from knowledge.models import LifeDomain

    made = 0
    for group in IntervisionGroup.objects.filter(room__isnull=True):
        room_for_group_ensure(group)
        made += 1
    for domain in LifeDomain.objects.exclude(rooms__kind=Room.Kind.PUBLIC).order_by("sort_order"):
        room = Room(
            name=domain.name,
            kind=Room.Kind.PUBLIC,
            life_domain=domain,
            description=_thematic_description(domain),
        )
        room.slug = slug_unique(room, domain.slug, fallback="thema")
        room.save()
        made += 1
    return made


def room_access_changed_on_commit(*, group: IntervisionGroup, person: User) -> None:
    """After someone leaves or is removed from a group, their sockets to its room close; after a
    change of role they are told what they may do now (`state`)."""
    room = Room.objects.filter(group=group).first()
    if room is not None:
        _announce_access_changed(room, person)


def ensure_after_migrate(sender, using="default", **kwargs):
    """A thematic room for every life domain, after the rooms' tables are migrated. Knowledge's
    own post_migrate receiver, which seeds the life domains, runs first: it comes earlier in
    INSTALLED_APPS."""
    if using == "default" and sender.label == "rooms":
        rooms_ensure()
