"""The member directory: only profiles the viewer may see, filters that combine and survive
paging, never an e-mail address, and a query count that does not grow with the members."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Membership, Municipality, Profile
from community.uploads import image_clean
from knowledge.models import LifeDomain
from tests.community.test_profiles import photo
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = reverse("community:members")
Visibility = Profile.Visibility


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def member(name, *, organisation=None, expertise=(), visibility=Visibility.MEMBERS, share_email=True, avatar=False):
    user = UserFactory(profile=name)
    services.profile_update(
        user=user,
        display_name=name,
        function="Coördinator",
        expertise=expertise,
        visibility=visibility,
        share_email=share_email,
        avatar=image_clean(photo(), max_bytes=10**7, box=400) if avatar else None,
    )
    if organisation is not None:
        Membership.objects.create(person=user, organisation=organisation)
    return user


def listed(response) -> list[str]:
    return [profile.display_name for profile in response.context["page_obj"]]


@pytest.fixture
def viewer():
    return UserFactory(profile="Kijker")


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def houses():
    def municipality(code):
        return Municipality.objects.get(nis_code=code)

    return {
        "geel": OrganisationFactory(name="Huis van het Kind Geel", municipalities=[municipality("13008")]),
        "hasselt": OrganisationFactory(name="Huis van het Kind Hasselt", municipalities=[municipality("71072")]),
    }


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_lists_only_profiles_the_viewer_may_see(logged_in, viewer, houses):
    member("An Publiek", visibility=Visibility.PUBLIC)
    member("Bert Leden")
    member("Carla Verbonden", visibility=Visibility.CONNECTIONS, organisation=houses["geel"])
    member("Dirk Verborgen", visibility=Visibility.CONNECTIONS, organisation=houses["hasselt"])
    Membership.objects.create(person=viewer, organisation=houses["geel"])
    inactive = member("Els Weg")
    inactive.is_active = False
    inactive.save()

    response = logged_in.get(MEMBERS)

    assert response.status_code == 200
    assert listed(response) == ["An Publiek", "Bert Leden", "Carla Verbonden", "Kijker"]
    assert "Dirk Verborgen" not in response.content.decode()
    assert response.context["page_obj"].paginator.count == 4


def test_filter_by_name_ignores_case(logged_in):
    member("An Peeters")
    member("Bert Janssens")
    assert listed(logged_in.get(MEMBERS, {"q": "PEET"})) == ["An Peeters"]


def test_filter_by_organisation(logged_in, houses):
    member("An Geel", organisation=houses["geel"])
    member("Bert Hasselt", organisation=houses["hasselt"])
    member("Carla Nergens")
    assert listed(logged_in.get(MEMBERS, {"organisatie": houses["geel"].slug})) == ["An Geel"]


def test_filter_by_region_uses_the_organisations_municipalities(logged_in, houses):
    member("An Geel", organisation=houses["geel"])
    member("Bert Hasselt", organisation=houses["hasselt"])
    member("Carla Nergens")
    assert listed(logged_in.get(MEMBERS, {"regio": "referentieregio-kempen"})) == ["An Geel"]
    assert listed(logged_in.get(MEMBERS, {"regio": "provincie-limburg"})) == ["Bert Hasselt"]
    assert listed(logged_in.get(MEMBERS, {"regio": "brussels-hoofdstedelijk-gewest"})) == []


def test_filter_by_expertise(logged_in):
    health, education = LifeDomain.objects.order_by("pk")[:2]
    member("An Gezond", expertise=[health])
    member("Bert Beide", expertise=[health, education])
    member("Carla Geen")
    assert listed(logged_in.get(MEMBERS, {"expertise": health.slug})) == ["An Gezond", "Bert Beide"]
    assert listed(logged_in.get(MEMBERS, {"expertise": education.slug})) == ["Bert Beide"]


def test_filters_combine(logged_in, houses):
    health = LifeDomain.objects.order_by("pk").first()
    member("An Geel", organisation=houses["geel"], expertise=[health])
    member("Anja Geel", organisation=houses["geel"])
    member("An Hasselt", organisation=houses["hasselt"], expertise=[health])
    response = logged_in.get(MEMBERS, {"q": "an", "regio": "provincie-antwerpen", "expertise": health.slug})
    assert listed(response) == ["An Geel"]


def test_an_unknown_filter_value_is_reported_and_ignored(logged_in):
    member("An Peeters")
    response = logged_in.get(MEMBERS, {"organisatie": "bestaat-niet", "q": "peeters"})
    assert response.status_code == 200
    assert "organisatie" in response.context["form"].errors
    assert listed(response) == ["An Peeters"]


def test_pagination_keeps_the_filters(logged_in):
    for number in range(30):
        member(f"Proef {number:02d}")
    member("Iemand Anders")

    first = logged_in.get(MEMBERS, {"q": "proef"})
    assert len(listed(first)) == 24
    assert "30" in first.content.decode()
    next_link = unescape(re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1))
    assert "q=proef" in next_link
    assert "pagina=2" in next_link

    second = logged_in.get(MEMBERS + next_link)
    assert listed(second) == [f"Proef {number:02d}" for number in range(24, 30)]
    previous_link = unescape(re.search(r'href="([^"]+)" rel="prev"', second.content.decode()).group(1))
    assert "q=proef" in previous_link


def test_an_out_of_range_page_shows_the_last_page(logged_in):
    member("An Peeters")
    response = logged_in.get(MEMBERS, {"pagina": "99"})
    assert response.status_code == 200
    assert "An Peeters" in listed(response)


def test_never_shows_email_addresses(logged_in, viewer, houses):
    people = [member(f"Deler {n}", share_email=True, organisation=houses["geel"]) for n in range(3)]
    html = logged_in.get(MEMBERS).content.decode()
    for person in [*people, viewer]:
        assert person.email not in html
    assert "mailto:" not in html
    assert "@huis.test" not in html


def test_the_empty_result_says_what_to_do(logged_in):
    html = logged_in.get(MEMBERS, {"q": "niemand heet zo"}).content.decode()
    assert 'class="empty"' in html
    assert f'href="{MEMBERS}"' in html


def test_the_filter_form_works_without_javascript_and_is_labelled(logged_in):
    html = logged_in.get(MEMBERS).content.decode()
    form = re.search(r'<form method="get"[^>]*role="search".*?</form>', html, re.DOTALL).group(0)
    assert 'type="submit"' in form
    for name in ("q", "organisatie", "regio", "expertise"):
        assert f'<label for="id_{name}">' in form
        assert f'name="{name}"' in form
    assert html.count("<h1") == 1


def directory_queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MEMBERS, filters)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_members(logged_in, houses):
    domains = list(LifeDomain.objects.order_by("pk")[:3])

    def add(count, start):
        for number in range(start, start + count):
            member(
                f"Lid {number:02d}",
                organisation=houses["geel"] if number % 2 else houses["hasselt"],
                expertise=domains[: number % 3 + 1],
                avatar=number % 4 == 0,
            )

    add(5, 0)
    logged_in.get(MEMBERS)  # the first request of a test also fills the site caches of the layout
    few = directory_queries(logged_in)
    few_filtered = directory_queries(logged_in, q="lid", regio="provincie-antwerpen", expertise=domains[0].slug)
    add(35, 5)
    assert directory_queries(logged_in) == few
    assert directory_queries(logged_in, q="lid", regio="provincie-antwerpen", expertise=domains[0].slug) == few_filtered
    assert few <= 20  # the layout (session, user, notifications, footer) takes about ten of these
