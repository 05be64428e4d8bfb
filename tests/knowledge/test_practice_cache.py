"""The remembered practice lists (knowledge/practice_cache.py) follow every change at once."""

import pytest
from wagtail.models import PageViewRestriction

from community.models import Municipality
from community.services.places import organisation_areas_set
from knowledge.models import (
    HomePage,
    LifeDomain,
    LifeDomainPage,
    PracticeIndexPage,
    PracticePage,
    StandardPage,
)
from tests.factories import OrganisationFactory
from tests.knowledge.test_practices import practice_add, titles

pytestmark = pytest.mark.django_db(transaction=True)

LISTING = "/kennis/praktijken/"
HEALTH = {"levensdomein": "gezondheid"}


def listed(client, params=HEALTH) -> list[str]:
    return titles(client.get(LISTING, params))


def test_publishing_unpublishing_and_deleting_show_at_once(client, index):
    practice_add(index, "Babyborrel", domains=["gezondheid"])
    assert listed(client) == ["Babyborrel"]
    draft = practice_add(index, "Buurtfeest", domains=["gezondheid"])
    draft.unpublish()
    assert listed(client) == ["Babyborrel"]

    draft.save_revision().publish()
    assert listed(client) == ["Buurtfeest", "Babyborrel"]
    PracticePage.objects.get(title="Babyborrel").unpublish()
    assert listed(client) == ["Buurtfeest"]
    PracticePage.objects.get(title="Buurtfeest").delete()
    assert listed(client) == []


def test_a_new_life_domain_on_a_published_revision_moves_the_practice_between_lists(client, index):
    practice = practice_add(index, "Babyborrel", domains=["gezondheid"])
    assert listed(client, {"levensdomein": "onderwijs"}) == []
    practice = PracticePage.objects.get(pk=practice.pk)
    practice.life_domains = LifeDomain.objects.filter(slug__in=["gezondheid", "onderwijs"])
    practice.save_revision().publish()
    assert listed(client, {"levensdomein": "onderwijs"}) == ["Babyborrel"]


def test_a_huis_that_starts_covering_a_municipality_brings_its_practices_into_the_region(client, index):
    house = OrganisationFactory(name="Huis van het Kind Geel", municipalities=[])
    practice_add(index, "Babyborrel", domains=["gezondheid"], house=house)
    antwerp = {"provincie": "provincie-antwerpen"}
    assert listed(client, antwerp) == []
    organisation_areas_set(organisation=house, municipalities=[Municipality.objects.get(nis_code="13008")])
    assert listed(client, antwerp) == ["Babyborrel"]


def test_related_practices_follow_a_new_publication(client, index):
    first = practice_add(index, "Babyborrel", domains=["gezondheid"])
    assert client.get(first.url).context["related_practices"] == []
    practice_add(index, "Buurtfeest", domains=["gezondheid"])
    assert [page.title for page in client.get(first.url).context["related_practices"]] == ["Buurtfeest"]


def test_moving_the_listing_into_a_members_only_section_takes_its_practices_off_public_pages(client, index):
    knowledge = StandardPage.objects.get(slug="kennis")
    domain = LifeDomain.objects.get(slug="gezondheid")
    knowledge.add_child(instance=LifeDomainPage(title="Gezondheid", slug="gezondheid", life_domain=domain, intro="x"))
    practice_add(index, "Interne praktijk", domains=["gezondheid"])
    intern = HomePage.objects.get().add_child(instance=StandardPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(page=intern, restriction_type=PageViewRestriction.LOGIN)
    assert "Interne praktijk" in client.get("/kennis/gezondheid/").content.decode()  # remembered now

    PracticeIndexPage.objects.get(pk=index.pk).move(intern, pos="last-child")

    assert "Interne praktijk" not in client.get("/kennis/gezondheid/").content.decode()
    assert "Interne praktijk" not in client.get("/").content.decode()
