"""Notifications and socket lifecycle: the personal real-time stream.

Side effects (websocket broadcasts) are scheduled with `transaction.on_commit`, so nobody is
told about a row that was rolled back. The channel layer only announces: when it is down, the
write still stands and clients catch up through `sync`. See docs/realtime.md.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from ..models import Notification, User

logger = logging.getLogger(__name__)

# Close codes the personal socket uses (docs/realtime.md).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_RECONNECT = 4000


def user_group_name(user_id: int) -> str:
    """The channel-layer group every socket of one person joins."""
    return f"user-{user_id}"


def _group_send_now(group: str, event: dict) -> None:
    """Announce on the channel layer; a layer that is down is logged, never raised to the caller."""
    _group_send_all_now([(group, event)])


def _group_send_all_now(announcements: list[tuple[str, dict]]) -> None:
    """`_group_send_now` for many (group, event) pairs in one trip to the event loop: from a thread
    without one (the after-commit worker, samenhuis/afterwork.py) each trip makes a loop and a
    connection to the layer, so a batch of notifications makes one, not one per notification."""
    layer = get_channel_layer()
    if layer is None or not announcements:
        return

    async def send_all():
        for group, event in announcements:
            try:
                await layer.group_send(group, event)
            except Exception as error:
                _log_unannounced(group, event, error)

    try:
        async_to_sync(send_all)()
    except Exception as error:  # before any send: no loop could be had for it
        for group, event in announcements:
            _log_unannounced(group, event, error)


def _log_unannounced(group: str, event: dict, error: Exception) -> None:
    # A lost Redis is told by the layer itself, once (samenhuis/channel_layer.py): one line per
    # announcement here, without a traceback; anything else keeps its traceback.
    outage = isinstance(error, (ConnectionError, TimeoutError, OSError)) or type(error).__module__.startswith("redis")
    logger.warning(
        "Channel layer unavailable; %s to %s not announced (%s)",
        event.get("type"),
        group,
        type(error).__name__,
        exc_info=None if outage else error,
    )


def _send_to_user_on_commit(user_id: int, event: dict) -> None:
    transaction.on_commit(lambda: _group_send_now(user_group_name(user_id), event))


@transaction.atomic
def notification_create(*, recipient: User, text: str, url: str = "") -> Notification:
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notification links to a path on this site, such as /gemeenschap/.")
    notification = Notification.objects.create(recipient=recipient, text=text[:300], url=url)
    _send_to_user_on_commit(recipient.pk, {"type": "notification.new", "notification": notification.as_event()})
    return notification


@transaction.atomic
def notifications_create(items: list[tuple[User, str, str]]) -> list[Notification]:
    """`notification_create` for many (recipient, text, url) at once: one INSERT, then one
    announcement per notification after commit."""
    for _recipient, _text, url in items:
        if url and (not url.startswith("/") or url.startswith("//")):
            raise ValueError("A notification links to a path on this site, such as /gemeenschap/.")
    created = Notification.objects.bulk_create(
        Notification(recipient=recipient, text=text[:300], url=url) for recipient, text, url in items
    )
    announcements = [
        (user_group_name(n.recipient_id), {"type": "notification.new", "notification": n.as_event()}) for n in created
    ]
    transaction.on_commit(lambda: _group_send_all_now(announcements))
    return created


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        _send_to_user_on_commit(user.pk, {"type": "notifications.read"})
    return count


def sessions_close_now(*, user_id: int, session_key: str) -> None:
    """Close the sockets opened with one session (after log-out), at once."""
    if session_key:
        _group_send_now(
            user_group_name(user_id),
            {"type": "sockets.close", "session_key": session_key, "code": CLOSE_UNAUTHENTICATED},
        )


def sockets_close_on_commit(*, user_id: int, code: int) -> None:
    """Close every socket of a person: 4401 when the account is deactivated, 4000 (reconnect and
    authenticate again) after a password change, so sessions that lost their validity drop out."""
    _send_to_user_on_commit(user_id, {"type": "sockets.close", "session_key": "", "code": code})
