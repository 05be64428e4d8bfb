"""Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy on every kind of page.

The strict policy covers public and member pages and the log-in the CMS sends people to; /cms/
gets the looser, documented one (docs/operations.md "Security headers"), never none. The browser
tests (tests/browser/conftest.py) fail on any violation of either in Chromium.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from knowledge.models import HomePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_public_page_gets_the_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert policy(response) == STRICT
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_member_page_gets_the_strict_policy(client):
    client.force_login(UserFactory())
    response = client.get("/gemeenschap/profiel/")
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_the_cms_sends_people_to_a_log_in_with_the_strict_policy(client):
    response = client.get("/cms/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_the_cms_gets_the_looser_policy_and_may_frame_its_previews(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/cms/")
    assert response.status_code == 200
    assert policy(response) == {
        **STRICT,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'", *STRICT["frame-src"]],
        "frame-ancestors": ["'self'"],
    }


def test_a_cms_preview_keeps_the_strict_policy_but_the_admin_may_frame_it(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[HomePage.objects.get().pk]))
    assert response.status_code == 200
    assert policy(response) == {**STRICT, "frame-ancestors": ["'self'"]}


def test_other_headers_deny_unused_features_and_cross_origin_openers(client):
    response = client.get("/")
    features = dict(item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert "fullscreen" not in features, "embedded videos may still go full screen"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_settings_enforce_the_policy_and_name_the_websocket_origin():
    environment = {
        **{key: value for key, value in os.environ.items() if key != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "samenhuis.settings.production",
        "SECRET_KEY": "k" * 30 + "0123456789abcdefghijklmnopqrst",
        "ALLOWED_HOSTS": "samenhuis.example",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "BASE_URL": "https://samenhuis.example",
        "EMAIL_URL": "smtp+tls://ci@mail.samenhuis.example:587",
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CONTENT_SECURITY_POLICY, "
        "getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None), settings.SAMENHUIS_CMS_CSP_DIRECTIVES]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    enforced, report_only, cms = json.loads(result.stdout)
    assert report_only is None
    assert enforced["DIRECTIVES"]["script-src"] == ["'self'"]
    assert enforced["DIRECTIVES"]["connect-src"] == ["'self'", "wss://samenhuis.example"]
    assert cms["connect-src"] == ["'self'", "wss://samenhuis.example"]


def test_editors_can_embed_only_what_the_policy_lets_the_browser_show():
    from wagtail.embeds.finders import get_finders

    (finder,) = get_finders()
    assert finder.accept("https://www.youtube.com/watch?v=SJXMTtvCxRo")
    assert finder.accept("https://vimeo.com/76979871")
    assert not finder.accept("https://twitter.com/samenhuis/status/1")
    assert not finder.accept("https://www.slideshare.net/x/y")
