"""The public directory, organisation pages and the coverage overview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Membership, Municipality, Organisation, Profile
from tests.factories import OrganisationFactory, UserFactory

DIRECTORY = reverse("community:organisations")
COVERAGE = reverse("community:coverage")


def municipalities(*codes):
    return list(Municipality.objects.filter(nis_code__in=codes))


@pytest.fixture
def houses(db):
    return {
        "geel": OrganisationFactory(name="Huis van het Kind Geel", municipalities=municipalities("13008")),
        "hasselt": OrganisationFactory(name="Huis van het Kind Hasselt", municipalities=municipalities("71072")),
        "schaarbeek": OrganisationFactory(name="Huis van het Kind Schaarbeek", municipalities=municipalities("21015")),
        "caw": OrganisationFactory(
            name="CAW De Kempen",
            kind=Organisation.Kind.SUPRA_LOCAL,
            municipalities=municipalities("13008", "13011"),
        ),
    }


def names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2440", ["Huis van het Kind Geel", "CAW De Kempen"]),  # postcode of Geel, Huizen first
        ("1030", ["Huis van het Kind Schaarbeek"]),  # Brussels postcode
        ("hasselt", ["Huis van het Kind Hasselt"]),  # municipality, any case
        ("Schaerbeek", ["Huis van het Kind Schaarbeek"]),  # French name of a Brussels municipality
        ("Herentals", ["CAW De Kempen"]),  # a municipality only a supra-local actor works in
        ("caw", ["CAW De Kempen"]),  # part of a name
        ("9999", []),
    ],
)
def test_search_by_name_municipality_or_postcode(client, houses, query, expected):
    response = client.get(DIRECTORY, {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


def test_filters_combine_with_the_search(client, houses):
    assert names(client.get(DIRECTORY, {"soort": "supra_local"})) == ["CAW De Kempen"]
    assert names(client.get(DIRECTORY, {"provincie": "provincie-limburg"})) == ["Huis van het Kind Hasselt"]
    assert names(client.get(DIRECTORY, {"provincie": "brussels-hoofdstedelijk-gewest"})) == [
        "Huis van het Kind Schaarbeek"
    ]
    assert names(client.get(DIRECTORY, {"regio": "referentieregio-kempen", "soort": "house"})) == [
        "Huis van het Kind Geel"
    ]
    assert names(client.get(DIRECTORY, {"q": "2440", "soort": "house"})) == ["Huis van het Kind Geel"]


def test_a_postcode_answers_which_huis_covers_the_municipality(client, houses):
    response = client.get(DIRECTORY, {"q": "2440"})
    nearby = response.context["nearby"]
    assert [(item.municipality.name_nl, item.house) for item in nearby] == [("Geel", houses["geel"])]
    assert houses["geel"].get_absolute_url() in response.content.decode()

    uncovered = client.get(DIRECTORY, {"q": "2260"}).content.decode()  # Westerlo: no Huis yet
    assert "Westerlo: op Samenhuis dekt nog geen Huis van het Kind deze gemeente." in uncovered


def test_a_tampered_filter_is_an_error_message_not_an_error_page(client, houses):
    response = client.get(DIRECTORY, {"provincie": "atlantis", "q": "Geel"})
    assert response.status_code == 200
    assert "provincie" in response.context["form"].errors
    assert names(response) == ["Huis van het Kind Geel", "CAW De Kempen"]  # the valid part still applies
    assert 'value="Geel"' in response.content.decode()  # the input is kept


def test_empty_state_helps_and_offers_the_way_back(client, houses):
    html = client.get(DIRECTORY, {"q": "Nergenshuizen"}).content.decode()
    assert "0 organisaties" in html
    assert "Toon alle organisaties" in html
    assert "vier cijfers" in html


def test_pages_keep_the_filters(client, db):
    antwerp = Municipality.objects.filter(province="Antwerpen").order_by("nis_code")[:25]
    for number, municipality in enumerate(antwerp):
        OrganisationFactory(name=f"Huis van het Kind {number:02}", municipalities=[municipality])
    first = client.get(DIRECTORY, {"provincie": "provincie-antwerpen", "soort": "house"})
    assert first.context["page_obj"].paginator.count == 25
    assert len(names(first)) == 20
    html = first.content.decode()
    assert "?provincie=provincie-antwerpen&amp;soort=house&amp;pagina=2" in html
    second = client.get(DIRECTORY, {"provincie": "provincie-antwerpen", "soort": "house", "pagina": 2})
    assert len(names(second)) == 5
    assert client.get(DIRECTORY, {"pagina": "zeven"}).status_code == 200


def count_queries(client, url, data=None) -> int:
    client.get(url, data)  # the first request also fills Wagtail's site cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_directory(client, db):
    east_flanders = list(Municipality.objects.filter(province="Oost-Vlaanderen").order_by("nis_code")[:30])
    for municipality in east_flanders[:3]:
        OrganisationFactory(name=f"Huis {municipality.name_nl}", municipalities=[municipality])
    few = count_queries(client, DIRECTORY, {"provincie": "provincie-oost-vlaanderen"})
    for municipality in east_flanders[3:]:
        OrganisationFactory(name=f"Huis {municipality.name_nl}", municipalities=[municipality])
    assert count_queries(client, DIRECTORY, {"provincie": "provincie-oost-vlaanderen"}) == few


def test_directory_is_read_only(client, db):
    assert client.post(DIRECTORY).status_code == 405


# Organisation page --------------------------------------------------------------------------------


@pytest.fixture
def staffed(houses):
    geel = houses["geel"]
    people = {
        "open": UserFactory(profile="An Openbaar"),
        "members": UserFactory(profile="Bart Leden"),
        "connections": UserFactory(profile="Chris Kring"),
    }
    Profile.objects.filter(user=people["open"]).update(visibility=Profile.Visibility.PUBLIC)
    Profile.objects.filter(user=people["connections"]).update(visibility=Profile.Visibility.CONNECTIONS)
    Membership.objects.create(person=people["open"], organisation=geel, role=Membership.Role.STAFF)
    Membership.objects.create(person=people["members"], organisation=geel, role=Membership.Role.COORDINATOR)
    Membership.objects.create(person=people["connections"], organisation=geel, role=Membership.Role.STAFF)
    return geel, people


def test_organisation_page_shows_what_the_organisation_publishes(client, houses):
    geel = houses["geel"]
    geel.description = "Ontmoeting voor <script>alert(1)</script> gezinnen"
    geel.email = "info@huisvanhetkindgeel.test"
    geel.save()
    services.organisation_save(organisation=geel, municipalities=municipalities("13008"), partners=[houses["caw"]])
    html = client.get(geel.get_absolute_url()).content.decode()
    assert "<h1>Huis van het Kind Geel</h1>" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "info@huisvanhetkindgeel.test" in html
    assert houses["caw"].get_absolute_url() in html  # partners link both ways
    assert houses["geel"].get_absolute_url() in client.get(houses["caw"].get_absolute_url()).content.decode()


def test_people_are_only_for_logged_in_members_who_may_see_them(client, staffed):
    geel, people = staffed
    anonymous = client.get(geel.get_absolute_url()).content.decode()
    assert "An Openbaar" not in anonymous and "Bart Leden" not in anonymous
    assert "Log in</a> om te zien wie hier werkt" in anonymous

    client.force_login(UserFactory())  # an outsider: not connected to Chris
    html = client.get(geel.get_absolute_url()).content.decode()
    assert "Bart Leden" in html and "An Openbaar" in html
    assert "Chris Kring" not in html
    assert html.index("Bart Leden") < html.index("An Openbaar")  # coordinators first

    client.force_login(people["members"])  # a colleague in the same Huis is a connection
    assert "Chris Kring" in client.get(geel.get_absolute_url()).content.decode()


def test_unknown_organisation_is_404(client, db):
    assert client.get(reverse("community:organisation", kwargs={"slug": "bestaat-niet"})).status_code == 404


# Coverage ---------------------------------------------------------------------------------------


def test_coverage_counts_every_municipality_once(client, houses):
    response = client.get(COVERAGE)
    areas = response.context["areas"]
    assert [area.name for area in areas] == [
        "Antwerpen",
        "Limburg",
        "Oost-Vlaanderen",
        "Vlaams-Brabant",
        "West-Vlaanderen",
        "Brussels Hoofdstedelijk Gewest",
    ]
    assert sum(area.total for area in areas) == 304
    assert response.context["total"] == 304
    assert response.context["covered"] == 3  # the CAW works in Geel and Herentals but covers nothing
    by_name = {area.name: area for area in areas}
    assert [m.name_nl for m in by_name["Antwerpen"].covered] == ["Geel"]
    assert "Herentals" in [m.name_nl for m in by_name["Antwerpen"].uncovered]
    assert by_name["Brussels Hoofdstedelijk Gewest"].total == 19
    html = response.content.decode()
    assert "3 van 304 gemeenten" in html
    assert houses["schaarbeek"].get_absolute_url() in html


def test_coverage_answers_in_constant_queries(client, db):
    west_flanders = list(Municipality.objects.filter(province="West-Vlaanderen").order_by("nis_code")[:30])
    OrganisationFactory(name="Huis van het Kind Eerste", municipalities=west_flanders[:1])
    few = count_queries(client, COVERAGE)
    for municipality in west_flanders[1:]:
        OrganisationFactory(name=f"Huis {municipality.name_nl}", municipalities=[municipality])
    assert count_queries(client, COVERAGE) == few


def test_a_municipality_without_a_huis_shows_the_nearest_ones_and_the_official_finder(
    client, houses, django_assert_max_num_queries
):
    """Westerlo (13049) has no Huis here; Geel shares its primary care zone and reference region,
    Hasselt neither. The official finder is offered, marked as external."""
    with django_assert_max_num_queries(12):
        response = client.get(DIRECTORY, {"q": "Westerlo"})
    (westerlo,) = response.context["nearby"]
    assert westerlo.house is None
    assert [(municipality.name_nl, house) for municipality, house in westerlo.nearest] == [("Geel", houses["geel"])]
    html = response.content.decode()
    assert f'Geel: <a href="{houses["geel"].get_absolute_url()}">Huis van het Kind Geel</a>' in html
    assert (
        'href="https://www.huizenvanhetkind.be/" rel="external noopener">huizenvanhetkind.be</a> (een externe website)'
        in html
    )


def test_the_home_pages_box_offers_the_nearest_huis_too(client, houses):
    """The home page's "find a Huis" box answers with the directory's lookup, nearest ones included."""
    html = client.get("/", {"q": "Westerlo"}).content.decode()
    answer = html[html.find('id="house-lookup-answer"') :]
    assert "Dichtstbij met een Huis van het Kind:" in answer
    assert f'Geel: <a href="{houses["geel"].get_absolute_url()}">Huis van het Kind Geel</a>' in answer
