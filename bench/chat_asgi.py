"""Samenhuis's ASGI application plus the two baselines bench/chat.py compares the rooms with.

Both baselines use the same Daphne, the same session authentication at connect and the same
Redis channel layer as the rooms; only the benchmark serves this module.

- /ws/bench/broadcast/<room>/ is the smallest thing that could be called a chat room: a post is
  broadcast straight away, without a transaction, a sequence number, a permission check per
  frame or a stored message.
- /ws/bench/persist/<room>/ is the floor of a design that writes before it announces (issue 15):
  per post one transaction in a worker thread takes the room's next number and inserts the row,
  then, after the commit, the message is broadcast and the post acknowledged. Its two tables
  (bench_persist_room, bench_persist_message) are made by bench/chat.py with raw SQL; the
  project has no model or migration for them.
"""

import json

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.db import connection, transaction
from django.urls import path

from samenhuis.asgi import django_asgi_app
from samenhuis.routing import websocket_urlpatterns


class BroadcastConsumer(AsyncWebsocketConsumer):
    group_prefix = "bench-broadcast"

    async def connect(self):
        user = self.scope["user"]
        await self.accept()
        if not user.is_authenticated:
            return await self.close(code=4401)
        self.room = self.scope["url_route"]["kwargs"]["room"]
        self.group = f"{self.group_prefix}-{self.room}"
        self.user_id = user.pk
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send(text_data=json.dumps({"type": "hello"}))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        message = {"author": self.user_id, "client_id": frame["client_id"], "body": frame["body"]}
        await self.announce(message)

    async def announce(self, message: dict):
        await self.channel_layer.group_send(self.group, {"type": "bench.message", "message": message})
        await self.send(text_data=json.dumps({"type": "ack", "client_id": message["client_id"]}))

    async def bench_message(self, event):
        await self.send(text_data=json.dumps({"type": "message", "message": event["message"]}))


class PersistConsumer(BroadcastConsumer):
    """The broadcast baseline plus the one transaction a stored, numbered message cannot do
    without; the worker pool as community.consumers.in_worker uses it."""

    group_prefix = "bench-persist"

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        message = {"author": self.user_id, "client_id": frame["client_id"], "body": frame["body"]}
        message["seq"] = await database_sync_to_async(self.store, thread_sensitive=False)(message)
        await self.announce(message)

    def store(self, message: dict) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE bench_persist_room SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq", [self.room]
            )
            (seq,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO bench_persist_message (room_id, seq, client_id, author_id, body)"
                " VALUES (%s, %s, %s, %s, %s)",
                [self.room, seq, message["client_id"], message["author"], message["body"]],
            )
        return seq


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        # Before the project's routes: their last one closes any other path with 4404.
                        path("ws/bench/broadcast/<int:room>/", BroadcastConsumer.as_asgi()),
                        path("ws/bench/persist/<int:room>/", PersistConsumer.as_asgi()),
                        *websocket_urlpatterns,
                    ]
                )
            )
        ),
    }
)
