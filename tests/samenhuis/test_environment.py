import os
import subprocess
import sys
from pathlib import Path

import pytest

from samenhuis.settings.environment import (
    ConfigurationError,
    database_from_env,
    elasticsearch_url_from_env,
    email_from_env,
    redis_url_from_env,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "0123456789abcdefghijklmnopqrst"


def run_manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_stops_with_one_sentence_naming_it():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="samenhuis.settings.production")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Samenhuis cannot start: SECRET_KEY is not set; production needs a long random value (50+ characters)."
    ]


def test_production_without_allowed_hosts_names_it():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="samenhuis.settings.production", SECRET_KEY=GOOD_KEY)
    assert result.returncode == 1
    assert "ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_names_the_variable():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="samenhuis.settings.dev", DATABASE_URL="mysql//nope")
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_url_sqlite_default_and_postgres(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = database_from_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/samenhuis")
    postgres = database_from_env("sqlite:///unused")
    assert (postgres["ENGINE"], postgres["NAME"], postgres["HOST"]) == (
        "django.db.backends.postgresql",
        "samenhuis",
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("REDIS_URL", "http://127.0.0.1:6379", redis_url_from_env),
        ("ELASTICSEARCH_URL", "localhost:9200", elasticsearch_url_from_env),
        ("EMAIL_URL", "pigeon://somewhere", lambda: email_from_env("x")),
        ("DATABASE_URL", "oracle://db/x", lambda: database_from_env("sqlite:///x")),
    ],
)
def test_malformed_service_urls_raise_a_sentence_naming_the_variable(monkeypatch, name, value, reader):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        reader()


def test_email_url_smtp_with_tls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:s%40cret@smtp.example.org:2587")
    config = email_from_env("unused")
    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["EMAIL_PORT"] == 2587
    assert config["EMAIL_HOST_PASSWORD"] == "s@cret"
    assert config["EMAIL_USE_TLS"] is True


def test_email_defaults_to_the_given_backend(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    assert email_from_env("django.core.mail.backends.console.EmailBackend") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
