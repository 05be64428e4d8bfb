"""The shared layout: landmarks, navigation, footer, language, security headers."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/kennis/",
        "/privacy/",
        "/toegankelijkheid/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/gemeenschap/",
        "/agenda/",
        "/zoeken/",
        "/zoeken/?q=huis",
    ],
)
def test_every_page_has_the_accessible_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="nl-BE"' in html
    assert '<a class="skip-link" href="#main">Naar de hoofdinhoud</a>' in html
    assert '<main id="main"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert 'aria-label="Hoofdnavigatie"' in html
    assert 'href="/privacy/">Privacyverklaring' in html
    assert 'href="/toegankelijkheid/">Toegankelijkheidsverklaring' in html
    # rel="canonical" is an address, not an asset: absolute on purpose (tests/samenhuis/test_meta.py).
    assets = re.sub(r'<link rel="canonical" href="[^"]*">', "", html)
    assert not re.search(r"(src|href)=\"(https?:)?//", assets), "no asset from another origin"


def test_main_navigation_marks_the_current_section(client):
    html = client.get("/agenda/").content.decode()
    assert re.search(r'href="/agenda/"\s+aria-current="page"', html)


def test_english_is_available_through_the_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/gemeenschap/"})
    assert response.status_code == 302
    html = client.get("/gemeenschap/").content.decode()
    assert 'lang="en"' in html
    assert ">Community</h1>" in html
    assert "Main navigation" in html


def test_anonymous_pages_do_not_load_the_socket_script(client):
    assert "notifications.js" not in client.get("/").content.decode()


def test_logged_in_header_shows_name_and_unread_count_in_one_query(client, django_assert_max_num_queries):
    from community import services

    user = UserFactory(profile="Lien")
    services.notification_create(recipient=user, text="een")
    services.notification_create(recipient=user, text="twee")
    client.force_login(user)
    html = client.get("/agenda/").content.decode()
    assert ">Lien</a>" in html
    assert re.search(r"<span data-unread-number>2</span>", html)
    assert "notifications.js" in html
    # 13: the page's view restrictions are read from the database on every request (one query,
    # knowledge/restrictions.py) instead of a per-process "none exist" that could go stale.
    with django_assert_max_num_queries(13):
        client.get("/agenda/")


def test_unknown_page_is_a_dutch_404_in_the_layout(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_pages_forbid_framing_but_the_cms_may_frame_its_previews(client):
    assert client.get("/").headers["X-Frame-Options"] == "DENY"
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get("/cms/").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_dutch_stays_the_default_whatever_the_browser_asks(client):
    html = client.get("/gemeenschap/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="nl-BE"' in html
    assert ">Gemeenschap</h1>" in html


def test_closed_sign_up_is_not_offered(client, settings):
    settings.SAMENHUIS_SIGNUP_OPEN = False
    html = client.get("/").content.decode()
    assert "/accounts/signup/" not in html
    assert "Registratie gesloten" in client.get("/accounts/signup/").content.decode()


def test_footer_links_are_remembered_until_a_page_or_the_setting_changes(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page, Site

    from knowledge.models import FooterLinks

    client.get("/gemeenschap/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/gemeenschap/")
    assert not [q for q in queries.captured_queries if "footerlinks" in q["sql"]], "remembered, not asked again"

    privacy = Page.objects.get(slug="privacy").specific
    privacy.slug = "privacyverklaring"
    privacy.save_revision().publish()
    assert 'href="/privacyverklaring/">Privacyverklaring' in client.get("/gemeenschap/").content.decode()

    setting = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    setting.accessibility_page = None
    setting.save()
    html = client.get("/gemeenschap/").content.decode()
    assert "Toegankelijkheidsverklaring" not in html
    privacy.unpublish()
    assert "Privacyverklaring" not in client.get("/gemeenschap/").content.decode()
