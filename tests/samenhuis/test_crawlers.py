"""What crawlers are told: robots.txt keeps them out of the non-content areas and names the
sitemap; the sitemap lists every public page and nothing for members only (samenhuis/sitemaps.py)."""

import datetime
import re
import urllib.robotparser

import pytest
from defusedxml import ElementTree
from django.contrib.auth.models import Group
from django.test import override_settings
from wagtail.models import PageViewRestriction, Site

from community.models import IntervisionGroup
from exchange import selectors as exchange_selectors
from tests.events.conftest import event_publish
from tests.exchange.conftest import Kempen
from tests.factories import group_create

pytestmark = pytest.mark.django_db

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def root():
    return Site.objects.get(is_default_site=True).root_url


def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return response, parser


def sitemap_locations(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return {
        url.findtext("s:loc", namespaces=SITEMAP)
        for url in ElementTree.fromstring(response.content).findall("s:url", SITEMAP)
    }


def test_robots_txt_is_plain_text_cached_for_a_day_and_names_the_absolute_sitemap(client, root):
    response, parser = robots(client)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert parser.site_maps() == [root + "/sitemap.xml"]
    assert client.post("/robots.txt").status_code == 405


@override_settings(BASE_URL="https://samenhuis.example")
def test_robots_txt_names_the_sitemap_on_the_sites_address_not_the_requests_host(client):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "samenhuis.example", 443
    site.save()
    assert robots(client)[1].site_maps() == ["https://samenhuis.example/sitemap.xml"]


# Python's parser takes the first matching rule, not the longest (RFC 9309), and knows no `*`
# or `$`: these addresses are the ones where both readings agree.
@pytest.mark.parametrize(
    "path",
    [
        "/cms/",
        "/cms/pages/3/",
        "/accounts/login/",
        "/zoeken/?q=armoede",
        "/zoeken/suggesties/?q=arm",
        "/gemeenschap/meldingen/",
        "/gemeenschap/groepen/kempen/",
        "/gemeenschap/gesprekken/onthaal/",
        "/gemeenschap/leden/3/",
        "/intervisie/sessies/4/",
        "/agenda/mijn/",
        "/agenda/kalender/abc.ics",
        "/kennis/delen/",
        "/uitwisseling/noden/",
        "/uitwisseling/routekaart/",
    ],
)
def test_robots_txt_keeps_crawlers_out_of_non_content_areas(client, path):
    assert not robots(client)[1].can_fetch("*", path)


def test_robots_txt_lets_crawlers_read_content(client):
    parser = robots(client)[1]
    for path in ["/", "/kennis/", "/agenda/", "/agenda/netwerkdag/", "/feeds/magazine/atom/", "/sitemap.xml"]:
        assert parser.can_fetch("*", path), path


def test_robots_txt_allows_the_public_pages_inside_closed_areas_by_the_longest_rule(client):
    """What Python's parser cannot read, read as RFC 9309 says: the longest matching rule wins."""
    text = client.get("/robots.txt").content.decode()
    rules = [line.split(": ", 1) for line in text.splitlines() if line.startswith(("Allow: ", "Disallow: "))]

    def allowed(path):
        def matches(pattern):
            regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\$", "$")
            return re.match(regex, path)

        matching = [(len(pattern), rule == "Allow") for rule, pattern in rules if matches(pattern)]
        return max(matching, default=(0, True))[1]

    for path in ["/gemeenschap/", "/gemeenschap/organisaties/", "/gemeenschap/organisaties/huis-geel/"]:
        assert allowed(path), path
    for path in ["/uitwisseling/", "/uitwisseling/aanbod/", "/uitwisseling/aanbod/12/"]:
        assert allowed(path), path
    for path in [
        "/gemeenschap/leden/",
        "/uitwisseling/noden/3/",
        "/uitwisseling/aanbod/nieuw/",
        "/uitwisseling/aanbod/12/bewerken/",
        "/agenda/netwerkdag/deelnemers/",
        "/agenda/netwerkdag/deelnemers.csv",
        "/agenda/netwerkdag/inschrijven/",
    ]:
        assert not allowed(path), path


def test_the_sitemap_lists_public_events_organisations_and_valid_public_offers_and_nothing_private(
    client, root, monkeypatch
):
    kempen = Kempen()
    event = event_publish(title="Netwerkdag")
    restricted = event_publish(title="Ledendag")
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    staff_only = event_publish(title="Stafdag")
    restriction = PageViewRestriction.objects.create(page=staff_only, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Staf"))
    public_offer = kempen.offer(title="Open vorming")
    members_offer = kempen.offer(title="Ledenvorming", audience="members")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    expired_offer = kempen.offer(title="Oude vorming", valid_until=tomorrow)
    need = kempen.need()
    secret = group_create(name="Geheime groep", visibility=IntervisionGroup.Visibility.SECRET)

    monkeypatch.setattr(exchange_selectors, "today", lambda: tomorrow + datetime.timedelta(days=1))

    locations = sitemap_locations(client)

    assert root + event.url in locations
    assert root + event.get_parent().url in locations
    assert root + restricted.url not in locations
    assert root + staff_only.url not in locations
    for organisation in (kempen.geel, kempen.midden, kempen.caw, kempen.clb):
        assert root + organisation.get_absolute_url() in locations
    assert root + public_offer.get_absolute_url() in locations
    assert root + members_offer.get_absolute_url() not in locations
    assert root + expired_offer.get_absolute_url() not in locations
    assert not any(secret.slug in location for location in locations)
    assert not any(f"/noden/{need.pk}/" in location for location in locations)
    assert not any("/gemeenschap/groepen/" in location or "/gemeenschap/leden/" in location for location in locations)
    assert all(location.startswith(root + "/") for location in locations)


def test_the_sitemap_is_read_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    kempen = Kempen()
    for number in range(5):
        kempen.offer(title=f"Vorming {number}")
        event_publish(title=f"Dag {number}")
    with django_assert_max_num_queries(40):
        client.get("/sitemap.xml")
