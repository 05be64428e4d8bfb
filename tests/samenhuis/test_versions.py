"""Shared versions degrade to "nothing is reused" when the cache cannot be reached."""

import contextlib
import logging
import re

import pytest
from django.core.cache import caches

from samenhuis.versions import SharedVersion

UNREACHABLE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@contextlib.contextmanager
def cache_settings(settings, caches_setting):
    settings.CACHES = caches_setting
    caches._settings = caches.settings = settings.CACHES
    if hasattr(caches._connections, "default"):
        del caches._connections.default
    yield
    if hasattr(caches._connections, "default"):
        del caches._connections.default


@pytest.fixture
def unreachable_cache(settings):
    with cache_settings(settings, {"default": UNREACHABLE}):
        yield


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


def test_an_unreachable_cache_is_one_warning_when_it_goes_and_one_when_it_answers(db, settings, caplog):
    """Every request asks several shared versions: a Redis outage was a traceback on each ask."""
    reachable = settings.CACHES
    version = SharedVersion("test:version", timeout=60)
    assert version.current()  # whatever an earlier test left, this process has the cache now
    with caplog.at_level(logging.INFO, logger="samenhuis.versions"):
        with cache_settings(settings, {"default": UNREACHABLE}):
            for _ in range(3):
                assert version.current() is None
            version.bump()
        with cache_settings(settings, reachable):
            assert version.current()
            assert version.current()
    records = [record for record in caplog.records if record.name == "samenhuis.versions"]
    assert [record.levelname for record in records] == ["WARNING", "WARNING"], [r.getMessage() for r in records]
    assert "Cache unreachable" in records[0].getMessage()
    assert re.search(r"answers again after \d+\.\d s", records[1].getMessage())
    assert not [record for record in records if record.exc_info]
