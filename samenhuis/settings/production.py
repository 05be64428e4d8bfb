"""Production: every secret from the environment, HTTPS only, collected and hashed static files.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, BASE_URL, EMAIL_URL (or EMAIL_HOST).
Recommended: REDIS_URL (needed as soon as more than one Daphne process serves the site).
See docs/operations.md.
"""

from urllib.parse import urlsplit

from csp.constants import SELF

from .base import *  # noqa: F403
from .base import SAMENHUIS_CMS_CSP_DIRECTIVES, SAMENHUIS_CSP_DIRECTIVES, STORAGES
from .environment import (
    ConfigurationError,
    email_from_env,
    env_bool,
    env_list,
    env_required,
    env_str,
)

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY", "production needs a long random value (50+ characters).")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ConfigurationError("SECRET_KEY is too short or too simple; use at least 50 random characters.")
env_required("ALLOWED_HOSTS", "list the host names the site answers to, comma-separated.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
env_required("DATABASE_URL", "production needs a database, e.g. postgres://samenhuis@db:5432/samenhuis.")
BASE_URL = env_required("BASE_URL", "production needs the public address of the site, e.g. https://samenhuis.be.")
WAGTAILADMIN_BASE_URL = BASE_URL
if not (env_str("EMAIL_URL") or env_str("EMAIL_HOST")):
    raise ConfigurationError("EMAIL_URL is not set; production must send verification and reset e-mails.")
globals().update(email_from_env("django.core.mail.backends.smtp.EmailBackend"))
if not env_str("DEFAULT_FROM_EMAIL"):
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = f"Samenhuis <noreply@{urlsplit(BASE_URL).hostname}>"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "samenhuis.staticfiles.StaticFilesStorage"},
}

# HTTPS behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The websocket's origin named besides 'self', for browsers older than CSP Level 3's ws/wss match.
_base = urlsplit(BASE_URL)
_websocket_origin = f"{'wss' if _base.scheme == 'https' else 'ws'}://{_base.netloc}"
SAMENHUIS_CSP_DIRECTIVES = {**SAMENHUIS_CSP_DIRECTIVES, "connect-src": [SELF, _websocket_origin]}
SAMENHUIS_CMS_CSP_DIRECTIVES = {**SAMENHUIS_CMS_CSP_DIRECTIVES, "connect-src": [SELF, _websocket_origin]}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": SAMENHUIS_CSP_DIRECTIVES}
