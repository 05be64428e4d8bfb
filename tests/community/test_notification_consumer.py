"""The personal notification socket, through the real ASGI stack (origin check, session auth)."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from community import services
from community.models import Notification
from realtime import sockets
from samenhuis.asgi import application
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://localhost")


@sync_to_async
def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(user=None, origin=ORIGIN):
    headers = [origin]
    if user is not None:
        headers.append((b"cookie", await session_cookie_for(user)))
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_anonymous_socket_is_closed_with_4401():
    communicator, connected, _ = await connect()
    assert connected
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


async def test_foreign_origin_is_rejected():
    user = await sync_to_async(UserFactory)()
    communicator, connected, _ = await connect(user, origin=(b"origin", b"https://evil.example"))
    assert not connected
    await communicator.disconnect()


async def test_server_side_group_send_reaches_the_socket():
    user = await sync_to_async(UserFactory)()
    communicator, connected, _ = await connect(user)
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "unread": 0}

    notification = await sync_to_async(services.notification_create)(recipient=user, text="Nieuw antwoord")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "notification"
    assert frame["notification"]["id"] == notification.pk
    assert frame["notification"]["text"] == "Nieuw antwoord"
    await communicator.disconnect()


async def test_group_send_of_another_user_does_not_arrive():
    user, other = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    await sync_to_async(services.notification_create)(recipient=other, text="Niet voor jou")
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_pong_tells_the_newest_id_and_unread_so_a_dropped_last_notification_is_noticed(monkeypatch):
    """No later notification reveals that the last one was lost: the pong (every 30 s) does."""
    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    assert await communicator.receive_json_from() == {"type": "hello", "unread": 0}
    monkeypatch.setattr(sockets, "group_send_now", lambda group, event: None)  # the layer drops it
    notification = await sync_to_async(services.notification_create)(recipient=user, text="Het laatste nieuws")
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong", "last_id": notification.pk, "unread": 1}
    await communicator.send_json_to({"type": "sync", "after": 0})
    assert [item["id"] for item in (await communicator.receive_json_from())["notifications"]] == [notification.pk]
    await communicator.disconnect()


async def test_sync_returns_what_was_missed_in_order():
    user = await sync_to_async(UserFactory)()
    first = await sync_to_async(services.notification_create)(recipient=user, text="een")
    await sync_to_async(services.notification_create)(recipient=user, text="twee")
    await sync_to_async(services.notification_create)(recipient=user, text="drie")
    communicator, _, _ = await connect(user)
    assert await communicator.receive_json_from() == {"type": "hello", "unread": 3}
    await communicator.send_json_to({"type": "sync", "after": first.pk})
    frame = await communicator.receive_json_from()
    assert [item["text"] for item in frame["notifications"]] == ["twee", "drie"]
    assert frame["unread"] == 3
    assert frame["has_more"] is False
    await communicator.disconnect()


async def test_sync_pages_oldest_first_so_a_long_absence_leaves_no_gap():
    user = await sync_to_async(UserFactory)()
    created = [
        await sync_to_async(services.notification_create)(recipient=user, text=f"melding {n}") for n in range(55)
    ]
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "sync", "after": 0})
    first = await communicator.receive_json_from()
    assert first["has_more"] is True
    assert [item["id"] for item in first["notifications"]] == [n.pk for n in created[:50]]
    await communicator.send_json_to({"type": "sync", "after": first["notifications"][-1]["id"]})
    second = await communicator.receive_json_from()
    assert second["has_more"] is False
    assert [item["id"] for item in second["notifications"]] == [n.pk for n in created[50:]]
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{not json", "invalid_json"),
        (json.dumps([1, 2]), "invalid_frame"),
        (json.dumps({"type": 5}), "invalid_frame"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "sync", "after": "vijf"}), "invalid_field"),
        (json.dumps({"type": "sync", "after": -1}), "invalid_field"),
        (json.dumps({"type": "ping", "padding": "x" * (65 * 1024)}), "frame_too_large"),
    ],
)
async def test_bad_frames_get_a_typed_error_and_the_socket_stays_open(payload, code):
    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    await communicator.send_to(text_data=payload)
    frame = await communicator.receive_json_from()
    assert frame["type"] == "error"
    assert frame["code"] == code
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong", "last_id": 0, "unread": 0}
    await communicator.disconnect()


async def test_binary_frames_get_an_error():
    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["code"] == "binary_not_supported"
    await communicator.disconnect()


async def test_every_frame_rechecks_the_account_even_when_no_signal_fired():
    from community.models import User

    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    # A bulk update sends no signal: only the per-frame check can notice it.
    await sync_to_async(User.objects.filter(pk=user.pk).update)(is_active=False)
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["code"] == "unauthenticated"
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


async def test_deactivating_an_account_closes_its_sockets_without_waiting_for_a_frame():
    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()

    @sync_to_async
    def deactivate():
        from community.models import User

        account = User.objects.get(pk=user.pk)  # loaded as active, as the CMS would
        account.is_active = False
        account.save()

    await deactivate()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


async def test_a_password_change_asks_every_socket_to_reconnect():
    from allauth.account.signals import password_changed

    user = await sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await communicator.receive_json_from()
    await sync_to_async(password_changed.send)(sender=type(user), request=None, user=user)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4000}
    await communicator.disconnect()


async def test_mark_read_clears_unread_on_every_socket_of_the_person():
    user = await sync_to_async(UserFactory)()
    await sync_to_async(services.notification_create)(recipient=user, text="een")
    first, _, _ = await connect(user)
    second, _, _ = await connect(user)
    await first.receive_json_from()
    await second.receive_json_from()
    await first.send_json_to({"type": "mark_read"})
    assert await second.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
    assert await sync_to_async(Notification.objects.filter(recipient=user, read_at__isnull=True).count)() == 0
    await first.disconnect()
    await second.disconnect()


async def test_logging_out_closes_the_sockets_of_that_session():
    user = await sync_to_async(UserFactory)()
    cookie = await session_cookie_for(user)
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, (b"cookie", cookie)])
    await communicator.connect()
    await communicator.receive_json_from()
    session_key = cookie.decode().split("=", 1)[1]
    await sync_to_async(sockets.sessions_close_now)(user_id=user.pk, session_key=session_key)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


async def test_channel_layer_in_use_matches_the_configuration():
    layer = get_channel_layer()
    expected = "RedisPubSubChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(layer).__name__ == expected
