"""The websockets: the personal notification stream (/ws/notifications/) and discussion rooms
(/ws/rooms/<id>/). Protocol in docs/realtime.md.

The database is the record: the socket announces new notifications, and a client that was
away asks for everything after the last id it saw (`sync`). Every frame re-checks that the
account is still active.
"""

import json
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from samenhuis.refusals import is_overload, lock_wait_at_most

from . import permissions, selectors, services
from .models import MESSAGE_MAX_LENGTH, Message, Room, User
from .selectors import rooms as room_selectors

MAX_FRAME_BYTES = 64 * 1024
ID_MAX_LENGTH = 100
logger = logging.getLogger(__name__)
CLOSE_UNAUTHENTICATED = services.CLOSE_UNAUTHENTICATED


def echoable(value) -> bool:
    """An `id` or `client_id` a reply may repeat: a short string or an integer."""
    if isinstance(value, str):
        return len(value) <= ID_MAX_LENGTH
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53


def frame_ids(frame) -> dict:
    return {key: frame[key] for key in ("id", "client_id") if key in frame and echoable(frame[key])}


class FrameConsumer(AsyncWebsocketConsumer):
    """JSON text frames with a string `type`, checked in one order (docs/realtime.md, Errors):
    binary, size, JSON, shape, still allowed, known type. A refused frame gets an error frame;
    the socket stays open unless the person may no longer use it."""

    frame_handlers: dict = {}
    session_key = ""

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            return await self.send_error("binary_not_supported", "Send JSON text frames.")
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            return await self.send_error("frame_too_large", "Frames are limited to 64 KB.")
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            return await self.send_error("invalid_json", "The frame is not valid JSON.")
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return await self.send_error("invalid_frame", "A frame is an object with a string 'type'.")
        if "id" in frame and not echoable(frame["id"]):
            # Replies repeat the id: a nested structure (or a huge one) is refused, not echoed.
            message = f"'id' must be a string of at most {ID_MAX_LENGTH} characters or an integer."
            return await self.send_error("invalid_field", message, field="id")
        if not await self.frame_allowed(frame):
            return
        handler = self.frame_handlers.get(frame["type"])
        if handler is None:
            return await self.send_error("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.")
        await handler(self, frame)

    async def frame_allowed(self, frame) -> bool:
        raise NotImplementedError

    async def sockets_close(self, event):
        """Log-out closes one session's sockets; deactivation or a password change closes all."""
        if not event["session_key"] or event["session_key"] == self.session_key:
            await self.close(code=event["code"])

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code, message, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})


class NotificationConsumer(FrameConsumer):
    group_name: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first: a close code can only travel on an open socket.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None) or ""
        self.group_name = services.user_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.presence(services.presence_join, person=User(pk=self.user_id), room=None)
        await self.send_json({"type": "hello", "unread": await self.unread_count()})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            await self.presence(services.presence_leave)

    async def frame_allowed(self, frame) -> bool:
        if await self.still_allowed():
            return True
        await self.send_error("unauthenticated", "This account can no longer use the socket.")
        await self.close(code=CLOSE_UNAUTHENTICATED)
        return False

    async def frame_ping(self, frame):
        # The pong says where the stream is, so a client that missed the last announcement
        # (the layer may drop it, and no later one would reveal the gap) syncs within a ping.
        await self.send_json({"type": "pong", **await self.touch_and_state()})

    async def frame_sync(self, frame):
        after = frame.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            return await self.send_error("invalid_field", "'after' must be a non-negative integer.", field="after")
        items, has_more = await self.notifications_after(after)
        await self.send_json(
            {"type": "sync", "notifications": items, "has_more": has_more, "unread": await self.unread_count()}
        )

    async def frame_mark_read(self, frame):
        await self.mark_read()

    frame_handlers = {"ping": frame_ping, "sync": frame_sync, "mark_read": frame_mark_read}

    # Channel-layer events (type "notification.new" is handled by notification_new).
    async def notification_new(self, event):
        if not await self.still_allowed():
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        await self.send_json({"type": "notification", "notification": event["notification"]})

    async def notifications_read(self, event):
        await self.send_json({"type": "unread", "unread": 0})

    @database_sync_to_async
    def still_allowed(self) -> bool:
        return User.objects.filter(pk=self.user_id, is_active=True).exists()

    @database_sync_to_async
    def presence(self, action, **kwargs) -> None:
        action(channel_name=self.channel_name, **kwargs)

    @database_sync_to_async
    def touch_and_state(self) -> dict:
        services.presence_touch(channel_name=self.channel_name)
        return selectors.notification_state_for(user=User(pk=self.user_id))

    @database_sync_to_async
    def unread_count(self) -> int:
        return selectors.notifications_unread_count(user=User(pk=self.user_id))

    @database_sync_to_async
    def notifications_after(self, after: int) -> tuple[list[dict], bool]:
        items, has_more = selectors.notifications_after(user=User(pk=self.user_id), after_id=after)
        return [item.as_event() for item in items], has_more

    @database_sync_to_async
    def mark_read(self) -> int:
        return services.notifications_mark_read(user=User.objects.get(pk=self.user_id))


