"""Routing a whole address in two queries (knowledge/routing.py) gives what Wagtail's level-by-level
routing gives; the taxonomy snapshot (knowledge/vocabulary.py) follows every edit."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from community.models import Region
from knowledge import selectors
from knowledge.models import HomePage, LifeDomain, PracticePage, StandardPage, Theme
from knowledge.practice_cache import PRACTICES
from knowledge.vocabulary import vocabulary
from tests.knowledge.test_practices import practice_add

pytestmark = pytest.mark.django_db

LISTING = "/kennis/praktijken/"


def components(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def shortcut(path: str):
    home = HomePage.objects.get()
    return home.route(RequestFactory().get(path), components(path))


def wagtail_default(path: str):
    """Wagtail's own routing, one level at a time, for comparison."""
    home = HomePage.objects.get()
    return Page.route(home, RequestFactory().get(path), components(path))


@pytest.fixture
def practice(index):
    return practice_add(index, "Babyborrel", domains=["gezondheid"], pillars=["opvoedingsondersteuning"])


@pytest.mark.parametrize("path", ["/", "/kennis/", LISTING, "/kennis/praktijken/babyborrel/"])
def test_every_level_routes_to_the_same_specific_page(practice, path):
    ours, theirs = shortcut(path), wagtail_default(path)
    assert type(ours.page) is type(theirs.page)
    assert ours.page.pk == theirs.page.pk
    assert (ours.args, ours.kwargs) == (theirs.args, theirs.kwargs)


@pytest.mark.parametrize(
    "path", ["/bestaat-niet/", "/kennis/bestaat-niet/", "/kennis/praktijken/babyborrel/dieper/", "/babyborrel/"]
)
def test_an_unknown_address_is_a_404_both_ways(practice, path):
    with pytest.raises(Http404):
        shortcut(path)
    with pytest.raises(Http404):
        wagtail_default(path)


def test_a_draft_is_a_404_but_a_live_page_below_a_draft_is_served_as_wagtail_does(practice, index):
    practice.unpublish()
    with pytest.raises(Http404):
        shortcut("/kennis/praktijken/babyborrel/")
    practice.save_revision().publish()
    index.unpublish()
    assert shortcut("/kennis/praktijken/babyborrel/").page.pk == practice.pk
    assert wagtail_default("/kennis/praktijken/babyborrel/").page.pk == practice.pk


def test_a_page_class_with_its_own_routing_gets_the_rest_of_the_address(practice, monkeypatch):
    seen = []

    def custom_route(self, request, path_components):
        seen.append((self.slug, list(path_components)))
        return Page.route(self, request, path_components)

    monkeypatch.setattr(StandardPage, "route", custom_route)
    assert shortcut("/kennis/praktijken/babyborrel/").page.pk == practice.pk
    assert seen == [("kennis", ["praktijken", "babyborrel"])]


def test_a_practice_page_is_routed_in_two_queries_and_keeps_its_ancestors(client, practice):
    client.get(practice.url)  # warms the per-process caches (content types, site root paths)
    request = RequestFactory().get(practice.url)
    home = HomePage.objects.get()
    with CaptureQueriesContext(connection) as queries:
        page = home.route(request, components(practice.url)).page
        assert page.house is None  # joined, not fetched
    assert len(queries) == 2
    assert [ancestor.slug for ancestor in page.route_ancestors] == ["home", "kennis", "praktijken"]
    html = client.get(practice.url).content.decode()
    assert '<a href="/kennis/">Kennis</a>' in html
    assert f'<a href="{LISTING}">Praktijkvoorbeelden</a>' in html


def test_the_practice_page_query_count_does_not_grow_with_the_practices(client, index, practice):
    def page_queries(*, remembered: bool):
        if not remembered:
            PRACTICES.bump()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(practice.url).status_code == 200
        return len(queries)

    practice_add(index, "Buurtfeest", domains=["gezondheid"])  # a related practice, so the cards are read
    page_queries(remembered=False)
    few = page_queries(remembered=False)
    few_remembered = page_queries(remembered=True)
    for number in range(40):
        practice_add(index, f"Praktijk {number}", domains=["gezondheid"], pillars=["opvoedingsondersteuning"])
    assert page_queries(remembered=False) == few
    assert page_queries(remembered=True) == few_remembered < few


