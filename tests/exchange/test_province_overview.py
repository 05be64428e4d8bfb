"""The map-like overview by province on the regional overview (selectors.province_coverage): per
province and Brussels, how many municipalities valid offers the viewer may read cover, in any life
domain and in each, coloured by share with the numbers written out, in a fixed number of queries."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Region
from exchange import selectors
from exchange.models import Offer
from exchange.selectors import ProvinceCoverage

from .conftest import domain, municipality

pytestmark = pytest.mark.django_db

PARENTING = "ouderschaps-en-opvoedingsondersteuning"


def province(name):
    return Region.objects.get(kind=Region.Kind.PROVINCE, name=name)


def coverage(viewer, name):
    domains, provinces = selectors.province_coverage(viewer=viewer)
    found = next(p for p in provinces if p.region.name == name)
    return {d.slug: n for d, n in zip(domains, found.by_domain, strict=True)}, found


def test_municipalities_covered_are_counted_per_province_and_life_domain(kempen):
    antwerp_total = province("Antwerpen").municipalities.count()
    kempen.offer(title="In heel de Kempen")  # the Kempen: part of the province of Antwerp
    kempen.offer(
        title="Gezondheid in Geel en Gent",
        life_domains=[domain("gezondheid")],
        regions=[],
        municipalities=[municipality("Geel"), municipality("Gent")],
    )
    kempen_count = kempen.region.municipalities.count()

    by_domain, antwerp = coverage(kempen.outsider, "Antwerpen")
    assert antwerp.municipalities == antwerp_total
    assert antwerp.covered == kempen_count  # Geel is counted once
    assert by_domain[PARENTING] == kempen_count and by_domain["gezondheid"] == 1
    assert by_domain["jeugdhulp"] == 0
    by_domain, east = coverage(kempen.outsider, "Oost-Vlaanderen")
    assert (east.covered, by_domain["gezondheid"], by_domain[PARENTING]) == (1, 1, 0)
    _by_domain, limburg = coverage(kempen.outsider, "Limburg")
    assert (limburg.covered, limburg.level, limburg.share) == (0, 0, 0)


def test_only_valid_offers_the_viewer_may_read_count(kempen):
    members = kempen.offer(title="Voor leden", audience="members")
    expired = kempen.offer(
        title="Verlopen", regions=[], municipalities=[municipality("Gent")], life_domains=[domain("gezondheid")]
    )
    Offer.objects.filter(pk=expired.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))
    from django.contrib.auth.models import AnonymousUser

    assert coverage(AnonymousUser(), "Antwerpen")[1].covered == 0
    assert coverage(kempen.outsider, "Antwerpen")[1].covered == members.municipalities.count()
    assert coverage(kempen.outsider, "Oost-Vlaanderen")[1].covered == 0


def test_the_colour_bands_follow_the_share():
    assert [ProvinceCoverage.band(n, 100) for n in (0, 1, 25, 26, 50, 51, 75, 76, 100)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert ProvinceCoverage.band(3, 0) == 0


def test_the_page_shows_tiles_and_a_table_with_numbers_in_fixed_queries(client, kempen):
    kempen.offer(title="In heel de Kempen")
    client.force_login(kempen.staff)
    url = reverse("exchange:region_overview")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5):
        kempen.offer(
            title=f"Aanbod {number}",
            regions=[province("Limburg")],
            life_domains=[domain("jeugdhulp"), domain("gezondheid")],
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)

    main = BeautifulSoup(response.content, "html.parser").find("main")
    tiles = {tile.strong.get_text(): tile for tile in main.select(".province-map__tile")}
    assert set(tiles) == {r.name for r in Region.objects.filter(kind__in=Region.PROVINCE_KINDS)}
    limburg_total = province("Limburg").municipalities.count()
    limburg = tiles["Limburg"]
    assert f"{limburg_total} van {limburg_total} gemeenten (100%)" in limburg.get_text()
    assert "coverage--4" in limburg["class"]
    assert "coverage--0" in tiles["West-Vlaanderen"]["class"]
    assert "0 van" in tiles["West-Vlaanderen"].get_text()

    table = main.find("table", class_="province-coverage")
    assert table.caption.get_text().startswith("Gemeenten gedekt door een geldig aanbod")
    row = next(tr for tr in table.tbody.find_all("tr") if tr.th.get_text() == "Limburg")
    assert f"{limburg_total} (100%)" in [td.get_text() for td in row.find_all("td")]
