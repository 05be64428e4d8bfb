"""Websocket routes of every app, in one place for asgi.py."""

from django.urls import path, re_path

from community import consumers as community_consumers
from intervision import consumers as session_consumers
from rooms import consumers as room_consumers
from samenhuis import websocket

websocket_urlpatterns = [
    path("ws/notifications/", community_consumers.NotificationConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", room_consumers.RoomConsumer.as_asgi()),
    path("ws/sessions/<int:session_id>/", session_consumers.SessionConsumer.as_asgi()),
    # Last: any other path closes with 4404 (Channels would raise, and Daphne answer 500).
    re_path(r"", websocket.not_found),
]
