import os
import shutil
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import storages

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("SAMENHUIS_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BROWSER_TESTS = ROOT / "tests" / "browser"


def browser_unavailable_reason() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium); browser tests skipped"
    if not AXE.exists():
        return "axe-core not installed (npm missing? `make test` runs npm ci); browser tests skipped"
    return ""


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    lines = [f"samenhuis: database={database} channel layer={layer}"]
    reason = browser_unavailable_reason()
    lines.append(f"samenhuis: {reason}" if reason else f"samenhuis: browser tests run with {CHROMIUM}")
    return lines


def pytest_collection_modifyitems(config, items):
    """Tests under tests/browser/ are browser tests; skip just those when Chromium or axe is missing."""
    reason = browser_unavailable_reason()
    for item in items:
        if BROWSER_TESTS in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_media(tmp_path, monkeypatch):
    """Files behind a permission check (samenhuis/files.py) of one test, in a directory of its own.
    The model fields hold the private storage itself, so its location is changed in place."""
    storage = storages["private"]
    root = tmp_path / "private"

    def forget_location():
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)

    monkeypatch.setattr(storage, "_location", str(root))
    forget_location()
    yield root
    forget_location()  # monkeypatch puts the old location back after this


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def postgresql_only():
    """For races that row locks prevent: SQLite serialises writers, so they only exist on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks only matter on PostgreSQL; set DATABASE_URL to run this race")


@pytest.fixture(autouse=True, scope="session")
def _socket_workers_return_their_connections():
    """Channels' test communicator turns `channels.db.close_old_connections` into a no-op while it
    sends and receives (`channels.testing.application.no_op`), so a consumer's worker thread keeps
    its database connection after each call, which the server never does. On PostgreSQL that
    connection is pooled: the worker threads of a test's event loop end without returning it, and
    after a few hundred socket tests the pool (10) ran dry, failing every later test that needed a
    connection after a 20 s wait (CI of 2026-12-06). Close them as the server does."""
    from channels.testing import application as communicator_module
    from django.db import close_old_connections

    assert hasattr(communicator_module, "no_op"), "Channels changed how its communicator keeps connections"
    original = communicator_module.no_op
    communicator_module.no_op = close_old_connections
    yield
    communicator_module.no_op = original


@pytest.fixture(autouse=True)
def _no_pooled_connection_leaks():
    """A test that leaves a pooled PostgreSQL connection checked out fails here, by name, instead of
    starving later tests (`_socket_workers_return_their_connections`). Threads a test started may
    still be returning theirs: they get five seconds."""
    from asgiref.sync import SyncToAsync
    from django.db import close_old_connections, connection

    if connection.vendor != "postgresql" or "pool" not in connection.settings_dict["OPTIONS"]:
        yield
        return

    def checked_out():
        """Connections out of the pool, but for the test's own thread's: that one stays open for the
        next test, as Django keeps it."""
        stats = connection.pool.get_stats()
        return stats["pool_size"] - stats["pool_available"] - (connection.connection is not None)

    before = checked_out()
    yield
    # The one thread that runs every thread-sensitive sync_to_async call keeps its connection from
    # test to test (asgiref does not close it); return it, so that what is left counts.
    SyncToAsync.single_thread_executor.submit(close_old_connections).result()
    deadline = time.monotonic() + 5.0
    while checked_out() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    leaked = checked_out() - before
    assert leaked <= 0, f"{leaked} pooled database connection(s) left checked out by this test"
