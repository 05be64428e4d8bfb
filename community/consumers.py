"""The personal notification socket (/ws/notifications/). Protocol in docs/realtime.md.

The database is the record: the socket announces new notifications, and a client that was
away asks for everything after the last id it saw (`sync`). Every frame re-checks that the
account is still active.
"""

from channels.db import database_sync_to_async

from realtime import presence
from realtime.consumers import FrameConsumer
from realtime.sockets import CLOSE_UNAUTHENTICATED, user_group_name

from . import selectors, services
from .models import User


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
        self.group_name = user_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.presence(presence.presence_join, person_id=self.user_id)
        await self.send_json({"type": "hello", "unread": await self.unread_count()})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            await self.presence(presence.presence_leave)

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
        presence.presence_touch(channel_name=self.channel_name)
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