def test_the_practice_page_names_its_terms_in_vocabulary_order(client, index):
    practice = practice_add(
        index,
        "Leesclub",
        domains=["onderwijs", "gezondheid"],
        pillars=["opvoedingsondersteuning"],
        themes=["brugfiguren", "ouderbetrokkenheid"],
        groups=["6-12-jaar"],
    )
    terms = selectors.practice_terms(PracticePage.objects.get(pk=practice.pk))
    assert [domain.slug for domain in terms.life_domains] == ["gezondheid", "onderwijs"]
    assert [theme.slug for theme in terms.themes] == ["ouderbetrokkenheid", "brugfiguren"]
    assert [pillar.slug for pillar in terms.pillars] == ["opvoedingsondersteuning"]
    assert [group.slug for group in terms.target_groups] == ["6-12-jaar"]
    html = client.get(practice.url).content.decode()
    for name in ("Opvoedingsondersteuning", "Ouderbetrokkenheid", "Brugfiguren", "Kinderen van 6 tot 12 jaar"):
        assert f"<li>{name}</li>" in html


def test_a_preview_names_the_terms_of_the_revision_not_of_the_database(index):
    practice = practice_add(index, "Leesclub", domains=["gezondheid"])
    draft = PracticePage.objects.get(pk=practice.pk)
    draft.life_domains = [LifeDomain.objects.get(slug="onderwijs")]  # edited, not saved
    assert [domain.slug for domain in selectors.practice_terms(draft).life_domains] == ["gezondheid"]
    assert [domain.slug for domain in selectors.practice_terms(draft, preview=True).life_domains] == ["onderwijs"]


def test_the_filters_follow_an_edited_term_at_once(client, index):
    client.get(LISTING)
    theme = Theme.objects.get(slug="brugfiguren")
    theme.name = "Brugfiguren in de school"
    theme.save()
    assert "Brugfiguren in de school" in client.get(LISTING).content.decode()
    theme.delete()
    response = client.get(LISTING, {"thema": "brugfiguren"})
    assert response.status_code == 200
    assert response.context["form"].errors["thema"]


def test_the_filters_read_no_taxonomy_from_the_database_once_cached(client, index):
    client.get(LISTING)
    with CaptureQueriesContext(connection) as queries:
        client.get(LISTING, {"levensdomein": "gezondheid", "provincie": "provincie-antwerpen"})
    tables = " ".join(query["sql"] for query in queries)
    for table in ("knowledge_lifedomain", "knowledge_theme", "knowledge_pillar", "community_region"):
        assert f'FROM "{table}"' not in tables


def test_a_primary_care_zone_is_not_offered_but_a_shared_link_to_one_still_filters(client, index):
    zone = Region.objects.filter(kind=Region.Kind.PRIMARY_CARE_ZONE).first()
    assert zone in vocabulary().regions
    response = client.get(LISTING, {"regio": zone.slug})
    assert not response.context["form"].errors
    assert f'value="{zone.slug}"' not in response.content.decode()


def test_each_process_keeps_its_snapshot_until_the_shared_version_changes(django_assert_num_queries):
    from django.core.cache import cache

    from knowledge.vocabulary import VERSION

    vocabulary()
    with django_assert_num_queries(0):
        vocabulary()
    # Another process renames a term: its signal drops the shared version, which this process sees.
    LifeDomain.objects.filter(slug="gezondheid").update(name="Gezondheid en preventie")
    assert "Gezondheid en preventie" not in [domain.name for domain in vocabulary().life_domains]
    cache.delete(VERSION.key)
    assert "Gezondheid en preventie" in [domain.name for domain in vocabulary().life_domains]
