"""Samenhuis's ASGI application plus the baseline bench/chat.py compares the rooms with.

The baseline (/ws/bench/broadcast/<room>/) is the smallest thing that could be called a chat
room: the same Daphne, the same session authentication at connect and the same Redis channel
layer, but a post is broadcast straight away, without a transaction, a sequence number, a
permission check per frame or a stored message. Only the benchmark serves this module.
"""

import json

from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from samenhuis.asgi import django_asgi_app
from samenhuis.routing import websocket_urlpatterns


class BroadcastConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope["user"]
        await self.accept()
        if not user.is_authenticated:
            return await self.close(code=4401)
        self.group = f"bench-broadcast-{self.scope['url_route']['kwargs']['room']}"
        self.user_id = user.pk
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send(text_data=json.dumps({"type": "hello"}))

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        message = {"author": self.user_id, "client_id": frame["client_id"], "body": frame["body"]}
        await self.channel_layer.group_send(self.group, {"type": "bench.message", "message": message})
        await self.send(text_data=json.dumps({"type": "ack", "client_id": frame["client_id"]}))

    async def bench_message(self, event):
        await self.send(text_data=json.dumps({"type": "message", "message": event["message"]}))


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter([*websocket_urlpatterns, path("ws/bench/broadcast/<int:room>/", BroadcastConsumer.as_asgi())])
            )
        ),
    }
)
