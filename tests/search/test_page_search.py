import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_public_pages_by_their_text(client):
    response = client.get("/zoeken/", {"q": "intervisiegroepen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/"' in html
    assert "resultaat" in html


def test_search_without_hits_says_so_and_keeps_the_query(client):
    html = client.get("/zoeken/", {"q": "xylofoonorkest"}).content.decode()
    assert "Niets gevonden voor “xylofoonorkest”" in html
    assert 'value="xylofoonorkest"' in html


def test_overlong_queries_are_cut_not_refused(client):
    response = client.get("/zoeken/", {"q": "huis " * 200})
    assert response.status_code == 200
