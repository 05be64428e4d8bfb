"""Settings shared by every environment. dev.py, test.py and production.py build on this.

External services come from the environment (see .env.example and docs/operations.md);
without them Samenhuis runs embedded: SQLite in var/, an in-memory channel layer and
database search.
"""

from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from wagtail.embeds.oembed_providers import vimeo as oembed_vimeo
from wagtail.embeds.oembed_providers import youtube as oembed_youtube

from .environment import (
    database_from_env,
    elasticsearch_url_from_env,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    redis_url_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# In Dutch and in the layout, with the text of the refused form to copy (samenhuis/errors.py).
CSRF_FAILURE_VIEW = "samenhuis.errors.csrf_failure"

INSTALLED_APPS = [
    "daphne",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    # Project apps last: their post_migrate work (site structure) needs Wagtail's tables and types.
    "samenhuis",
    "realtime",
    "community",
    "knowledge",
    "events",
    "rooms",
    "intervision",
    "exchange",
    "search",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samenhuis.middleware.ContentSecurityPolicyMiddleware",
    "samenhuis.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samenhuis.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "samenhuis.sites.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samenhuis.middleware.CmsPreviewFramingMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After authentication: overload answers 503, an expired session's POST keeps its text.
    "samenhuis.middleware.RefusalMiddleware",
]

ROOT_URLCONF = "samenhuis.urls"
ASGI_APPLICATION = "samenhuis.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "samenhuis.context_processors.layout",
                "knowledge.footer.context",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'samenhuis.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url_from_env()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Publish/subscribe: a room's announcement travels once to each Daphne process, which
            # hands it to its own sockets, instead of once per socket through Redis (bench/chat.py:
            # the per-socket layer could not keep up with 50 posts/s to 200 sockets). Nothing is
            # kept for a process that is not listening; the database is the record and clients
            # fill any gap with a sync (docs/realtime.md). Our subclass logs a Redis outage in two
            # warnings instead of a traceback a second, and tells /healthz (samenhuis/channel_layer.py).
            "BACKEND": "samenhuis.channel_layer.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "samenhuis"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samenhuis",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# One search over everything (issue: search). Wagtail's admin search keeps its own database backend.
ELASTICSEARCH_URL = elasticsearch_url_from_env()
SAMENHUIS_SEARCH_BACKENDS = {
    "default": (
        {"BACKEND": "search.backends.elasticsearch", "URL": ELASTICSEARCH_URL, "INDEX": "samenhuis"}
        if ELASTICSEARCH_URL
        else {"BACKEND": "search.backends.database"}
    )
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Who keeps the index current: "thread" (the process that made the change, in the background) or
# "worker" (`manage.py search_worker`, a process of its own; docs/search.md, docs/operations.md).
# Up to how many matches a search counts exactly; above it "meer dan 10.000 resultaten" and facet
# counts shown as lower bounds, so a broad query costs no more than a narrow one (docs/search.md).
SAMENHUIS_SEARCH_COUNT_LIMIT = 10_000
SAMENHUIS_SEARCH_INDEXER = env_choice("SEARCH_INDEXER", "thread", {"THREAD", "WORKER"}).lower()

# Accounts: e-mail is the login; see docs/accounts.md.
AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Security notices by mail: password changed or set, e-mail address changed or removed, two-factor
# turned on or off (templates/account/email/, templates/mfa/email/).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samenhuis] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins: per IP and per account, then a clear "too many attempts" page.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_FORMS = {"signup": "community.forms.SignupForm"}
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Samenhuis"

# Language and time: Dutch (Belgium) first, English available.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samenhuis_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (samenhuis/files.py, docs/operations.md "Files"): MEDIA_ROOT holds only what anyone may
# see (CMS images, organisation logos); files behind a permission check (Wagtail documents, profile
# photos, room attachments) live in PRIVATE_MEDIA_ROOT, which no URL serves.
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "samenhuis.files.UploadStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
# Whether this process answers MEDIA_URL itself (development, or a machine without a proxy).
SAMENHUIS_SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# How checked views send a private file: streamed by Python, or handed to the proxy.
SENDFILE_BACKEND = "samenhuis.files"
SAMENHUIS_PRIVATE_FILES_SENDFILE = env_choice(
    "PRIVATE_FILES_SENDFILE", "", {"", "X-ACCEL-REDIRECT", "X-SENDFILE"}
).lower()
SAMENHUIS_PRIVATE_FILES_INTERNAL_URL = env_str("PRIVATE_FILES_INTERNAL_URL", "/_private/")
# Documents only through /documenten/, whose checks (samenhuis/documents.py) every request passes.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samenhuis <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "Samenhuis"
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# A page restricted to members sends visitors to the same log-in as everything else.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# One way in: the CMS uses allauth's login (verification, 2FA, rate limits) and allauth's
# password and e-mail management; Wagtail's own forms for these are switched off.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odp", "ods", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security headers (docs/operations.md "Security headers"). Content-Security-Policy through
# django-csp: no inline script or style anywhere on the site; the websocket (/ws/) is same-origin,
# which 'self' in connect-src covers (CSP Level 3). Video blocks frame YouTube and Vimeo; allauth
# draws the two-factor QR code as a data: image.
SAMENHUIS_VIDEO_FRAME_SOURCES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
# Editors embed only what the policy lets the browser show: YouTube and Vimeo (any other oEmbed
# provider would save, then show an empty frame).
WAGTAILEMBEDS_FINDERS = [{"class": "wagtail.embeds.finders.oembed", "providers": [oembed_youtube, oembed_vimeo]}]
SAMENHUIS_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "connect-src": [SELF],
    "frame-src": SAMENHUIS_VIDEO_FRAME_SOURCES,
    "object-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": SAMENHUIS_CSP_DIRECTIVES}
# Wagtail's admin (/cms/) still needs inline scripts and styles (wagtail/wagtail#1288) and blob:
# images for upload previews; it frames its own page previews. Everything else stays as strict.
SAMENHUIS_CMS_CSP_DIRECTIVES = {
    **SAMENHUIS_CSP_DIRECTIVES,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF, *SAMENHUIS_VIDEO_FRAME_SOURCES],
    "frame-ancestors": [SELF],
}
# No avatars from Gravatar in the CMS: every image from this site, no editor's address hash sent out.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Permissions-Policy: browser features Samenhuis never uses, off for its pages and every frame in
# them. Fullscreen, autoplay and picture-in-picture stay allowed for embedded videos.
SAMENHUIS_PERMISSIONS_POLICY_DENY = [
    "camera",
    "display-capture",
    "geolocation",
    "hid",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
]
# A window Samenhuis opens, or that opens Samenhuis, gets no handle on the other (Django's default, stated).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}),
    },
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}


