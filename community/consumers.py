"""The personal notification socket: /ws/notifications/. Protocol in docs/realtime.md.

The database is the record: the socket announces new notifications, and a client that was
away asks for everything after the last id it saw (`sync`). Every frame re-checks that the
account is still active.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import selectors, services
from .models import User

MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHENTICATED = services.CLOSE_UNAUTHENTICATED


class NotificationConsumer(AsyncWebsocketConsumer):
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
        await self.send_json({"type": "hello", "unread": await self.unread_count()})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            return await self.send_error("binary_not_supported", "Send JSON text frames.")
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            return await self.send_error("frame_too_large", "Frames are limited to 64 KB.")
        try:
            frame = json.loads(text_data)
        except ValueError:
            return await self.send_error("invalid_json", "The frame is not valid JSON.")
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return await self.send_error("invalid_frame", "A frame is an object with a string 'type'.")
        if not await self.still_allowed():
            await self.send_error("unauthenticated", "This account can no longer use the socket.")
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        handler = self.frame_handlers.get(frame["type"])
        if handler is None:
            return await self.send_error("unknown_type", f"Unknown frame type {frame['type'][:40]!r}.")
        await handler(self, frame)

    async def frame_ping(self, frame):
        await self.send_json({"type": "pong"})

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

    async def sockets_close(self, event):
        """Log-out closes one session's sockets; deactivation or a password change closes all."""
        if not event["session_key"] or event["session_key"] == self.session_key:
            await self.close(code=event["code"])

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code, message, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    @database_sync_to_async
    def still_allowed(self) -> bool:
        return User.objects.filter(pk=self.user_id, is_active=True).exists()

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
