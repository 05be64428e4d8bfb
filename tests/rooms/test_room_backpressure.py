"""Bounded work per post and back-pressure on the room socket (docs/realtime.md, "Back-pressure").

Through real sockets and the real database. Saturation is made with a real lock: another
connection holds the room's lock (the room row on PostgreSQL, the database's write lock on
SQLite), never with a slow stub. The tests assert the rules, not timings: a refused post is
answered `busy` before the connection's usual lock timeout, stores nothing, and goes through
once when sent again with the same client id.
"""

import asyncio
import json
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction

from community.models import Notification
from realtime import consumers as realtime_consumers
from rooms import consumers as room_consumers
from rooms import permissions as room_permissions
from rooms import services as room_services
from rooms.models import Message, Room
from samenhuis import afterwork
from samenhuis.settings.environment import DATABASE_LOCK_TIMEOUT_SECONDS
from tests.factories import UserFactory
from tests.rooms.support import committed, post, thematic_room
from tests.rooms.test_room_consumer import joined, make_thematic, make_user, next_of


class RoomLockHeld:
    """Another connection, in a thread of its own, holds the room's lock until the block ends: the
    room row (`SELECT ... FOR UPDATE`) on PostgreSQL; on SQLite the same statement in a
    transaction that began with the write lock (BEGIN IMMEDIATE)."""

    def __init__(self, room: Room):
        self.room_pk = room.pk
        self.held, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.hold, daemon=True)

    def hold(self):
        try:
            with transaction.atomic():
                Room.objects.select_for_update().get(pk=self.room_pk)
                self.held.set()
                self.done.wait(30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.held.wait(10), "the other connection did not get the lock"
        return self

    def __exit__(self, *exc_info):
        self.done.set()
        self.thread.join(10)


def stored(room, **filters) -> int:
    return Message.objects.filter(room=room, **filters).count()


stored_async = sync_to_async(stored)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_post_that_cannot_have_the_room_lock_is_refused_busy_and_goes_through_once_after():
    room, anna = await make_thematic(), await make_user(profile="Anna")
    socket, hello = await joined(room, anna)
    try:
        with RoomLockHeld(room):
            started = time.monotonic()
            await socket.send_json_to({"type": "post", "client_id": "k1", "body": "Hallo", "id": 3})
            refused = await next_of(socket, "ack", timeout=10)
            waited = time.monotonic() - started
            assert refused["type"] == "error" and refused["code"] == "busy"
            assert refused["client_id"] == "k1" and refused["id"] == 3
            assert refused["retry_after"] == realtime_consumers.BUSY_RETRY_AFTER_SECONDS and refused["message"]
            # It did not wait out the connection's usual lock timeout (nor the lock holder).
            assert waited < DATABASE_LOCK_TIMEOUT_SECONDS
            assert await stored_async(room) == 0
        # The lock is free again: the same post (the same client id) goes through, once.
        for _attempt in range(2):
            await socket.send_json_to({"type": "post", "client_id": "k1", "body": "Hallo"})
            ack = await next_of(socket, "ack")
            assert ack["type"] == "ack" and ack["message"]["seq"] == hello["last_seq"] + 1
        assert await stored_async(room) == 1
    finally:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_posts_beyond_the_bound_in_flight_are_refused_busy_at_once(settings, monkeypatch):
    settings.SAMENHUIS_ROOM_POSTS_IN_FLIGHT = 1
    # The first post waits for the lock as long as the test needs, so it stays in flight.
    monkeypatch.setattr(room_consumers, "WRITE_LOCK_WAIT_SECONDS", 20)
    room, anna, ben = await make_thematic(), await make_user(), await make_user()
    a, _ = await joined(room, anna)
    b, _ = await joined(room, ben)
    try:
        with RoomLockHeld(room):
            await a.send_json_to({"type": "post", "client_id": "a1", "body": "Eerst"})
            for _tick in range(500):
                if realtime_consumers.StreamConsumer.writes_in_flight:
                    break
                await asyncio.sleep(0.01)
            assert realtime_consumers.StreamConsumer.writes_in_flight == 1
            await b.send_json_to({"type": "post", "client_id": "b1", "body": "Tweede"})
            refused = await next_of(b, "ack", timeout=10)
            assert refused["type"] == "error" and refused["code"] == "busy" and refused["client_id"] == "b1"
            assert realtime_consumers.StreamConsumer.writes_in_flight == 1  # refused without waiting for the first
        # The lock is released: the waiting post goes through, and so does the refused one, sent again.
        assert (await next_of(a, "ack", timeout=10))["type"] == "ack"
        await b.send_json_to({"type": "post", "client_id": "b1", "body": "Tweede"})
        assert (await next_of(b, "ack"))["type"] == "ack"
        assert await stored_async(room) == 2
        assert await stored_async(room, client_id="b1") == 1
        assert realtime_consumers.StreamConsumer.writes_in_flight == 0
    finally:
        await a.disconnect()
        await b.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_post_has_a_worker_thread_while_every_reading_thread_is_taken():
    """Posts run in threads of their own (`realtime.consumers.write_pool`): reads that hold every
    thread of the event loop's pool do not keep a post from starting within its 0.25 s."""
    room, anna = await make_thematic(), await make_user()
    socket, _ = await joined(room, anna)
    loop, release = asyncio.get_running_loop(), threading.Event()
    # Every thread the loop's own pool may start, and more, busy until the test releases them.
    blocked = [loop.run_in_executor(None, release.wait, 10) for _ in range(40)]
    try:
        await asyncio.sleep(0.05)
        await socket.send_json_to({"type": "post", "client_id": "w1", "body": "Toch verstuurd"})
        answer = await next_of(socket, "ack", timeout=5)
        assert answer["type"] == "ack" and answer["client_id"] == "w1"
    finally:
        release.set()
        await asyncio.gather(*blocked)
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_announcement_reaches_a_socket_without_a_hop_to_the_sync_thread(monkeypatch):
    """Channels closes stale database connections in its one sync thread before every message a
    consumer handles; stream sockets do so only when they connect or disconnect, not for every
    announcement they deliver."""
    hops = []

    async def counted():
        hops.append(1)

    monkeypatch.setattr(realtime_consumers, "aclose_old_connections", counted)
    room, anna = await make_thematic(), await make_user()
    socket, _ = await joined(room, anna)
    assert len(hops) == 1  # connecting
    for number in range(3):
        await sync_to_async(post)(room, anna, f"Bericht {number}")
        assert (await next_of(socket, "message"))["type"] == "message"
    assert len(hops) == 1
    await socket.disconnect()
    assert len(hops) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_socket_that_falls_behind_is_told_to_resync_and_drops_what_is_stale():
    room, anna = await make_thematic(), await make_user(profile="Anna")
    socket, _ = await joined(room, anna)
    layer = get_channel_layer()
    try:
        message = await sync_to_async(post)(room, anna, "Eerste")
        live = await next_of(socket, "message")
        assert live["message"]["seq"] == message.seq
        # The same announcement, as if it had waited in the socket's queue for ten seconds.
        frame = json.dumps(live)
        event = {"type": "room.message", "rev": live["rev"], "message": live["message"], "removed": False}
        stale = {**event, "frame": frame, "audiences": [], "announced_at": time.time() - 10}
        await layer.group_send(room.channel_group, stale)
        assert await next_of(socket, "resync") == {"type": "resync", "rev": live["rev"]}
        # Everything announced before the resync is covered by the client's sync: dropped, no frame.
        await layer.group_send(room.channel_group, {**stale, "announced_at": time.time() - 5})
        await socket.send_json_to({"type": "ping"})
        assert (await next_of(socket, "pong"))["type"] == "pong"
        # What is announced afterwards arrives live again.
        await sync_to_async(post)(room, anna, "Tweede")
        assert (await next_of(socket, "message"))["message"]["seq"] == message.seq + 1
    finally:
        await socket.disconnect()


@pytest.mark.django_db
def test_a_post_costs_the_same_queries_however_many_people_it_tells(django_assert_num_queries):
    """Before the ack: the lock, the idempotency and rate checks, the counters, the message, the
    author's read position, whom the frame names. Notifications, their e-mails and the search
    index follow the commit (`_notify`, samenhuis/afterwork.py): none of them is counted here."""

    room, author = thematic_room(), UserFactory(profile="Auteur")
    listeners = [UserFactory(profile=f"Lezer {number}") for number in range(6)]
    for person in listeners:
        room_services.room_notify_set(person=person, room=room, notify="all")
    # From here on the author's read position exists, and their permissions are known (read once
    # per user object: a socket keeps its person's).
    post(room, author, "Eerste @**Lezer 1**")
    for body in ("Hallo allemaal", "Hallo @**Lezer 3** en @**Lezer 4**"):
        access = room_permissions.room_access(author, room)
        # The room's lock with its next numbers, a retry? and the rate in one, the message, the
        # author's read position (4), in a savepoint here (2); the author's audience came with the
        # access. A mention adds whom the author may mention, storing who was and whom the frame
        # names besides the author (4).
        with django_assert_num_queries(6 if "@" not in body else 10):
            room_services.room_message_post(room=room, author=author, body=body, client_id=body, access=access)
    with committed():
        post(room, author, "Nog eens")
    assert Notification.objects.filter(recipient=listeners[0]).count() == 1  # told after the commit only


@pytest.mark.django_db
def test_telling_people_about_messages_reads_the_messages_only_when_someone_is_told(django_assert_num_queries):
    """After the commit (`_notify`): a batch of messages nobody asked to hear of costs the one
    query for the room's notification settings; the messages themselves are read only for those
    that tell someone."""
    room, author, reader = thematic_room(), UserFactory(profile="Auteur"), UserFactory(profile="Lezer")
    quiet = [post(room, author, f"Bericht {number}") for number in range(3)]
    jobs = [(message.pk, room.pk, author.pk, None, frozenset(), False) for message in quiet]
    with django_assert_num_queries(1):
        room_services._notify(jobs)
    assert not Notification.objects.filter(recipient=reader).exists()

    room_services.room_notify_set(person=reader, room=room, notify="all")
    room_services._notify(jobs[:1])
    assert Notification.objects.filter(recipient=reader).count() == 1


@pytest.fixture
def in_background(settings):
    """After-commit work in the background thread, as in production; waits for it at the end."""
    settings.SAMENHUIS_AFTERWORK_INLINE = False
    yield
    assert afterwork.drain(10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_post_is_acknowledged_before_its_notifications_which_follow_once(in_background):
    room, anna, ben = await make_thematic(), await make_user(profile="Anna"), await make_user(profile="Ben Bosmans")
    socket, _ = await joined(room, anna)
    busy = threading.Event()
    # The worker is busy until the test says so.
    await sync_to_async(afterwork.after_commit)(lambda items: busy.wait(20), None)
    try:
        await socket.send_json_to({"type": "post", "client_id": "k1", "body": "Dag @Ben Bosmans", "mentions": [ben.pk]})
        ack = await next_of(socket, "ack")
        assert ack["type"] == "ack"
        told = sync_to_async(Notification.objects.filter(recipient=ben).count)
        assert await told() == 0  # acknowledged: its notification waits behind the worker's job
        busy.set()
        assert await sync_to_async(afterwork.drain)(10)
        assert await told() == 1
        # Sent again (a lost ack): the same message, nobody told twice.
        await socket.send_json_to({"type": "post", "client_id": "k1", "body": "Dag @Ben Bosmans"})
        assert (await next_of(socket, "ack"))["message"]["seq"] == ack["message"]["seq"]
        assert await sync_to_async(afterwork.drain)(10)
        assert await told() == 1
    finally:
        busy.set()
        await socket.disconnect()
