"""Tests: the embedded default, or PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set.

The SQLite test database is a file (not :memory:) so that the Daphne processes the
browser and websocket tests start can share it with the test process.
"""

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR
from .environment import email_from_env

DEBUG = False
SECRET_KEY = "samenhuis-tests-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(email_from_env("django.core.mail.backends.locmem.EmailBackend"))

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-samenhuis.sqlite3")}

# Each test process keeps its own cache, so rate-limit counters never leak between runs
# or wipe a shared Redis; the channel layer still uses Redis when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
