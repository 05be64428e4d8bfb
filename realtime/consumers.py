"""The consumers every live socket is built on (docs/realtime.md).

`FrameConsumer` reads JSON frames and answers refusals with typed error frames. `StreamConsumer`
is one numbered stream (a room, a live session): every frame re-reads the person's access in the
same worker round as its work (`call`), a write that cannot start in time is refused with `busy`
instead of queueing (back-pressure), and a socket whose announcements arrive late drops them and
tells its client to `sync` (`behind`). A stream's consumer says how to read the access and what
its frames do; the rest is here.
"""

import json
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor

from channels.consumer import get_handler_name
from channels.db import aclose_old_connections, database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from samenhuis.refusals import is_overload

from . import presence
from .frames import ID_MAX_LENGTH, MAX_FRAME_BYTES, FrameError, echoable, frame_ids
from .sockets import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED, user_group_name

logger = logging.getLogger(__name__)

# Announcements are delivered without a query: removals, archiving and deactivation are
# announced to the socket. In case such an announcement is lost, the person's access is also
# re-read every 30 to 60 seconds (chosen per socket, so sockets opened together do not all ask
# at once).
ACCESS_RECHECK_SECONDS = 30.0
ACCESS_LOST = object()

# Back-pressure (docs/realtime.md, "Back-pressure"): a process that cannot keep up refuses writes
# with `busy` at once instead of queueing them for seconds, and a socket that falls behind is
# told to sync instead of being fed stale frames one by one. Every write is answered (`ack` or an
# error) within about a second: it waits at most WRITE_START_WITHIN_SECONDS for a worker thread
# and at most WRITE_LOCK_WAIT_SECONDS for the stream's lock, then does its few milliseconds of
# work. How many writes of the process may wait for or hold a worker thread at once is the
# setting SAMENHUIS_ROOM_POSTS_IN_FLIGHT; one more is refused without waiting.
#
# A write that got no worker thread within this time is refused before it touches the database.
WRITE_START_WITHIN_SECONDS = 0.25
# How long a write waits for the stream's lock that another transaction holds (PostgreSQL's
# lock_timeout for its transaction; SQLite's busy timeout for its BEGIN IMMEDIATE).
WRITE_LOCK_WAIT_SECONDS = 0.25
# What a refused client is told to wait before it sends the same write again (it adds jitter).
BUSY_RETRY_AFTER_SECONDS = 1
# An announcement that reaches a socket this much later than it was sent means the socket is
# behind: it drops what is queued and tells the client to `sync` (one `resync` frame).
SOCKET_LAG_SECONDS = 2.0


class Busy(Exception):
    """The process or the stream is too busy for this write now; nothing was stored."""


# Writes have worker threads of their own: a wave of reads (syncs after a reconnect, read
# positions, history) then never keeps a post from starting within WRITE_START_WITHIN_SECONDS.
# Created on first use, sized by SAMENHUIS_STREAM_WRITE_THREADS.
_write_pool: ThreadPoolExecutor | None = None


def write_pool() -> ThreadPoolExecutor:
    global _write_pool
    if _write_pool is None:
        _write_pool = ThreadPoolExecutor(settings.SAMENHUIS_STREAM_WRITE_THREADS, thread_name_prefix="stream-write")
    return _write_pool


def in_worker(function, *, executor=None):
    """Run a stream socket's database work in a thread pool: the event loop's (reads) or `executor`
    (writes: `write_pool()`). database_sync_to_async's default runs every socket's work in one
    shared thread, so two hundred sockets would queue behind each other's writes; a pool lets
    their database round trips overlap."""
    return database_sync_to_async(function, thread_sensitive=False, executor=executor)


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
        try:
            await handler(self, frame)
        except FrameError as error:
            await self.send_error(error.code, error.message, **error.extra, **frame_ids(frame))

    async def frame_allowed(self, frame) -> bool:
        raise NotImplementedError

    async def dispatch(self, message):
        """Channels' own `dispatch` first closes stale database connections of its one sync thread,
        a hop to that thread for every message; announcements reach every socket of a stream, so
        that hop cost more than delivering them (bench/chat.py). These sockets do their database
        work in worker threads (`in_worker`) that close their own stale connections, before and
        after; the sync thread's (the log-in middleware reads the session there) are still closed
        when a socket opens or closes."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if message["type"] in ("websocket.connect", "websocket.disconnect"):
            await aclose_old_connections()
        await handler(message)

    async def sockets_close(self, event):
        """Log-out closes one session's sockets; deactivation or a password change closes all."""
        if not event["session_key"] or event["session_key"] == self.session_key:
            await self.close(code=event["code"])

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code, message, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def answer(self, frame, content):
        """A reply to a client frame: it repeats the frame's `id`."""
        if "id" in frame:
            content["id"] = frame["id"]
        await self.send_json(content)

    async def notification_new(self, event):
        """The person's own notifications travel on /ws/notifications/; a stream socket, which
        joins the person's group only to be closed with their sessions, ignores them."""

    async def notifications_read(self, event):
        """See notification_new."""


