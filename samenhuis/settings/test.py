"""Tests: the embedded default, or PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set.

The SQLite test database is a file (not :memory:) so that the Daphne processes the
browser and websocket tests start can share it with the test process.
"""

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, VAR_DIR
from .environment import env_str

DEBUG = False
SECRET_KEY = "samenhuis-tests-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Never the shell's EMAIL_URL: tests must not send real mail. The Daphne processes of the
# browser tests write theirs to files the test reads (SAMENHUIS_TEST_MAIL_DIR).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env_str("SAMENHUIS_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("SAMENHUIS_TEST_MAIL_DIR")

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SAMENHUIS_TEST_DB lets two checkouts (or two people) run the suite side by side.
    DATABASES["default"]["TEST"] = {"NAME": env_str("SAMENHUIS_TEST_DB", str(VAR_DIR / "test-samenhuis.sqlite3"))}

# Uploads in tests land in a directory of their own, never among the development media.
MEDIA_ROOT = env_str("SAMENHUIS_TEST_MEDIA", str(VAR_DIR / "test-media"))
PRIVATE_MEDIA_ROOT = f"{MEDIA_ROOT}-private"
STORAGES = {
    **STORAGES,
    "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
}

# Each test process keeps its own cache, so rate-limit counters never leak between runs
# or wipe a shared Redis; the channel layer still uses Redis when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests post many messages in a row; the rate-limit test sets its own, lower limit.
SAMENHUIS_ROOM_RATE_LIMIT = (1000, 10)
# Index updates run in the committing thread, so a test sees them as soon as its change commits.
SAMENHUIS_SEARCH_INDEX_INLINE = True
# Work that follows a commit (samenhuis/afterwork.py: notifications of a post, their e-mails) runs
# in the committing thread right after the commit, so a test sees it once its change commits; the
# tests of the background mode switch it off.
SAMENHUIS_AFTERWORK_INLINE = True
# Test servers would each load deduce's 1.1 GB of tables; a test that checks a text loads them itself.
SAMENHUIS_WARM_UP_ON_START = False
