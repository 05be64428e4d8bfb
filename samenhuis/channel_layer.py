"""The Redis publish/subscribe channel layer, with a Redis outage told in two log lines.

channels_redis' layer (4.3) keeps one receive task per event loop and Redis host. While Redis is
away that task logs a full traceback every second and tries again (redis-py subscribes it to its
channels again once it reconnects). This subclass changes only what the outage looks like:

- the receive task logs one warning when it loses Redis and one, with the duration, when it has
  it back (other faults keep their traceback);
- `/healthz` asks `redis_lost_seconds()` and answers 503 at once while the loss lasts;
- an unsubscribe (a socket closing) while Redis is away succeeds: the server dropped the
  subscription with the connection, so nothing is left to undo there and the socket closes cleanly;
- a publish retries once: a connection pooled before the outage is found closed only when used,
  and the first announcement after Redis came back failed on it.

See docs/realtime.md (the layer) and docs/operations.md (/healthz, Logs).
"""

import asyncio
import logging
import time

from channels_redis.pubsub import RedisPubSubChannelLayer as LibraryRedisPubSubChannelLayer
from channels_redis.pubsub import RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0  # as channels_redis: how long the receive task waits before it tries again
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class RedisUnavailable(ConnectionError):
    """The receive task of this event loop has lost Redis; sockets here hear nothing meanwhile."""


class _Shard(RedisSingleShardConnection):
    """One Redis host in one event loop, which remembers since when it has been lost."""

    lost_at: float | None = None

    def where(self) -> str:
        """host:port of the shard, never the password a REDIS_URL may carry."""
        kwargs = self._redis.connection_pool.connection_kwargs if self._redis is not None else {}
        if "path" in kwargs:
            return kwargs["path"]
        return f"{kwargs.get('host', '?')}:{kwargs.get('port', 6379)}"

    async def _do_receiving(self):
        # channels_redis' loop, with the outage told apart from a fault.
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._found()
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (TimeoutError, asyncio.CancelledError, GeneratorExit):
                raise
            except REDIS_DOWN as error:
                self._lost(error)
                await asyncio.sleep(RETRY_SECONDS)
            except Exception:
                logger.exception("Unexpected exception in the channel layer's receive task")
                await asyncio.sleep(RETRY_SECONDS)

    def _lost(self, error: Exception) -> None:
        if self.lost_at is None:
            self.lost_at = time.monotonic()
            logger.warning(
                "Channel layer lost Redis at %s (%s: %s); live updates wait, retrying every %.0f s",
                self.where(),
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )

    def _found(self) -> None:
        if self.lost_at is not None:
            seconds = time.monotonic() - self.lost_at
            self.lost_at = None
            logger.warning("Channel layer has Redis at %s again after %.1f s", self.where(), seconds)

    async def publish(self, channel, message):
        try:
            await super().publish(channel, message)
        except RedisConnectionError:
            # redis-py has dropped the failed connection; a stale one is replaced by this try,
            # while Redis that is really away fails it as fast as the first.
            await super().publish(channel, message)

    async def unsubscribe(self, channel):
        try:
            await super().unsubscribe(channel)
        except REDIS_DOWN:
            # The subscription went with the connection. redis-py subscribes the channel again
            # when it reconnects; its messages are then dropped, as for any unknown channel.
            self._subscribed_to.discard(channel)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]


class RedisPubSubChannelLayer(LibraryRedisPubSubChannelLayer):
    """channels_redis' publish/subscribe layer with the outage handling above."""

    def _get_layer(self):
        # As channels_redis, with this module's loop layer.
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer

    def redis_lost_seconds(self) -> float | None:
        """How long the receive task of this event loop has been without Redis; None while it
        has Redis, or while nothing in this loop listens (then only a round trip can tell)."""
        layer = self._layers.get(asyncio.get_running_loop())
        lost = [shard.lost_at for shard in getattr(layer, "_shards", ()) if shard.lost_at is not None]
        return time.monotonic() - min(lost) if lost else None
