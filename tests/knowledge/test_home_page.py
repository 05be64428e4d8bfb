"""The home page is served as published, even though the site it belongs to is remembered."""

import pytest

from knowledge.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_shows_a_new_revision_at_once(client):
    assert client.get("/").status_code == 200
    home = HomePage.objects.get()
    home.intro = "Een gloednieuwe inleiding"
    home.save_revision().publish()
    assert "Een gloednieuwe inleiding" in client.get("/").content.decode()
