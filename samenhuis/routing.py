"""Websocket routes of every app, in one place for asgi.py."""

from django.urls import path

from community import consumers as community_consumers

websocket_urlpatterns = [
    path("ws/notifications/", community_consumers.NotificationConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", community_consumers.RoomConsumer.as_asgi()),
]