class StreamConsumer(FrameConsumer):
    """One numbered stream over a socket: /ws/<kind>/<id>/.

    A stream's consumer sets `stream_id_kwarg` (the URL's keyword), `load_access(stream_id)` (read
    the stream and the person's access to it, into `self.stream_object` and `self.access`; True
    when they may read), `refresh_access()` (re-read the access only), `join()` (the `hello`
    frame) and its `frame_handlers`. The access object has `can_read`, `is_hidden` (the stream must
    look as if it did not exist: a secret group's) and `user` (None once the account is inactive).

    Subscribes to the stream's channel group before it answers `hello` with the stream's current
    `rev`, so a change made in between arrives live, in the client's `sync`, or both."""

    stream_id_kwarg = "id"
    stream_object = None
    access = None
    user = None  # read once, for the name on writes; the access re-reads who they are
    user_id = None
    language = settings.LANGUAGE_CODE
    checked_at = 0.0
    joined = False
    # Writes of this process waiting for or holding a worker thread, of all streams (`bounded_write`).
    writes_in_flight = 0
    # When this socket last told its client to `resync` (time.time()); announcements sent before
    # then are covered by the client's sync and are dropped.
    resync_at = 0.0
    # What refusals say (the error frame's message; English, like every protocol message).
    not_found_message = "This stream does not exist."
    forbidden_message = "You may no longer read this stream."
    missing_message = "There is no such item in this stream."
    refused_message = "You may not do this here."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recheck_seconds = ACCESS_RECHECK_SECONDS * (1 + random.random())  # noqa: S311 - spreading load

    # What a stream says -------------------------------------------------------------------------

    def channel_group(self) -> str:
        raise NotImplementedError

    def stream_key(self) -> str:
        """The stream's name for presence (`realtime.presence`)."""
        raise NotImplementedError

    def load_access(self, stream_id: int) -> bool:
        raise NotImplementedError

    def refresh_access(self) -> bool:
        raise NotImplementedError

    def join(self) -> dict:
        raise NotImplementedError

    async def joined_stream(self):
        """After `hello` was sent (announce presence, for instance)."""

    async def left_stream(self):
        """After the socket left the stream's group and presence."""

    # Connecting -------------------------------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first: a close code can only travel on an open socket.
            await self.accept()
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        self.user_id = user.pk
        self.session_key = getattr(self.scope.get("session"), "session_key", None) or ""
        cookies = self.scope.get("cookies") or {}
        self.language = cookies.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        if not translation.check_for_language(self.language):
            self.language = settings.LANGUAGE_CODE
        stream_id = self.scope["url_route"]["kwargs"][self.stream_id_kwarg]
        if not await in_worker(self.load_access)(stream_id):
            await self.accept()
            return await self.close(code=self.refusal_code())
        await self.channel_layer.group_add(self.channel_group(), self.channel_name)
        await self.channel_layer.group_add(user_group_name(self.user_id), self.channel_name)
        self.joined = True
        await self.accept()
        hello = await in_worker(self.join_and_count)()
        await self.send_json(hello)
        await self.joined_stream()

    def join_and_count(self) -> dict:
        presence.presence_join(channel_name=self.channel_name, person_id=self.user_id, stream=self.stream_key())
        return self.join()

    async def disconnect(self, code):
        # Whatever the access is now: a socket closed because it lost access leaves no trace.
        if self.joined:
            await self.channel_layer.group_discard(self.channel_group(), self.channel_name)
            await self.channel_layer.group_discard(user_group_name(self.user_id), self.channel_name)
            await in_worker(presence.presence_leave)(channel_name=self.channel_name)
            await self.left_stream()

    # Access -----------------------------------------------------------------------------------

    def refusal_code(self) -> int:
        """4404 for a stream that is gone, and at connect for one the person may not know exists
        (a secret group's); 4401 for an account that is no longer active; otherwise 4403, also
        for someone removed from a secret group while connected: they knew it exists."""
        if self.access is None or (self.access.is_hidden and not self.joined):
            return CLOSE_NOT_FOUND
        if self.access.user is None:
            return CLOSE_UNAUTHENTICATED
        return CLOSE_FORBIDDEN

    async def refuse(self):
        """The person may no longer read the stream: say why and close."""
        code = self.refusal_code()
        if code == CLOSE_UNAUTHENTICATED:
            await self.send_error("unauthenticated", "This account can no longer use the socket.")
        elif code == CLOSE_NOT_FOUND:
            await self.send_error("not_found", self.not_found_message)
        else:
            await self.send_error("forbidden", self.forbidden_message)
        await self.close(code=code)

    async def still_reading(self) -> bool:
        """Re-read the stream and the access; close the socket (after an error frame) when it is gone."""
        if await in_worker(self.load_access)(self.stream_object.pk):
            return True
        await self.refuse()
        return False

    async def recheck_due(self) -> bool:
        """For announcements: False (and the socket closed) when the access, re-read because the
        last reading is older than the socket's recheck interval, is gone."""
        if time.monotonic() - self.checked_at > self.recheck_seconds:
            return await self.still_reading()
        return True

    async def frame_allowed(self, frame) -> bool:
        # Known frames re-read access inside `call`, in the same round as their work; anything
        # else is checked here before it is answered.
        return frame["type"] in self.frame_handlers or await self.still_reading()

    # Client frames ----------------------------------------------------------------------------

    async def call(self, frame, work, *, start_by: float | None = None, executor=None):
        """Re-read the person's access, then run `work(access)`, in one worker thread and in the
        reader's language. A refusal becomes an error frame (with the frame's `id`, and
        `client_id` for writes) and None is returned; lost access closes the socket. Work done
        only for its effect answers True, so that None always means refused. Work that got no
        worker thread before `start_by` (time.monotonic()) is refused as `busy` unstarted; `executor`
        is the thread pool (`in_worker`)."""
        ids = frame_ids(frame)

        def run():
            if start_by is not None and time.monotonic() > start_by:
                raise Busy
            with translation.override(self.language):
                if not self.refresh_access():
                    return ACCESS_LOST
                return work(self.access)

        try:
            result = await in_worker(run, executor=executor)()
        except Busy:
            await self.send_busy(ids)
        except OperationalError as error:
            # A write that could not have the database in time (its lock, a pooled connection)
            # stored nothing and is sent again; for other frames it stays a fault of ours.
            if is_overload(error) and start_by is not None:
                await self.send_busy(ids)
            else:
                await self.send_server_error(frame, ids)
        except ValidationError as error:
            retry_after = getattr(error, "retry_after", None)
            if retry_after is not None:
                await self.send_error(error.code, error.messages[0], retry_after=retry_after, **ids)
            else:
                # A refusal may say more in fields of its own (`frame_fields`, e.g. what was flagged).
                extra = getattr(error, "frame_fields", {})
                await self.send_error(error.code or "invalid", " ".join(error.messages), **extra, **ids)
        except PermissionDenied:
            await self.send_error("forbidden", self.refused_message, **ids)
        except (Http404, ObjectDoesNotExist):
            await self.send_error("not_found", self.missing_message, **ids)
        except Exception:
            await self.send_server_error(frame, ids)
        else:
            if result is not ACCESS_LOST:
                return result
            await self.refuse()
        return None

    async def bounded_write(self, frame, work):
        """`call` for a write (a post): refused with `busy` at once when the process already has
        SAMENHUIS_ROOM_POSTS_IN_FLIGHT writes waiting or running, or when no worker thread takes
        it within WRITE_START_WITHIN_SECONDS. `work` should wrap its transaction in
        `samenhuis.refusals.lock_wait_at_most(WRITE_LOCK_WAIT_SECONDS)`."""
        if StreamConsumer.writes_in_flight >= settings.SAMENHUIS_ROOM_POSTS_IN_FLIGHT:
            await self.send_busy(frame_ids(frame))
            return None
        # Counted on the event loop's one thread, so no lock is needed.
        StreamConsumer.writes_in_flight += 1
        try:
            start_by = time.monotonic() + WRITE_START_WITHIN_SECONDS
            return await self.call(frame, work, start_by=start_by, executor=write_pool())
        finally:
            StreamConsumer.writes_in_flight -= 1

    async def send_server_error(self, frame, ids):
        # A fault of ours: say so with the frame's ids (so the client stops resending a write)
        # and keep the socket; the traceback goes to the log.
        logger.exception("%s frame %r failed", type(self).__name__, frame.get("type"))
        await self.send_error("server_error", "Something went wrong on our side; nothing was changed.", **ids)

    async def send_busy(self, ids):
        """Nothing was stored; the client sends the same frame (the same `client_id`) again later."""
        with translation.override(self.language):
            message = _("It is very busy right now: your message was not saved yet and will be sent again shortly.")
        await self.send_error("busy", message, retry_after=BUSY_RETRY_AFTER_SECONDS, **ids)

    def touch(self) -> None:
        """A ping: the socket is still there (presence)."""
        presence.presence_touch(channel_name=self.channel_name)

    # Announcements ----------------------------------------------------------------------------

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
