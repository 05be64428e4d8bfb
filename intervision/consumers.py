"""The live session socket (/ws/sessions/<id>/). Protocol in docs/intervision.md, "Live".

A stream of the delivery core (`realtime.consumers.StreamConsumer`): the person's access is read
again with every frame, writes are bounded (`busy`), a lagging socket is told to `resync`. Every
change is announced with the session's new `rev`; a phase or status change carries the new
`state` itself (so everyone sees the phase change at once), everything else the client fetches
with `sync` after the last `rev` it saw, as the reader it is (blind questions differ per reader).

An observer's socket closes when they lose the session: at its end (announced with the state) and
when they are removed or the group stops allowing observers (announced with `access_changed`).
"""

import datetime
import time

from django.contrib.auth.models import AnonymousUser

from community import permissions as community_permissions
from community.models import User
from realtime.consumers import WRITE_LOCK_WAIT_SECONDS, StreamConsumer
from realtime.frames import FrameError, int_field, str_field
from samenhuis.refusals import lock_wait_at_most

from . import permissions, selectors, services
from .models import TEXT_MAX_LENGTH, ActionPoint, Contribution, Session


class SessionConsumer(StreamConsumer):
    stream_id_kwarg = "session_id"
    session = None
    not_found_message = "This session does not exist."
    forbidden_message = "You may no longer take part in this session."
    missing_message = "There is no such contribution in this session."
    refused_message = "You may not do this in this session."

    def load_access(self, session_id: int) -> bool:
        """Read the session and the person's access to it (two queries)."""
        session = Session.objects.select_related("group", "current_phase").filter(pk=session_id).first()
        if session is None:
            self.access = None
            return False
        self.session = self.stream_object = session
        return self.refresh_access()

    def refresh_access(self) -> bool:
        if self.user is None:
            self.user = User.objects.select_related("profile").filter(pk=self.user_id).first() or AnonymousUser()
        self.access = permissions.session_access(self.user, self.session)
        self.checked_at = time.monotonic()
        return self.access.can_read

    def channel_group(self) -> str:
        return self.session.channel_group

    def stream_key(self) -> str:
        return self.session.stream

    def fresh(self) -> Session:
        self.session = Session.objects.select_related("group", "current_phase").get(pk=self.session.pk)
        self.access = permissions.session_access(self.user, self.session)
        return self.session

    def join(self) -> dict:
        return {"type": "hello", "state": selectors.session_state(self.fresh(), self.access)}

    # Client frames ----------------------------------------------------------------------------

    async def frame_ping(self, frame):
        rev = await self.call(frame, lambda access: self.touch_and_rev())
        if rev is not None:
            await self.answer(frame, {"type": "pong", "rev": rev})

    def touch_and_rev(self) -> int:
        self.touch()
        return Session.objects.values_list("last_rev", flat=True).get(pk=self.session.pk)

    async def frame_sync(self, frame):
        after = int_field(frame, "after_rev")
        result = await self.call(frame, lambda access: self.changes_after(after))
        if result is not None:
            await self.answer(frame, {"type": "sync", **result})

    def changes_after(self, after: int) -> dict:
        """The state, the contributions and action points changed after `after` that this reader
        may read, how many blind questions of others wait per phase (four queries), and the
        observers when they changed after `after` (two more)."""
        session = self.fresh()
        changed = Contribution.objects.filter(session=session, rev__gt=after).select_related("phase").order_by("rev")
        readable = [item for item in changed if self.access.may_read(item)]
        authors = {item.author_id for item in readable if item.author_id}
        named = community_permissions.people_visible_to(self.user, authors) if authors else set()
        names = dict(User.objects.filter(pk__in=named).values_list("pk", "profile__display_name"))
        points = ActionPoint.objects.filter(session=session, rev__gt=after).order_by("rev")
        observers = {}
        if session.observers_rev > after:
            observers["observers"] = selectors.observers_seen_by(session, self.user)
        return {
            "state": selectors.session_state(session, self.access),
            "contributions": [
                {
                    "id": item.pk,
                    "seq": item.seq,
                    "rev": item.rev,
                    "phase": item.phase_id,
                    "kind": item.kind,
                    "text": item.text,
                    "author": names.get(item.author_id, ""),
                    # The page says "Verwijderde gebruiker" (docs/privacy.md, "Deleting").
                    "author_deleted": item.author_id is None,
                    "mine": item.author_id == self.user_id,
                    "taken": item.taken,
                }
                for item in readable
            ],
            "waiting_questions": selectors.waiting_questions(session, self.access),
            "action_points": [
                {
                    "id": point.pk,
                    "who": point.who,
                    "what": point.what,
                    "due": point.due.isoformat() if point.due else None,
                    "done": point.done_at is not None,
                }
                for point in points
            ],
            **observers,
            "rev": session.last_rev,
        }

    async def frame_contribute(self, frame):
        client_id = str_field(frame, "client_id", max_length=services.CLIENT_ID_MAX_LENGTH)
        text = str_field(frame, "text", max_length=TEXT_MAX_LENGTH * 2)
        confirmed = self.flag(frame, "confirm")

        def contribute(access):
            with lock_wait_at_most(WRITE_LOCK_WAIT_SECONDS):
                item = services.contribution_add(
                    actor=access.user, session=self.session, text=text, client_id=client_id, confirmed=confirmed
                )
            return {"seq": item.seq, "rev": item.rev, "kind": item.kind, "phase": item.phase_id}

        result = await self.bounded_write(frame, contribute)
        if result is not None:
            await self.answer(frame, {"type": "ack", "client_id": client_id, "contribution": result})

    async def frame_control(self, frame):
        action = str_field(frame, "action", max_length=10)
        if action not in services.CONTROLS:
            message = f"'action' must be one of {', '.join(services.CONTROLS)}."
            raise FrameError("invalid_field", message, field="action")
        minutes = int_field(frame, "minutes", minimum=1) if action == "extend" else None
        phase = int_field(frame, "phase", required=False, minimum=1)  # the phase the person saw

        def control(access):
            services.session_control(
                actor=access.user, session=self.session, action=action, phase=phase, minutes=minutes
            )
            return True

        done = await self.call(frame, control)
        if done is not None:
            await self.answer(frame, {"type": "done", "request": "control", "action": action})

    async def frame_take(self, frame):
        seq = int_field(frame, "seq", minimum=1)
        taken = self.flag(frame, "taken", default=True)

        def take(access):
            item = Contribution.objects.get(session=self.session, seq=seq)
            return services.advice_take(actor=access.user, contribution=item, taken=taken) and True

        if await self.call(frame, take) is not None:
            await self.answer(frame, {"type": "done", "request": "take", "seq": seq})

    async def frame_action_point(self, frame):
        who = str_field(frame, "who", max_length=120)
        what = str_field(frame, "what", max_length=500)
        due = self.date(frame, "due")
        confirmed = self.flag(frame, "confirm")

        def add(access):
            point = services.action_point_add(
                actor=access.user, session=self.session, who=who, what=what, due=due, confirmed=confirmed
            )
            return point.pk

        point_id = await self.call(frame, add)
        if point_id is not None:
            await self.answer(frame, {"type": "done", "request": "action_point", "id": point_id})

    @staticmethod
    def date(frame: dict, name: str):
        """An optional date as "YYYY-MM-DD"."""
        value = frame.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise FrameError("invalid_field", f"'{name}' must be a date as YYYY-MM-DD.", field=name)

    @staticmethod
    def flag(frame: dict, name: str, *, default: bool = False) -> bool:
        value = frame.get(name, default)
        if not isinstance(value, bool):
            raise FrameError("invalid_field", f"'{name}' must be true or false.", field=name)
        return value

    frame_handlers = {
        "ping": frame_ping,
        "sync": frame_sync,
        "contribute": frame_contribute,
        "control": frame_control,
        "take": frame_take,
        "action_point": frame_action_point,
    }

    # Channel-layer events ---------------------------------------------------------------------

    async def session_changed(self, event):
        # Removed as an observer (or the group no longer allows observers): the access, read now.
        if self.user_id in event.get("access_changed", ()) and not await self.still_reading():
            return
        if await self.behind(event) or not await self.recheck_due():
            return
        content = {"type": "changed", "rev": event["rev"]}
        if "state" in event:
            # A phase, clock or status change: the state itself, so it shows without a round trip.
            content["state"] = selectors.reader_state(event["state"], self.access, self.session)
        await self.send_json(content)
        if self.access.is_observer and event.get("state", {}).get("status") == Session.Status.ENDED:
            # The session is over, and with it the observer's part: they saw it end, now it closes.
            await self.still_reading()
