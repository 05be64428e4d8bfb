"""Helpers the room tests share: rooms made the way the application makes them."""

import asyncio
import itertools

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.test import TestCase

from community.models import IntervisionGroup
from rooms import services as room_services
from rooms.models import Room
from tests.factories import UserFactory, group_create

_client_ids = itertools.count(1)


def thematic_room(domain_slug: str | None = None) -> Room:
    """A life domain's room, as the seed made it after migrating."""
    rooms = Room.objects.filter(kind=Room.Kind.PUBLIC).select_related("group")
    if domain_slug:
        rooms = rooms.filter(life_domain__slug=domain_slug)
    return rooms.order_by("pk").first()


def group_room(*, visibility=IntervisionGroup.Visibility.CLOSED, facilitator=None, members=()) -> Room:
    from tests.factories import group_add_member

    group = group_create(
        visibility=visibility, facilitator=facilitator or UserFactory(), name=f"Groep {next(_client_ids)}"
    )
    for person in members:
        group_add_member(group, person)
    return Room.objects.select_related("group").get(group=group)


def post(room: Room, author, body: str = "Hallo", **kwargs):
    kwargs.setdefault("client_id", f"c-{next(_client_ids)}")
    return room_services.room_message_post(room=room, author=author, body=body, **kwargs)


def committed():
    """At the end of the block, run what its commits would run afterwards (announcements, and a
    post's notifications: samenhuis/afterwork.py), in a test whose transaction never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def heard(group: str, action) -> dict:
    """Run `action` while a channel listens to `group` on the configured channel layer; return
    the first event it hears. One event loop throughout: the Redis publish/subscribe layer only
    knows the channels its own loop made."""
    layer = get_channel_layer()

    async def listen():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        await sync_to_async(action)()
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    return async_to_sync(listen)()
