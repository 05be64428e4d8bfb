"""Shared versions: one small token in the cache that says which generation of some derived data
is current, so every process (and every cache entry keyed by the token) notices a change.

A writer calls `bump()`: the token is dropped at once and again after the commit, because a
reader in between may have read the old rows and stored them under a token made meanwhile.
A reader calls `current()`: a missing token is created (the first process to ask wins) and lives
at most `timeout` seconds, which bounds how long a change that sent no signal can go unnoticed.

Never for a permission decision: a write that sends no signal (a bulk update, a migration, a
shell), or a bump in another process while the cache is the embedded per-process one, goes
unnoticed until the token expires. Who may see what is read from the database (see
knowledge/restrictions.py).

When the cache cannot be reached (Redis away), nothing is reused and every reader asks the
database; the process logs one warning when that starts and one when the cache answers again,
not a traceback on every request.
"""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class _Outage:
    """Since when this process has found the cache unreachable (None: it answers)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.since: float | None = None

    def failed(self, key: str, error: Exception) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.warning(
            "Cache unreachable (%s: %s, at %s); shared data is read from the database until it answers",
            type(error).__name__,
            error,
            key,
        )

    def answered(self) -> None:
        if self.since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.since is None:
                return
            seconds, self.since = time.monotonic() - self.since, None
        logger.warning("Cache answers again after %.1f s", seconds)


_outage = _Outage()


class SharedVersion:
    def __init__(self, key: str, timeout: int):
        self.key = key
        self.timeout = timeout

    def current(self) -> str | None:
        """The current token; None when the cache is unreachable (then nothing is reused, and
        every reader asks the database: slower, never wrong)."""
        try:
            version = cache.get(self.key)
            if version is None:
                cache.add(self.key, uuid.uuid4().hex, self.timeout)
                version = cache.get(self.key)
        except Exception as error:
            _outage.failed(self.key, error)
            return None
        _outage.answered()
        return version

    def bump(self, **_signal_kwargs) -> None:
        self._drop()
        transaction.on_commit(self._drop)

    def _drop(self) -> None:
        # A cache that cannot be reached holds no token to drop; saving must not fail for it.
        try:
            cache.delete(self.key)
        except Exception as error:
            _outage.failed(self.key, error)
            return
        _outage.answered()
