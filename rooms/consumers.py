"""The socket of a discussion room (/ws/rooms/<id>/). Protocol in docs/realtime.md.

Built on the delivery core (realtime/): the database is the record, the socket announces, and a
client that was away asks for everything after the last `rev` it saw (`sync`).
"""

import json
import time

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from community import permissions as community_permissions
from community.models import User
from realtime.consumers import WRITE_LOCK_WAIT_SECONDS, StreamConsumer, in_worker
from realtime.frames import FrameError, ids_field, int_field, str_field
from samenhuis.refusals import lock_wait_at_most

from . import permissions, selectors, services
from .models import MESSAGE_MAX_LENGTH, Room


class RoomConsumer(StreamConsumer):
    """One room: /ws/rooms/<id>/. Protocol in docs/realtime.md.

    A stream of the delivery core (`realtime.consumers.StreamConsumer`: connecting, access
    re-read on every frame, back-pressure, resync); this class says what a room's frames do and
    whom its announcements may name. A removal from the group closes the socket with 4403 as
    soon as the announcement arrives."""

    stream_id_kwarg = "room_id"
    room = None
    not_found_message = "This room does not exist."
    forbidden_message = "You may no longer read this room."
    missing_message = "There is no such message in this room."
    refused_message = "You may not do this in this room."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Whether the viewer shares an organisation or a group with people who keep their profile
        # to their connections (`names_visible`), remembered as long as the access is.
        self.connected: dict[int, bool] = {}
        self.connected_at = 0.0
        # The highest message number this socket knows the room has reached (hello, announcements,
        # pongs, syncs): read positions are kept below it without reading the room.
        self.last_seq_known = 0

    def load_access(self, room_id: int) -> bool:
        """Read the room and the person's access to it (two queries)."""
        room = Room.objects.select_related("group").filter(pk=room_id).first()
        if room is None:
            self.access = None
            return False
        self.room = self.stream_object = room
        return self.refresh_access()

    def refresh_access(self) -> bool:
        """Re-read the person's access to the room already loaded (one query)."""
        if self.user is None:
            self.user = User.objects.select_related("profile").filter(pk=self.user_id).first() or AnonymousUser()
        self.access = permissions.room_access(self.user, self.room)
        self.checked_at = time.monotonic()
        return self.access.can_read

    def channel_group(self) -> str:
        return self.room.channel_group

    def stream_key(self) -> str:
        return self.room.stream

    def join(self) -> dict:
        room = Room.objects.get(pk=self.room.pk)
        state = self.access.state
        online = selectors.online_people(room)
        visible, undecided = self.names_visible({person["id"]: person["audience"] for person in online})
        visible |= self.remember_connected(undecided)
        self.last_seq_known = max(self.last_seq_known, room.last_seq)
        return {
            "type": "hello",
            "room": {"id": room.pk, "name": room.name, "archived": room.is_archived},
            "rev": room.last_rev,
            "last_seq": room.last_seq,
            "last_read_seq": state.last_read_seq if state else 0,
            "can_post": self.access.can_post,
            "can_moderate": self.access.can_moderate,
            "online": selectors.online_named_for(online, visible=visible),
        }

    async def joined_stream(self):
        await self.announce_presence()

    async def left_stream(self):
        await self.announce_presence()

    async def announce_presence(self):
        online = await in_worker(selectors.online_people)(self.room)
        await self.channel_layer.group_send(self.room.channel_group, {"type": "room.presence", "online": online})

    # Naming people (docs/privacy.md, "Where people are named") -------------------------------

    def names_visible(self, audiences: dict[int, str]) -> tuple[set[int], set[int]]:
        """Of the people in `audiences` (`community_permissions.audiences_of`, carried by announcements), those
        this socket's viewer may see named, decided without a query, and those for which it depends
        on whether the two are connected and the socket does not remember it yet."""
        if time.monotonic() - self.connected_at > self.recheck_seconds:
            self.connected, self.connected_at = {}, time.monotonic()
        visible, undecided = set(), set()
        for pk, audience in audiences.items():
            decided = community_permissions.audience_decides(
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
        connected = community_permissions.people_connected_to(self.user, person_ids)
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

    async def frame_ping(self, frame):
        # The pong carries the room's counters, so a client that missed the room's last change
        # (no later change would reveal the gap) notices and syncs within one ping.
        counters = await self.call(frame, lambda access: self.touch_and_count())
        if counters is not None:
            await self.answer(frame, {"type": "pong", **counters})

    def touch_and_count(self) -> dict:
        self.touch()
        rev, last_seq = Room.objects.values_list("last_rev", "last_seq").get(pk=self.room.pk)
        self.last_seq_known = max(self.last_seq_known, last_seq)
        return {"rev": rev, "last_seq": last_seq}

    async def frame_sync(self, frame):
        after = int_field(frame, "after_rev")
        result = await self.call(frame, lambda access: self.changes_after(after, access))
        if result is not None:
            await self.answer(frame, {"type": "sync", **result})

    def changes_after(self, after: int, access) -> dict:
        rev, last_seq = Room.objects.values_list("last_rev", "last_seq").get(pk=self.room.pk)
        self.last_seq_known = max(self.last_seq_known, last_seq)
        messages, has_more = selectors.messages_after_rev(self.room, after)
        payloads = selectors.payloads_for(messages, viewer=access.user, moderator=access.can_moderate)
        # Complete: the client is up to date with `rev`; otherwise it asks again after the last one.
        return {"messages": payloads, "has_more": has_more, "rev": payloads[-1]["rev"] if has_more else rev}

    async def frame_history(self, frame):
        before = int_field(frame, "before_seq", required=False, minimum=1)
        result = await self.call(frame, lambda access: self.history(before, access))
        if result is not None:
            await self.answer(frame, {"type": "history", **result})

    def history(self, before: int | None, access) -> dict:
        messages, has_more = selectors.messages_before(self.room, before)
        return {
            "messages": selectors.payloads_for(messages, viewer=access.user, moderator=access.can_moderate),
            "has_more": has_more,
        }

    async def frame_thread(self, frame):
        seq = int_field(frame, "seq", minimum=1)
        result = await self.call(frame, lambda access: self.thread(seq, access))
        if result is not None:
            await self.answer(frame, {"type": "thread", **result})

    def thread(self, seq: int, access) -> dict:
        parent, replies = selectors.thread(self.room, seq)
        payloads = selectors.payloads_for([parent, *replies], viewer=access.user, moderator=access.can_moderate)
        return {"parent": payloads[0], "replies": payloads[1:]}

    async def frame_post(self, frame):
        client_id = str_field(frame, "client_id", max_length=services.CLIENT_ID_MAX_LENGTH)
        body = str_field(frame, "body", max_length=MESSAGE_MAX_LENGTH * 2)
        parent = int_field(frame, "parent", required=False, minimum=1)
        mentions = ids_field(frame, "mentions")

        def post(access):
            with lock_wait_at_most(WRITE_LOCK_WAIT_SECONDS):
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
            return selectors.message_payload(message, moderator=access.can_moderate)

        payload = await self.bounded_write(frame, post)
        if payload is not None:
            self.last_seq_known = max(self.last_seq_known, payload["seq"])
            await self.answer(frame, {"type": "ack", "client_id": client_id, "message": payload})

    async def on_message(self, frame, work):
        """Find the message `seq` names, then run `work(access, message)`; answer with `done`."""
        seq = int_field(frame, "seq", minimum=1)
        result = await self.call(frame, lambda access: work(access, selectors.message_for_seq(self.room, seq)) or True)
        if result is not None:
            await self.answer(frame, {"type": "done", "request": frame["type"], "seq": seq})

    async def frame_edit(self, frame):
        body = str_field(frame, "body", max_length=MESSAGE_MAX_LENGTH * 2)
        mentions = ids_field(frame, "mentions")
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
        emoji = str_field(frame, "emoji", max_length=8)
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
        reason = str_field(frame, "reason", max_length=20)
        note = str_field(frame, "note", max_length=500, required=False)
        await self.on_message(
            frame,
            lambda access, message: services.room_message_report(
                message=message, reporter=access.user, reason=reason, note=note
            ),
        )

    async def frame_read(self, frame):
        seq = int_field(frame, "seq")
        position = await self.call(
            frame,
            lambda access: services.room_read(
                person=access.user, room=self.room, seq=seq, access=access, last_seq=self.last_seq_known
            ),
        )
        if position is not None:
            await self.answer(frame, {"type": "read", "last_read_seq": position})

    async def frame_mentions(self, frame):
        query = str_field(frame, "query", max_length=80, required=False)
        people = await self.call(
            frame, lambda access: selectors.mention_candidates(room=self.room, query=query, viewer=access.user)
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

    # Channel-layer events ----------------------------------------------------------------------

    async def room_message(self, event):
        self.last_seq_known = max(self.last_seq_known, event["message"]["seq"])
        if await self.behind(event) or not await self.recheck_due():
            return
        if "audiences" in event:
            audiences = dict(event["audiences"])
        else:  # announced by a process of an older release: name nobody else rather than everybody
            audiences = dict.fromkeys(selectors.people_named_in(event["message"]), community_permissions.NOBODY)
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
                content["message"] = selectors.payload_named_for(content["message"], visible=visible)
        await self.send_json(content)

    def moderator_payload(self, seq: int) -> dict:
        message = selectors.message_for_seq(self.room, seq)
        with translation.override(self.language):
            return selectors.payloads_for([message], viewer=self.user, moderator=True)[0]

    async def room_presence(self, event):
        online = event["online"]
        audiences = {person["id"]: person.get("audience", community_permissions.NOBODY) for person in online}
        visible = await self.visible_among(audiences)
        await self.send_json({"type": "presence", "online": selectors.online_named_for(online, visible=visible)})

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
