"""Life-domain pages: introduction, themes and the live lists of what is tagged with the domain."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge.models import (
    LifeDomain,
    LifeDomainPage,
    MagazineArticlePage,
    MagazineIndexPage,
    MagazineIssuePage,
    PracticeIndexPage,
    PracticePage,
    StandardPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge():
    return StandardPage.objects.get(slug="kennis")


@pytest.fixture
def health(knowledge):
    domain = LifeDomain.objects.get(slug="gezondheid")
    knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))
    knowledge.refresh_from_db()
    return knowledge.add_child(
        instance=LifeDomainPage(
            title="Gezondheid", slug="gezondheid", life_domain=domain, intro="Een gezonde start voor elk kind."
        )
    )


def practices_add(count, *, domain_slugs=("gezondheid",)):
    index = PracticeIndexPage.objects.get()
    domains = list(LifeDomain.objects.filter(slug__in=domain_slugs))
    for _number in range(count):
        practice = PracticePage(
            title=f"Praktijk {PracticePage.objects.count() + 1}",
            summary="Kort.",
            first_published_at=timezone.now() - datetime.timedelta(hours=PracticePage.objects.count()),
        )
        practice.life_domains = domains
        index.refresh_from_db()
        index.add_child(instance=practice)


def articles_add(knowledge, count, *, domain_slug="gezondheid"):
    magazine = MagazineIndexPage.objects.first()
    if magazine is None:
        knowledge.refresh_from_db()
        magazine = knowledge.add_child(instance=MagazineIndexPage(title="Magazine", slug="magazine"))
        magazine.add_child(
            instance=MagazineIssuePage(title="Nummer 1", slug="nummer-1", number=1, publication_date=timezone.now())
        )
    issue = MagazineIssuePage.objects.get()
    for _number in range(count):
        article = MagazineArticlePage(
            title=f"Artikel {MagazineArticlePage.objects.count() + 1}",
            authors="Redactie",
            lead="Lead.",
            body=[],
            first_published_at=timezone.now() - datetime.timedelta(hours=MagazineArticlePage.objects.count()),
        )
        article.life_domains = [LifeDomain.objects.get(slug=domain_slug)]
        issue.refresh_from_db()
        issue.add_child(instance=article)


def test_the_page_shows_intro_themes_and_the_latest_tagged_practices(client, health, knowledge):
    practices_add(7)
    practices_add(2, domain_slugs=["onderwijs"])
    articles_add(knowledge, 2)
    articles_add(knowledge, 1, domain_slug="onderwijs")
    response = client.get("/kennis/gezondheid/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een gezonde start voor elk kind." in html
    assert [theme.slug for theme in response.context["themes"]] == [
        "consultatiebureau",
        "vaccinatie",
        "borstvoeding",
        "gezonde-voeding",
    ]
    assert 'href="/kennis/praktijken/?thema=borstvoeding"' in html
    assert [practice.title for practice in response.context["practices"]] == [f"Praktijk {n}" for n in range(1, 6)]
    assert 'href="/kennis/praktijken/?levensdomein=gezondheid"' in html
    assert [article.title for article in response.context["articles"]] == ["Artikel 1", "Artikel 2"]
    assert 'href="/kennis/magazine/nummer-1/artikel-1/"' in html


def test_without_practices_the_page_says_so_and_shows_no_magazine_section(client, health):
    response = client.get("/kennis/gezondheid/")
    assert response.context["practices"] == []
    assert 'id="life-domain-articles"' not in response.content.decode()


def page_queries(client) -> int:
    client.get("/kennis/gezondheid/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/kennis/gezondheid/").status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_what_is_tagged(client, health, knowledge):
    practices_add(2)
    articles_add(knowledge, 1)
    few = page_queries(client)
    practices_add(30)
    articles_add(knowledge, 10)
    assert page_queries(client) == few


def test_a_life_domain_page_lives_only_in_a_standard_page(knowledge):
    assert LifeDomainPage.can_create_at(knowledge)
    assert not LifeDomainPage.can_create_at(knowledge.get_parent())
    assert LifeDomainPage.allowed_subpage_models() == []
