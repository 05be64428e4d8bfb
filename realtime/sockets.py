"""Sockets of a person and announcements on the channel layer (docs/realtime.md).

Every socket joins its person's channel-layer group (`user_group_name`), so log-out, deactivation
or a password change can close it. Announcements are sent after commit and may be lost: the
database is the record and clients catch up with `sync`. A layer that is down is logged, never
raised to the writer.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Close codes every socket uses (docs/realtime.md, "Close codes").
CLOSE_UNAUTHENTICATED = 4401
CLOSE_RECONNECT = 4000
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def user_group_name(user_id: int) -> str:
    """The channel-layer group every socket of one person joins."""
    return f"user-{user_id}"


def group_send_now(group: str, event: dict) -> None:
    """Announce on the channel layer; a layer that is down is logged, never raised to the caller."""
    group_send_all_now([(group, event)])


def group_send_all_now(announcements: list[tuple[str, dict]]) -> None:
    """`group_send_now` for many (group, event) pairs in one trip to the event loop: from a thread
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


def send_to_user_on_commit(user_id: int, event: dict) -> None:
    transaction.on_commit(lambda: group_send_now(user_group_name(user_id), event))


def sessions_close_now(*, user_id: int, session_key: str) -> None:
    """Close the sockets opened with one session (after log-out), at once."""
    if session_key:
        group_send_now(
            user_group_name(user_id),
            {"type": "sockets.close", "session_key": session_key, "code": CLOSE_UNAUTHENTICATED},
        )


def sockets_close_on_commit(*, user_id: int, code: int) -> None:
    """Close every socket of a person: 4401 when the account is deactivated, 4000 (reconnect and
    authenticate again) after a password change, so sessions that lost their validity drop out."""
    send_to_user_on_commit(user_id, {"type": "sockets.close", "session_key": "", "code": code})
