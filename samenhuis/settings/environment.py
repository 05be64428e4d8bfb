"""Reading configuration from the environment.

Every secret and external service comes from an environment variable (listed in
`.env.example`). A missing or malformed required variable raises `ConfigurationError`
with one sentence that names it; `manage.py` and `asgi.py` print that sentence and stop.
See docs/operations.md.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A required environment variable is missing or malformed."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_required(name: str, hint: str) -> str:
    value = env_str(name)
    if not value:
        raise ConfigurationError(f"{name} is not set; {hint}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from error


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default).upper()
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(sorted(choices))}, not {value!r}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")


# How long a write waits for a lock another transaction holds before it gives up (seconds).
DATABASE_LOCK_TIMEOUT_SECONDS = 2


def database_from_env(default_url: str) -> dict:
    url = env_str("DATABASE_URL") or default_url
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError) as error:
        raise ConfigurationError(
            "DATABASE_URL is malformed; expected postgres://user@host:5432/name or sqlite:////path/file.sqlite3."
        ) from error
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ConfigurationError("DATABASE_URL must point at PostgreSQL (postgres://) or SQLite (sqlite:///).")
    if engine.endswith("sqlite3"):
        name = config.get("NAME") or ""
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # Several Daphne workers and threads share one file: wait for the write lock, but only
            # briefly; a write that cannot have it answers 503 "busy" with the text kept
            # (samenhuis/refusals.py) instead of hanging for long and failing anyway. Take the
            # write lock at BEGIN so no transaction has to be retried halfway.
            "timeout": DATABASE_LOCK_TIMEOUT_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        # A pool instead of a new connection per request (about 6 ms each on the 2-core machine);
        # under ASGI Django advises a pool over persistent connections. Threads that need a
        # connection while all are taken wait up to `timeout` seconds.
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_SIZE", 10),
            "timeout": 20,
        }
        # A statement waits for a row lock this long at most, then fails with lock_not_available
        # (55P03), which answers 503 "busy" with the text kept (samenhuis/refusals.py).
        options = config["OPTIONS"].get("options", "")
        config["OPTIONS"]["options"] = f"{options} -c lock_timeout={DATABASE_LOCK_TIMEOUT_SECONDS * 1000}".strip()
        config["CONN_MAX_AGE"] = 0
    return config


def redis_url_from_env() -> str:
    url = env_str("REDIS_URL")
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigurationError("REDIS_URL is malformed; expected redis://host:6379/0 or rediss://...")
    return url


def elasticsearch_url_from_env() -> str:
    url = env_str("ELASTICSEARCH_URL")
    if url and (urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname):
        raise ConfigurationError("ELASTICSEARCH_URL is malformed; expected http(s)://host:9200.")
    return url


def email_from_env(default_backend: str) -> dict:
    """Translate EMAIL_URL (smtp://, smtp+tls://, smtp+ssl://, console://, locmem://) into settings.

    Without EMAIL_URL, the classic EMAIL_HOST/EMAIL_PORT/... variables still work.
    """
    url = env_str("EMAIL_URL")
    if not url:
        host = env_str("EMAIL_HOST")
        if not host:
            return {"EMAIL_BACKEND": default_backend}
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": host,
            "EMAIL_PORT": env_int("EMAIL_PORT", 587),
            "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER"),
            "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD"),
            "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", True),
        }
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    if parts.scheme in backends:
        settings = {"EMAIL_BACKEND": backends[parts.scheme]}
        if parts.scheme == "file":
            settings["EMAIL_FILE_PATH"] = unquote(parts.path)
        return settings
    if parts.scheme not in {"smtp", "smtp+tls", "smtp+ssl"} or not parts.hostname:
        raise ConfigurationError("EMAIL_URL is malformed; expected smtp+tls://user:password@host:587 or console://.")
    try:
        port = parts.port
    except ValueError as error:
        raise ConfigurationError("EMAIL_URL has a port that is not a number.") from error
    try:
        timeout = int(parse_qs(parts.query).get("timeout", ["10"])[0])
    except ValueError as error:
        raise ConfigurationError("EMAIL_URL has a timeout that is not a number of seconds.") from error
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if parts.scheme == "smtp+ssl" else 587 if parts.scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": timeout,
    }


def secret_key_for_development(path: Path) -> str:
    """Keep one generated key in var/ so sessions survive restarts of `make run`."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    if path.exists():
        return path.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    path.write_text(key)
    path.chmod(0o600)
    return key
