"""Announcements on the channel layer (realtime.sockets.group_send_all_now).

From a worker thread of the server the announcements are handed to the server's event loop and
the thread goes on without waiting for the layer; they leave in the order they were handed over.
From a thread without a server loop the call waits until they were sent.
"""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from realtime.sockets import group_send_all_now, group_send_now


@pytest.mark.asyncio
async def test_a_worker_thread_hands_announcements_over_without_waiting_and_they_leave_in_order(monkeypatch):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("announced", channel)
    layer_free = asyncio.Event()
    original = layer.group_send

    async def slow_group_send(group, message):
        await layer_free.wait()  # the layer is slow: nothing leaves until the test says so
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", slow_group_send)
    returned = []

    def post(number):  # as a socket's database work does, in a worker thread of the server's loop
        group_send_all_now([("announced", {"type": "test.message", "number": number})])
        returned.append(number)

    for number in range(1, 6):
        # A thread that waited for the layer would not come back before the layer is freed.
        await asyncio.wait_for(sync_to_async(post, thread_sensitive=False)(number), 2)
    # Every call came back while the layer had sent nothing.
    assert returned == [1, 2, 3, 4, 5]
    layer_free.set()
    received = [(await asyncio.wait_for(layer.receive(channel), 2))["number"] for _ in range(5)]
    assert received == [1, 2, 3, 4, 5]
    await layer.group_discard("announced", channel)


@pytest.mark.asyncio
async def test_a_thread_without_a_server_loop_waits_until_the_announcement_was_sent():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("announced-plain", channel)
    sent_before_return = []

    def command():  # a management command or a plain thread: no server loop
        group_send_now("announced-plain", {"type": "test.message", "number": 7})
        sent_before_return.append(True)

    thread = threading.Thread(target=command)
    await asyncio.to_thread(lambda: (thread.start(), thread.join(5)))
    assert sent_before_return == [True]
    # In-memory layers belong to one loop; the thread's own loop sent it to the same layer object.
    message = await asyncio.wait_for(layer.receive(channel), 2)
    assert message["number"] == 7
    await layer.group_discard("announced-plain", channel)
