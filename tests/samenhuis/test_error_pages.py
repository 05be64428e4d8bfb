"""The error pages: in the site's layout and in Dutch, each with its status (templates/400.html
... 503.html, samenhuis/errors.py). 503 is tested for real in tests/samenhuis/test_overload.py."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.rooms.support import thematic_room
from tests.samenhuis.refusals import assert_refused

pytestmark = pytest.mark.django_db


def assert_error_page(response, *, status: int, says: str) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:2000]
    assert 'lang="nl-BE"' in html
    assert '<header class="site-header">' in html and '<main id="main"' in html
    assert '<footer class="site-footer">' in html and "/static/css/samenhuis.css" in html
    assert says in html, html[:3000]
    return html


def test_400_for_a_request_this_site_cannot_serve(client):
    response = client.get("/", HTTP_HOST="elders.test")
    assert_error_page(response, status=400, says="Dit verzoek kon niet gelezen worden")


def test_403_is_dutch_in_the_layout_not_djangos_bare_english_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("rooms:moderation"))
    html = assert_error_page(response, status=403, says="Je hebt geen toegang (meer)")
    assert "<h1>Geen toegang</h1>" in html and "Forbidden" not in html


def test_404_is_dutch_in_the_layout(client):
    response = client.get("/bestaat-niet/")
    assert_error_page(response, status=404, says="Pagina niet gevonden")


def test_404_for_a_reply_to_a_message_that_no_longer_exists_keeps_the_text(client):
    room = thematic_room()
    client.force_login(UserFactory())
    text = "Mijn antwoord op een vraag die er niet meer is."
    response = client.post(f"{room.get_absolute_url()}999/", {"body": text, "client_id": "c1"})
    assert_refused(response, status=404, text=text, says="Deze pagina bestaat niet (meer)")


def test_429_when_allauth_rate_limits_is_dutch_in_the_layout(client):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    response = client.post("/accounts/password/reset/", {"email": "vergeten@huis.test"})
    assert_error_page(response, status=429, says="Je probeerde dit te vaak kort na elkaar.")


def test_500_is_dutch_in_the_layout_without_needing_the_database(client, monkeypatch):
    from rooms import selectors as selectors

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "rooms_for", broken)
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get(reverse("rooms:rooms"))
    html = assert_error_page(response, status=500, says="Er liep iets fout aan onze kant.")
    assert "<h1>Er ging iets mis</h1>" in html
