"""/healthz: is this process able to serve? Checks the database, the channel layer and search.

Answers 200 when every check passes and 503 naming what is down, for load balancers and
`make run` users alike. See docs/operations.md.
"""

import asyncio
import contextlib
import logging
import secrets

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from samenhuis.channel_layer import RedisPubSubChannelLayer, RedisUnavailable
from search.backends import get_search_backend

CHECK_TIMEOUT_SECONDS = 3.0
logger = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


async def check_database() -> str:
    return await sync_to_async(_database)()


async def check_channel_layer() -> str:
    """A real round trip: send to a fresh channel and receive the same token back. While the
    layer already knows that this process lost Redis (samenhuis/channel_layer.py), it says so at
    once instead: the sockets of this process hear nothing until it is back."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    if isinstance(layer, RedisPubSubChannelLayer) and (lost_seconds := layer.redis_lost_seconds()) is not None:
        raise RedisUnavailable(f"the channel layer lost Redis {lost_seconds:.0f} s ago")
    channel = await layer.new_channel("healthz.")
    token = secrets.token_hex(8)
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    # The publish/subscribe layer keeps listening on a channel until a receive on it is
    # cancelled; cancel one so every check does not leave a subscription behind.
    forget = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    forget.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await forget
    if message.get("token") != token:
        raise RuntimeError("round trip returned another message")
    return type(layer).__name__


async def check_search() -> str:
    """The backend answers; updates it could not take yet (queued for retry) are counted."""
    from search.index import pending_count

    backend = get_search_backend()
    await sync_to_async(backend.ping)()
    pending = await sync_to_async(pending_count)()
    return f"{backend.name}, {pending} updates waiting" if pending else backend.name


CHECKS = {"database": check_database, "channel_layer": check_channel_layer, "search": check_search}


async def _run(check) -> dict:
    try:
        detail = await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as error:
        # Every failure is reported, none raised. The public answer names the kind of failure
        # only; host names and details go to the log.
        # A known outage needs no traceback: the channel layer logged when it began.
        known = isinstance(error, RedisUnavailable)
        logger.warning("Health check %s failed: %s", check.__name__, error, exc_info=not known)
        return {"status": "down", "error": type(error).__name__}
    return {"status": "up", "backend": detail}


@never_cache
async def healthz(request):
    results = await asyncio.gather(*(_run(check) for check in CHECKS.values()))
    checks = dict(zip(CHECKS, results, strict=True))
    down = [name for name, result in checks.items() if result["status"] != "up"]
    body = {"status": "down" if down else "up", "down": down, "checks": checks}
    return JsonResponse(body, status=503 if down else 200)
