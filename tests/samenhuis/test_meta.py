"""What every page tells search engines and link previews: description, canonical URL, Open Graph."""

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Site

from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.models import MagazineArticlePage, MagazineIssuePage, StandardPage

pytestmark = pytest.mark.django_db


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")

    def meta(key, value):
        tag = soup.find("meta", attrs={key: value})
        return tag["content"] if tag else None

    canonical = soup.find("link", rel="canonical")
    return {
        "canonical": canonical["href"] if canonical else None,
        "description": meta("name", "description"),
        "twitter:card": meta("name", "twitter:card"),
        **{key: meta("property", key) for key in ("og:title", "og:description", "og:url", "og:type", "og:image")},
        **{key: meta("property", key) for key in ("og:site_name", "og:locale")},
    }


@pytest.fixture
def root():
    return Site.objects.get(is_default_site=True).root_url


def assert_complete(tags):
    for key in ("canonical", "description", "og:title", "og:description", "og:url", "og:type", "twitter:card"):
        assert tags[key], f"{key} is missing or empty"
    assert tags["og:url"] == tags["canonical"]
    assert tags["og:description"] == tags["description"]
    assert tags["og:site_name"] == "Samenhuis"
    assert tags["og:locale"] == "nl_BE"


def test_home_page(client, root):
    tags = head(client, "/")
    assert_complete(tags)
    assert tags["canonical"] == root + "/"
    assert tags["og:type"] == "website"
    assert tags["og:title"] == "Samenhuis"
    assert tags["description"].startswith("Samenhuis is de online ontmoetingsplek")


def test_a_standard_page_describes_itself_by_its_introduction(client, root):
    privacy = StandardPage.objects.get(slug="privacy")
    tags = head(client, "/privacy/?utm_source=nieuwsbrief")
    assert_complete(tags)
    assert tags["canonical"] == root + "/privacy/"
    assert tags["description"] == privacy.intro
    assert tags["og:title"] == privacy.title
    assert tags["og:image"] is None
    assert tags["twitter:card"] == "summary"


def test_the_search_description_wins_over_the_introduction(client):
    privacy = StandardPage.objects.get(slug="privacy")
    privacy.search_description = "Kort: zo gaan we met je gegevens om."
    privacy.save_revision().publish()
    assert head(client, "/privacy/")["description"] == "Kort: zo gaan we met je gegevens om."


def test_the_directory_page_is_canonical_without_its_query(client):
    tags = head(client, "/gemeenschap/organisaties/?q=2440")
    assert_complete(tags)
    assert tags["canonical"] == "http://testserver/gemeenschap/organisaties/"
    assert tags["og:type"] == "website"
    assert "?" not in tags["og:url"]


@override_settings(BASE_URL="https://samenhuis.example")
def test_views_outside_wagtail_take_their_address_from_base_url(client):
    assert (
        head(client, "/gemeenschap/organisaties/")["canonical"] == "https://samenhuis.example/gemeenschap/organisaties/"
    )


def test_magazine_issue_and_article(client, root):
    magazine_demo_ensure()
    issue = MagazineIssuePage.objects.get(number=1)
    tags = head(client, issue.url)
    assert_complete(tags)
    assert tags["description"] == issue.intro
    assert tags["og:image"].startswith(root + "/media/images/")
    assert tags["twitter:card"] == "summary_large_image"

    article = MagazineArticlePage.objects.live().first()
    tags = head(client, article.url)
    assert_complete(tags)
    assert tags["canonical"] == root + article.url
    assert tags["og:type"] == "article"
    assert tags["description"].startswith(article.lead[:100])
    assert len(tags["description"]) <= 200


def test_the_sitemap_lists_live_public_knowledge_pages_with_absolute_urls_and_lastmod(client, root):
    magazine_demo_ensure()
    issue = MagazineIssuePage.objects.get(number=1)
    draft = MagazineArticlePage(title="Concept", slug="concept", authors="A", lead="Nog niet klaar.", live=False)
    issue.add_child(instance=draft)
    withdrawn = MagazineArticlePage.objects.live().first()
    withdrawn.unpublish()

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        url.findtext("s:loc", namespaces=namespace): url.findtext("s:lastmod", namespaces=namespace)
        for url in ElementTree.fromstring(response.content).findall("s:url", namespace)
    }
    articles = MagazineArticlePage.objects.live()
    assert articles.count() == 2
    for page in [issue.get_parent(), issue, *articles]:
        # The sitemap's dates are the site's (Europe/Brussels), also just after midnight there.
        assert entries[root + page.url] == timezone.localdate(page.last_published_at).isoformat()
    assert root + "/kennis/" in entries
    assert all(loc.startswith(("http://", "https://")) for loc in entries)
    assert root + withdrawn.url not in entries
    assert not any(loc.endswith("/concept/") for loc in entries)


def test_practice_and_life_domain_pages_describe_themselves(client, root):
    from knowledge.models import LifeDomain, LifeDomainPage, PracticeIndexPage, PracticePage

    knowledge = StandardPage.objects.get(slug="kennis")
    domain = knowledge.add_child(
        instance=LifeDomainPage(
            title="Gezondheid",
            slug="gezondheid",
            life_domain=LifeDomain.objects.get(slug="gezondheid"),
            intro="Alles over gezond opgroeien.",
        )
    )
    knowledge.refresh_from_db()
    index = knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))
    practice = index.add_child(instance=PracticePage(title="Babycafé", summary="Een wekelijkse babyontmoeting."))

    tags = head(client, practice.url)
    assert_complete(tags)
    assert tags["description"] == "Een wekelijkse babyontmoeting."
    assert tags["og:type"] == "article"
    assert tags["canonical"] == root + practice.url

    tags = head(client, domain.url)
    assert_complete(tags)
    assert tags["description"] == "Alles over gezond opgroeien."
    assert tags["og:type"] == "website"