# Discussion rooms ---------------------------------------------------------------------------------

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# Announcements are delivered without a query: removals, archiving and deactivation are
# announced to the socket (room.access_changed, room.state, sockets.close). In case such an
# announcement is lost, the person's access is also re-read every 30 to 60 seconds (chosen per
# socket, so sockets opened together do not all ask at once).
ACCESS_RECHECK_SECONDS = 30.0
ACCESS_LOST = object()

# Back-pressure (docs/realtime.md, "Back-pressure"): a process that cannot keep up refuses posts
# with `busy` at once instead of queueing them for seconds, and a socket that falls behind is
# told to sync instead of being fed stale frames one by one. Every post is answered (`ack` or an
# error) within about a second: it waits at most POST_START_WITHIN_SECONDS for a worker thread
# and at most POST_LOCK_WAIT_SECONDS for the room's lock, then does its few milliseconds of work.
# How many posts of the process may wait for or hold a worker thread at once is the setting
# SAMENHUIS_ROOM_POSTS_IN_FLIGHT; one more is refused without waiting.
#
# A post that got no worker thread within this time is refused before it touches the database.
POST_START_WITHIN_SECONDS = 0.25
# How long a post waits for the room's lock that another transaction holds (PostgreSQL's
# lock_timeout for the post's transaction; SQLite's busy timeout for its BEGIN IMMEDIATE).
POST_LOCK_WAIT_SECONDS = 0.25
# What a refused client is told to wait before it sends the same post again (it adds jitter).
BUSY_RETRY_AFTER_SECONDS = 1
# An announcement that reaches a socket this much later than it was sent means the socket is
# behind: it drops what is queued and tells the client to `sync` (one `resync` frame).
SOCKET_LAG_SECONDS = 2.0


class Busy(Exception):
    """The process or the room is too busy for this post now; nothing was stored."""


def in_worker(function):
    """Run a room socket's database work in the thread pool. database_sync_to_async's default
    runs every socket's work in one shared thread, so two hundred sockets would queue behind
    each other's posts; the pool lets their database round trips overlap."""
    return database_sync_to_async(function, thread_sensitive=False)