SAMENHUIS_SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)

# Community (docs/privacy.md): intervision groups, invitations, uploads.
SAMENHUIS_GROUP_MEMBER_CAP = env_int("GROUP_MEMBER_CAP", 15)
SAMENHUIS_INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
SAMENHUIS_AVATAR_MAX_BYTES = 2 * 1024 * 1024
SAMENHUIS_LOGO_MAX_BYTES = 2 * 1024 * 1024
# The official finder of the Huizen van het Kind (Opgroeien), offered when the directory has no answer.
SAMENHUIS_OFFICIAL_FINDER_URL = env_str("OFFICIAL_FINDER_URL", "https://www.huizenvanhetkind.be/")
# Discussion rooms (docs/realtime.md): at most this many messages per person in this many seconds.
SAMENHUIS_ROOM_RATE_LIMIT = (env_int("ROOM_RATE_LIMIT_MESSAGES", 10), env_int("ROOM_RATE_LIMIT_SECONDS", 10))
# Posts one process handles at once (waiting for or holding a worker thread); one more is refused
# with `busy` at once instead of queueing behind them (docs/realtime.md, "Back-pressure").
SAMENHUIS_ROOM_POSTS_IN_FLIGHT = env_int("ROOM_POSTS_IN_FLIGHT", 16)
# Worker threads of a process kept for writes (posts), so that reads never hold them up; each
# keeps a database connection (realtime/consumers.py, `write_pool`).
SAMENHUIS_STREAM_WRITE_THREADS = env_int("STREAM_WRITE_THREADS", 4)
# How long Daphne's event loop may keep the GIL from a worker thread back from the database
# (samenhuis/asgi.py; Python's default is 0.005).
SAMENHUIS_GIL_SWITCH_SECONDS = 0.001
# After-commit work (samenhuis/afterwork.py) runs in a background thread; the test settings run
# it in the committing thread instead.
SAMENHUIS_AFTERWORK_INLINE = False
# Serving processes load slow things in the background when they start (samenhuis/asgi.py).
SAMENHUIS_WARM_UP_ON_START = env_bool("WARM_UP_ON_START", True)
SAMENHUIS_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
