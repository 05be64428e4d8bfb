"""Shared versions degrade to "nothing is reused" when the cache cannot be reached."""

import pytest
from django.core.cache import caches

from samenhuis.versions import SharedVersion

UNREACHABLE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {"default": UNREACHABLE}
    caches._settings = caches.settings = settings.CACHES
    if hasattr(caches._connections, "default"):
        del caches._connections.default
    yield
    del caches._connections.default


def test_current_is_none_and_bump_does_not_fail_without_a_cache(
    db, unreachable_cache, django_capture_on_commit_callbacks
):
    version = SharedVersion("test:version", timeout=60)
    assert version.current() is None
    with django_capture_on_commit_callbacks(execute=True):
        version.bump()  # saving content must not fail because the cache is away


def test_with_a_cache_the_token_lasts_until_bumped(db):
    version = SharedVersion("test:version", timeout=60)
    first = version.current()
    assert first and version.current() == first
    version.bump()
    assert version.current() not in (None, first)