def _int_field(frame: dict, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    value = frame.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FrameError("invalid_field", f"'{name}' must be an integer of at least {minimum}.", field=name)
    return value


def _str_field(frame: dict, name: str, *, max_length: int, required: bool = True) -> str:
    value = frame.get(name, None if required else "")
    if not isinstance(value, str) or len(value) > max_length:
        raise FrameError("invalid_field", f"'{name}' must be a string of at most {max_length} characters.", field=name)
    if "\x00" in value or (not value.isascii() and _has_lone_surrogate(value)):
        # JSON can carry them ("\u0000", "\ud800"); no text column can store them.
        message = f"'{name}' must be text without NUL or lone surrogate characters."
        raise FrameError("invalid_field", message, field=name)
    return value


def _ids_field(frame: dict, name: str, *, max_length: int = 50) -> list[int]:
    """An optional list of at most `max_length` positive integers (ids of people)."""
    value = frame.get(name, [])
    if not (isinstance(value, list) and len(value) <= max_length and all(_is_id(item) for item in value)):
        raise FrameError("invalid_field", f"'{name}' must be a list of at most {max_length} ids.", field=name)
    return value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class FrameError(Exception):
    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


class RoomConsumer(FrameConsumer):
    """One room: /ws/rooms/<id>/. Protocol in docs/realtime.md.

    Subscribes to the room's group before it answers `hello` with the room's current `rev`, so
    a change made in between arrives live, in the client's `sync`, or both (the client keeps the
    newest state of each message). Every client frame re-reads the person's access in the same
    database round as its work (`call`); a removal from the group closes the socket with 4403
    as soon as the announcement arrives."""

    room = None
    access = None
    user = None  # read once, for the name on messages; access re-reads who they are
    user_id = None
    checked_at = 0.0
    joined = False
    # Posts of this process waiting for or holding a worker thread (all sockets; `frame_post`).
    posts_in_flight = 0
    # When this socket last told its client to `resync` (time.time()); announcements sent
    # before then are covered by the client's sync and are dropped.
    resync_at = 0.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recheck_seconds = ACCESS_RECHECK_SECONDS * (1 + random.random())  # noqa: S311 - spreading load
        # Whether the viewer shares an organisation or a group with people who keep their profile
        # to their connections (`names_visible`), remembered as long as the access is.
        self.connected: dict[int, bool] = {}
        self.connected_at = 0.0

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        self.user_id = user.pk
        self.session_key = getattr(self.scope.get("session"), "session_key", None) or ""
        cookies = self.scope.get("cookies") or {}
        self.language = cookies.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        if not translation.check_for_language(self.language):
            self.language = settings.LANGUAGE_CODE
        room_id = self.scope["url_route"]["kwargs"]["room_id"]
        if not await in_worker(self.load_access)(room_id):
            await self.accept()
            return await self.close(code=self.refusal_code())
        await self.channel_layer.group_add(self.room.channel_group, self.channel_name)
        await self.channel_layer.group_add(services.user_group_name(self.user_id), self.channel_name)
        self.joined = True
        await self.accept()
        hello = await in_worker(self.join)()
        await self.send_json(hello)
        await self.announce_presence()

    async def disconnect(self, code):
        # Whatever the access is now: a socket closed because it lost access leaves no trace.
        if self.joined:
            await self.channel_layer.group_discard(self.room.channel_group, self.channel_name)
            await self.channel_layer.group_discard(services.user_group_name(self.user_id), self.channel_name)
            await in_worker(services.presence_leave)(channel_name=self.channel_name)
            await self.announce_presence()

    def refusal_code(self) -> int:
        """4404 for a room that is gone, and at connect for a room the person may not know
        exists (a secret group's); 4401 for an account that is no longer active; otherwise 4403,
        also for someone removed from a secret group while in its room: they knew it exists."""
        if self.access is None or (self.access.is_hidden and not self.joined):
            return CLOSE_NOT_FOUND
        if self.access.user is None:
            return CLOSE_UNAUTHENTICATED
        return CLOSE_FORBIDDEN

    def load_access(self, room_id: int) -> bool:
        """Read the room and the person's access to it (two queries)."""
        room = Room.objects.select_related("group").filter(pk=room_id).first()
        if room is None:
            self.access = None
            return False
        self.room = room
        return self.refresh_access()

    def refresh_access(self) -> bool:
        """Re-read the person's access to the room already loaded (one query)."""
        if self.user is None:
            self.user = User.objects.select_related("profile").filter(pk=self.user_id).first() or AnonymousUser()
        self.access = permissions.room_access(self.user, self.room)
        self.checked_at = time.monotonic()
        return self.access.can_read

    async def refuse(self):
        """The person may no longer read the room: say why and close."""
        code = self.refusal_code()
        if code == CLOSE_UNAUTHENTICATED:
            await self.send_error("unauthenticated", "This account can no longer use the socket.")
        elif code == CLOSE_NOT_FOUND:
            await self.send_error("not_found", "This room does not exist.")
        else:
            await self.send_error("forbidden", "You may no longer read this room.")
        await self.close(code=code)

    async def still_reading(self) -> bool:
        """Re-read the room and the access; close the socket (after an error frame) when it is gone."""
        if await in_worker(self.load_access)(self.room.pk):
            return True
        await self.refuse()
        return False

    async def frame_allowed(self, frame) -> bool:
        # Known frames re-read access inside `call`, in the same round as their work; anything
        # else is checked here before it is answered.
        return frame["type"] in self.frame_handlers or await self.still_reading()

    def join(self) -> dict:
        services.presence_join(channel_name=self.channel_name, person=User(pk=self.user_id), room=self.room)
        room = Room.objects.get(pk=self.room.pk)
        state = self.access.state
        online = room_selectors.online_people(room)
        visible, undecided = self.names_visible({person["id"]: person["audience"] for person in online})
        visible |= self.remember_connected(undecided)
        return {
            "type": "hello",
            "room": {"id": room.pk, "name": room.name, "archived": room.is_archived},
            "rev": room.last_rev,
            "last_seq": room.last_seq,
            "last_read_seq": state.last_read_seq if state else 0,
            "can_post": self.access.can_post,
            "can_moderate": self.access.can_moderate,
            "online": room_selectors.online_named_for(online, visible=visible),
        }

    async def announce_presence(self):
        online = await in_worker(room_selectors.online_people)(self.room)
        await self.channel_layer.group_send(self.room.channel_group, {"type": "room.presence", "online": online})

    # Naming people (docs/privacy.md, "Where people are named") -------------------------------

    def names_visible(self, audiences: dict[int, str]) -> tuple[set[int], set[int]]:
        """Of the people in `audiences` (`permissions.audiences_of`, carried by announcements), those
        this socket's viewer may see named, decided without a query, and those for which it depends
        on whether the two are connected and the socket does not remember it yet."""
        if time.monotonic() - self.connected_at > self.recheck_seconds:
            self.connected, self.connected_at = {}, time.monotonic()
        visible, undecided = set(), set()
        for pk, audience in audiences.items():
            decided = permissions.audience_decides(
                audience, viewer_id=self.user_id, viewer_is_admin=self.access.is_admin, person_id=pk
            )
            if decided is None:
                decided = self.connected.get(pk)
            if decided is None:
                undecided.add(pk)
            elif decided:
                visible.add(pk)
        return visible, undecided

    def remember_connected(self, person_ids: set[int]) -> set[int]:
        """Ask (one query) and remember which of these people the viewer is connected to."""
        if not person_ids:
            return set()
        connected = permissions.people_connected_to(self.user, person_ids)
        self.connected.update({pk: pk in connected for pk in person_ids})
        return connected

    async def visible_among(self, audiences: dict[int, str]) -> set[int]:
        """`names_visible`, asking the database only when something is left undecided (a person who
        keeps their profile to their connections, the first time in a while): an announcement
        usually reaches every socket without a query."""
        visible, undecided = self.names_visible(audiences)
        if undecided:
            visible |= await in_worker(self.remember_connected)(undecided)
        return visible

    # Client frames ---------------------------------------------------------------------------

    async def answer(self, frame, content):
        if "id" in frame:
            content["id"] = frame["id"]
        await self.send_json(content)

    async def call(self, frame, work, *, start_by: float | None = None):
        """Re-read the person's access, then run `work(access)`, in one worker thread and in the
        reader's language. A refusal becomes an error frame (with the frame's `id`, and
        `client_id` for posts) and None is returned; lost access closes the socket. Work done
        only for its effect answers True, so that None always means refused. Work that got no
        worker thread before `start_by` (time.monotonic()) is refused as `busy` unstarted."""
        ids = frame_ids(frame)

        def run():
            if start_by is not None and time.monotonic() > start_by:
                raise Busy
            with translation.override(self.language):
                if not self.refresh_access():
                    return ACCESS_LOST
                return work(self.access)

        try:
            result = await in_worker(run)()
        except Busy:
            await self.send_busy(ids)
        except OperationalError as error:
            # A post that could not have the database in time (its lock, a pooled connection)
            # stored nothing and is sent again; for other frames it stays a fault of ours.
            if is_overload(error) and frame["type"] == "post":
                await self.send_busy(ids)
            else:
                await self.send_server_error(frame, ids)
        except services.RateLimited as error:
            await self.send_error("rate_limited", error.messages[0], retry_after=error.retry_after, **ids)
        except ValidationError as error:
            await self.send_error(error.code or "invalid", " ".join(error.messages), **ids)
        except PermissionDenied:
            await self.send_error("forbidden", "You may not do this in this room.", **ids)
        except (Http404, Room.DoesNotExist, Message.DoesNotExist):
            await self.send_error("not_found", "There is no such message in this room.", **ids)
        except Exception:
            await self.send_server_error(frame, ids)
        else:
            if result is not ACCESS_LOST:
                return result
            await self.refuse()
        return None

    async def send_server_error(self, frame, ids):
        # A fault of ours: say so with the frame's ids (so the client stops resending a post)
        # and keep the socket; the traceback goes to the log.
        logger.exception("room frame %r failed", frame.get("type"))
        await self.send_error("server_error", "Something went wrong on our side; nothing was changed.", **ids)

    async def send_busy(self, ids):
        """Nothing was stored; the client sends the same frame (the same `client_id`) again later."""
        with translation.override(self.language):
            message = _("It is very busy right now: your message was not saved yet and will be sent again shortly.")
        await self.send_error("busy", message, retry_after=BUSY_RETRY_AFTER_SECONDS, **ids)

    async def frame_ping(self, frame):
        # The pong carries the room's counters, so a client that missed the room's last change
        # (no later change would reveal the gap) notices and syncs within one ping.
        counters = await self.call(frame, lambda access: self.touch_and_count())
        if counters is not None:
            await self.answer(frame, {"type": "pong", **counters})

    def touch_and_count(self) -> dict:
        services.presence_touch(channel_name=self.channel_name)
        rev, last_seq = Room.objects.values_list("last_rev", "last_seq").get(pk=self.room.pk)
        return {"rev": rev, "last_seq": last_seq}

    async def frame_sync(self, frame):
        after = _int_field(frame, "after_rev")
        result = await self.call(frame, lambda access: self.changes_after(after, access))
        if result is not None:
            await self.answer(frame, {"type": "sync", **result})

    def changes_after(self, after: int, access) -> dict:
        rev = Room.objects.values_list("last_rev", flat=True).get(pk=self.room.pk)
        messages, has_more = room_selectors.messages_after_rev(self.room, after)
        payloads = room_selectors.payloads_for(messages, viewer=access.user, moderator=access.can_moderate)
        # Complete: the client is up to date with `rev`; otherwise it asks again after the last one.
        return {"messages": payloads, "has_more": has_more, "rev": payloads[-1]["rev"] if has_more else rev}

    async def frame_history(self, frame):
        before = _int_field(frame, "before_seq", required=False, minimum=1)
        result = await self.call(frame, lambda access: self.history(before, access))
        if result is not None:
            await self.answer(frame, {"type": "history", **result})

    def history(self, before: int | None, access) -> dict:
        messages, has_more = room_selectors.messages_before(self.room, before)
        return {
            "messages": room_selectors.payloads_for(messages, viewer=access.user, moderator=access.can_moderate),
            "has_more": has_more,
        }

    async def frame_thread(self, frame):
        seq = _int_field(frame, "seq", minimum=1)
        result = await self.call(frame, lambda access: self.thread(seq, access))
        if result is not None:
            await self.answer(frame, {"type": "thread", **result})

    def thread(self, seq: int, access) -> dict:
        parent, replies = room_selectors.thread(self.room, seq)
        payloads = room_selectors.payloads_for([parent, *replies], viewer=access.user, moderator=access.can_moderate)
        return {"parent": payloads[0], "replies": payloads[1:]}

    async def frame_post(self, frame):
        client_id = _str_field(frame, "client_id", max_length=services.rooms.CLIENT_ID_MAX_LENGTH)
        body = _str_field(frame, "body", max_length=MESSAGE_MAX_LENGTH * 2)
        parent = _int_field(frame, "parent", required=False, minimum=1)
        mentions = _ids_field(frame, "mentions")

        if RoomConsumer.posts_in_flight >= settings.SAMENHUIS_ROOM_POSTS_IN_FLIGHT:
            return await self.send_busy(frame_ids(frame))

        def post(access):
            with lock_wait_at_most(POST_LOCK_WAIT_SECONDS):
                message = services.room_message_post(
                    room=self.room,
                    author=access.user,
                    body=body,
                    client_id=client_id,
                    parent_seq=parent,
                    access=access,
                    mentions=mentions,
                )
            # Names only people its author may see: the author, and whom a mention may name.
            return room_selectors.message_payload(message, moderator=access.can_moderate)

        # Counted on the event loop's one thread, so no lock is needed.
        RoomConsumer.posts_in_flight += 1
        try:
            payload = await self.call(frame, post, start_by=time.monotonic() + POST_START_WITHIN_SECONDS)
        finally:
            RoomConsumer.posts_in_flight -= 1
        if payload is not None:
            await self.answer(frame, {"type": "ack", "client_id": client_id, "message": payload})

    async def on_message(self, frame, work):
        """Find the message `seq` names, then run `work(access, message)`; answer with `done`."""
        seq = _int_field(frame, "seq", minimum=1)
        result = await self.call(
            frame, lambda access: work(access, room_selectors.message_for_seq(self.room, seq)) or True
        )
        if result is not None:
            await self.answer(frame, {"type": "done", "request": frame["type"], "seq": seq})

    async def frame_edit(self, frame):
        body = _str_field(frame, "body", max_length=MESSAGE_MAX_LENGTH * 2)
        mentions = _ids_field(frame, "mentions")
        await self.on_message(
            frame,
            lambda access, message: services.room_message_edit(
                message=message, actor=access.user, body=body, mentions=mentions
            ),
        )

    async def frame_delete(self, frame):
        await self.on_message(
            frame, lambda access, message: services.room_message_delete(message=message, actor=access.user)
        )

    async def frame_react(self, frame):
        emoji = _str_field(frame, "emoji", max_length=8)
        on = frame.get("on")
        if on is not None and not isinstance(on, bool):
            raise FrameError("invalid_field", "'on' must be true, false or absent.", field="on")
        await self.on_message(
            frame,
            lambda access, message: services.room_message_react(message=message, actor=access.user, emoji=emoji, on=on),
        )

    async def frame_hide(self, frame):
        hidden = frame.get("hidden")
        if not isinstance(hidden, bool):
            raise FrameError("invalid_field", "'hidden' must be true or false.", field="hidden")
        await self.on_message(
            frame,
            lambda access, message: services.room_message_hide(message=message, actor=access.user, hidden=hidden),
        )

    async def frame_report(self, frame):
        reason = _str_field(frame, "reason", max_length=20)
        note = _str_field(frame, "note", max_length=500, required=False)
        await self.on_message(
            frame,
            lambda access, message: services.room_message_report(
                message=message, reporter=access.user, reason=reason, note=note
            ),
        )

    async def frame_read(self, frame):
        seq = _int_field(frame, "seq")
        position = await self.call(
            frame, lambda access: services.room_read(person=access.user, room=self.room, seq=seq, access=access)
        )
        if position is not None:
            await self.answer(frame, {"type": "read", "last_read_seq": position})

    async def frame_mentions(self, frame):
        query = _str_field(frame, "query", max_length=80, required=False)
        people = await self.call(
            frame, lambda access: room_selectors.mention_candidates(room=self.room, query=query, viewer=access.user)
        )
        if people is not None:
            await self.answer(frame, {"type": "mentions", "people": people})

    frame_handlers = {
        "ping": frame_ping,
        "sync": frame_sync,
        "history": frame_history,
        "thread": frame_thread,
        "post": frame_post,
        "edit": frame_edit,
        "delete": frame_delete,
        "react": frame_react,
        "hide": frame_hide,
        "report": frame_report,
        "read": frame_read,
        "mentions": frame_mentions,
    }

    async def receive(self, text_data=None, bytes_data=None):
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data)
        except FrameError as error:
            # The frame parsed as an object before the handler refused it.
            await self.send_error(error.code, error.message, **error.extra, **frame_ids(json.loads(text_data)))

    # Channel-layer events ----------------------------------------------------------------------

    async def room_message(self, event):
        if await self.behind(event):
            return
        if time.monotonic() - self.checked_at > self.recheck_seconds and not await self.still_reading():
            return
        if "audiences" in event:
            audiences = dict(event["audiences"])
        else:  # announced by a process of an older release: name nobody else rather than everybody
            audiences = dict.fromkeys(room_selectors.people_named_in(event["message"]), permissions.NOBODY)
        visible = await self.visible_among(audiences)
        moderator = event["removed"] and self.access.can_moderate
        if visible >= audiences.keys() and not moderator:
            # The frame as written once for the room: the viewer may see everyone it names.
            return await self.send(text_data=event["frame"])
        content = json.loads(event["frame"])
        if moderator:
            # Moderators also see what a removed message said.
            content["message"] = await in_worker(self.moderator_payload)(content["message"]["seq"])
        else:
            with translation.override(self.language):
                content["message"] = room_selectors.payload_named_for(content["message"], visible=visible)
        await self.send_json(content)

    async def behind(self, event) -> bool:
        """Whether to drop this announcement because the socket fell behind: it arrived more than
        SOCKET_LAG_SECONDS after it was sent (the first such one sends `resync`, so the client
        syncs from its last rev), or it was sent before the last `resync` (the sync covers it).
        Dropping costs nothing, so the backlog drains at once instead of feeding the client one
        stale frame after another. Clocks of the processes of one installation agree well within
        a second; an announcement without a time (an older release) is delivered."""
        announced_at = event.get("announced_at")
        if announced_at is None:
            return False
        if announced_at <= self.resync_at:
            return True
        now = time.time()
        if now - announced_at <= SOCKET_LAG_SECONDS:
            return False
        self.resync_at = now
        await self.send_json({"type": "resync", "rev": event["rev"]})
        return True

    def moderator_payload(self, seq: int) -> dict:
        message = room_selectors.message_for_seq(self.room, seq)
        with translation.override(self.language):
            return room_selectors.payloads_for([message], viewer=self.user, moderator=True)[0]

    async def room_presence(self, event):
        online = event["online"]
        audiences = {person["id"]: person.get("audience", permissions.NOBODY) for person in online}
        visible = await self.visible_among(audiences)
        await self.send_json({"type": "presence", "online": room_selectors.online_named_for(online, visible=visible)})

    async def room_access_changed(self, event):
        if event["person"] == self.user_id and await self.still_reading():
            await self.send_state()

    async def room_state(self, event):
        if await self.still_reading():
            await self.send_state()

    async def send_state(self):
        await self.send_json(
            {
                "type": "state",
                "archived": self.room.is_archived,
                "can_post": self.access.can_post,
                "can_moderate": self.access.can_moderate,
            }
        )

    async def notification_new(self, event):
        """The person's own notifications travel on /ws/notifications/; a room socket ignores them."""

    async def notifications_read(self, event):
        """See notification_new."""
