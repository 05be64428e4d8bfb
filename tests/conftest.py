import os
import shutil
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
