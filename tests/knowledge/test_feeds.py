"""The Atom and RSS feeds of the magazine and of new practices, read back with feedparser."""

import datetime

import feedparser
import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.models import MagazineArticlePage, MagazineIssuePage, PracticeIndexPage, PracticePage, StandardPage

pytestmark = pytest.mark.django_db

FEEDS = {
    "magazine": ["/feeds/magazine/atom/", "/feeds/magazine/rss/"],
    "practices": ["/feeds/praktijken/atom/", "/feeds/praktijken/rss/"],
}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def site_root():
    return Site.objects.get(is_default_site=True).root_url


@pytest.fixture
def practices():
    knowledge = StandardPage.objects.get(slug="kennis")
    index = knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))
    now = timezone.now()
    published = []
    for days_ago, title in ((3, "Oudste praktijk"), (1, "Nieuwste praktijk")):
        practice = index.add_child(
            instance=PracticePage(title=title, summary=f"Samenvatting van {title.lower()}.", live=False)
        )
        practice.save_revision().publish()
        PracticePage.objects.filter(pk=practice.pk).update(first_published_at=now - datetime.timedelta(days=days_ago))
        published.append(practice)
    draft = index.add_child(
        instance=PracticePage(title="Ingediend concept", summary="Nog niet goedgekeurd.", live=False)
    )
    draft.save_revision()
    return published


@pytest.mark.parametrize("url", FEEDS["magazine"])
def test_magazine_feeds_list_the_live_articles_newest_first(client, site_root, url):
    magazine_demo_ensure()
    issue = MagazineIssuePage.objects.get(number=1)
    articles = list(MagazineArticlePage.objects.live().order_by("-first_published_at", "-pk"))
    draft = MagazineArticlePage(title="Concept", slug="concept", authors="A", lead="Nog niet klaar.", live=False)
    issue.add_child(instance=draft)
    unpublished = articles.pop()
    unpublished.unpublish()

    feed = parse(client, url)

    assert feed.feed.title
    assert feed.feed.link == site_root + "/kennis/magazine/"
    assert [entry.title for entry in feed.entries] == [article.title for article in articles]
    for entry, article in zip(feed.entries, articles, strict=True):
        assert entry.link == site_root + article.url
        assert entry.link.startswith("http")
        assert entry.summary == article.lead
        published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
        assert abs(published - article.first_published_at) < datetime.timedelta(seconds=1)
    assert "Concept" not in {entry.title for entry in feed.entries}


@pytest.mark.parametrize("url", FEEDS["practices"])
def test_practice_feeds_list_live_public_practices_not_drafts(client, site_root, practices, url):
    oldest, newest = practices
    private = newest.get_parent().add_child(
        instance=PracticePage(title="Besloten praktijk", summary="Alleen voor leden.", live=False)
    )
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    feed = parse(client, url)

    assert [entry.title for entry in feed.entries] == ["Nieuwste praktijk", "Oudste praktijk"]
    assert feed.entries[0].link == site_root + "/kennis/praktijken/nieuwste-praktijk/"
    assert feed.entries[0].summary == "Samenvatting van nieuwste praktijk."
    published = datetime.datetime(*feed.entries[1].published_parsed[:6], tzinfo=datetime.UTC)
    oldest.refresh_from_db()
    assert abs(published - oldest.first_published_at) < datetime.timedelta(seconds=1)


def test_an_empty_practice_feed_is_still_valid(client):
    for url in FEEDS["practices"]:
        assert parse(client, url).entries == []


def test_feeds_are_advertised_on_the_magazine_and_the_practice_listing(client, practices):
    magazine_demo_ensure()
    for path, feeds in (("/kennis/magazine/", FEEDS["magazine"]), ("/kennis/praktijken/", FEEDS["practices"])):
        html = client.get(path).content.decode()
        for url in feeds:
            assert f'rel="alternate" type="application/{"atom" if "atom" in url else "rss"}+xml"' in html
            assert f'href="{url}"' in html


@pytest.mark.parametrize("url", FEEDS["practices"])
def test_a_control_character_pasted_into_a_practice_does_not_take_the_feed_down(client, practices, url):
    practice = PracticePage.objects.get(pk=practices[0].pk)
    practice.title = "Met\x0bcontroleteken"
    practice.summary = "Tekst met\x0ceen pagina-einde uit een tekstverwerker."
    practice.save_revision().publish()

    feed = parse(client, url)

    assert "Met controleteken" in [entry.title for entry in feed.entries]


ATOM = {"a": "http://www.w3.org/2005/Atom"}


def atom_authors(client, url) -> tuple[list[str], dict[str, list[str]]]:
    """The feed's own author names and, per entry title, the entry's author names, read from the XML."""
    from defusedxml import ElementTree

    root = ElementTree.fromstring(client.get(url).content)
    names = lambda element: [name.text for name in element.findall("a:author/a:name", ATOM)]  # noqa: E731
    return names(root), {
        entry.findtext("a:title", namespaces=ATOM): names(entry) for entry in root.findall("a:entry", ATOM)
    }


def test_every_atom_entry_of_the_magazine_names_its_authors_or_samenhuis(client):
    """RFC 4287 4.1.2: an entry without an author of its own needs one; every entry has one here."""
    magazine_demo_ensure()
    anonymous = MagazineArticlePage.objects.live().order_by("pk").first()
    anonymous.authors = "  "
    anonymous.save_revision().publish()
    signed = MagazineArticlePage.objects.live().exclude(pk=anonymous.pk).first()

    feed_authors, entries = atom_authors(client, FEEDS["magazine"][0])

    assert feed_authors == ["Samenhuis"]
    assert entries and all(len(names) == 1 and names[0] for names in entries.values())
    assert entries[anonymous.title] == ["Samenhuis"]
    assert entries[signed.title] == [signed.authors]


def test_every_atom_entry_of_the_practices_names_its_huis_or_samenhuis(client, practices):
    from tests.factories import OrganisationFactory

    newest = practices[1]
    newest.house = OrganisationFactory(name="Huis van het Kind Geel")
    newest.save_revision().publish()

    feed_authors, entries = atom_authors(client, FEEDS["practices"][0])

    assert feed_authors == ["Samenhuis"]
    assert entries == {"Nieuwste praktijk": ["Huis van het Kind Geel"], "Oudste praktijk": ["Samenhuis"]}
