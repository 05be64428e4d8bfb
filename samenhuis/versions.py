"""Shared versions: one small token in the cache that says which generation of some derived data
is current, so every process (and every cache entry keyed by the token) notices a change.

A writer calls `bump()`: the token is dropped at once and again after the commit, because a
reader in between may have read the old rows and stored them under a token made meanwhile.
A reader calls `current()`: a missing token is created (the first process to ask wins) and lives
at most `timeout` seconds, which bounds how long a change that sent no signal can go unnoticed.
"""

import uuid

from django.core.cache import cache
from django.db import transaction


class SharedVersion:
    def __init__(self, key: str, timeout: int):
        self.key = key
        self.timeout = timeout

    def current(self) -> str | None:
        """The current token; None only when the cache is unreachable (then nothing is reused)."""
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, self.timeout)
            version = cache.get(self.key)
        return version

    def bump(self, **_signal_kwargs) -> None:
        cache.delete(self.key)
        transaction.on_commit(lambda: cache.delete(self.key))
