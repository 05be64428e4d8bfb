"""Shared versions: one small token in the cache that says which generation of some derived data
is current, so every process (and every cache entry keyed by the token) notices a change.

A writer calls `bump()`: the token is dropped at once and again after the commit, because a
reader in between may have read the old rows and stored them under a token made meanwhile.
A reader calls `current()`: a missing token is created (the first process to ask wins) and lives
at most `timeout` seconds, which bounds how long a change that sent no signal can go unnoticed.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


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
        except Exception:
            logger.warning("cache unreachable: %s is not reused", self.key, exc_info=True)
            return None
        return version

    def bump(self, **_signal_kwargs) -> None:
        self._drop()
        transaction.on_commit(self._drop)

    def _drop(self) -> None:
        # A cache that cannot be reached holds no token to drop; saving must not fail for it.
        try:
            cache.delete(self.key)
        except Exception:
            logger.warning("cache unreachable: could not drop %s", self.key, exc_info=True)
