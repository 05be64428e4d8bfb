"""Development: `make run` on a fresh machine. No service to install."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .environment import email_from_env, env_bool, secret_key_for_development

DEBUG = True
# `make run` serves MEDIA_URL itself; MEDIA_ROOT holds only public files (samenhuis/files.py).
SAMENHUIS_SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
SECRET_KEY = secret_key_for_development(VAR_DIR / "secret_key")
globals().update(email_from_env("django.core.mail.backends.console.EmailBackend"))

# Serve static files straight from the app and project folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
