"""The needs-and-offers pages without JavaScript (exchange/views.py): who sees what, forms that
keep their input with Dutch errors, the handshake on both detail pages, the lists' query counts,
and the start page's panel."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from exchange import services
from exchange.models import Match, Need, Offer
from exchange.start import start_matches
from samenhuis.start import MemberStart

from .conftest import domain, group, municipality

pytestmark = pytest.mark.django_db


def as_(client, user):
    client.force_login(user)
    return client


def main_of(response):
    return BeautifulSoup(response.content, "html.parser").find("main")


def offer_post(kempen, **overrides):
    data = {
        "organisation": kempen.caw.pk,
        "title": "Coaching voor onthaalmedewerkers",
        "description": "Twee sessies coaching.",
        "life_domains": [domain("ouderschaps-en-opvoedingsondersteuning").pk],
        "target_groups": [group(0).pk],
        "format": "coaching",
        "regions": [kempen.region.pk],
        "cost": "gratis",
        "contact_name": "Carl",
        "contact_email": "carl@caw.test",
        "contact_phone": "014 00 00 00",
        "valid_until": "",
        "audience": "public",
    }
    data.update(overrides)
    return data


def need_post(kempen, **overrides):
    data = {
        "house": kempen.geel.pk,
        "title": "Iemand die onze vrijwilligers opleidt",
        "description": "Rond opvoedingsvragen.",
        "life_domains": [domain("ouderschaps-en-opvoedingsondersteuning").pk],
        "theme": "",
        "target_groups": [group(0).pk],
        "urgency": "high",
        "needed_by": "",
    }
    data.update(overrides)
    return data


# Reading ----------------------------------------------------------------------------------------


def test_anonymous_visitors_read_public_offers_and_are_sent_to_log_in_for_the_rest(client, kempen):
    public = kempen.offer(title="Publiek aanbod")
    members = kempen.offer(title="Aanbod voor leden", audience="members")
    need = kempen.need()
    listing = client.get(reverse("exchange:offers"))
    assert listing.status_code == 200
    assert "Publiek aanbod" in listing.text and "Aanbod voor leden" not in listing.text
    assert client.get(public.get_absolute_url()).status_code == 200
    for url in (members.get_absolute_url(), need.get_absolute_url(), reverse("exchange:needs")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert client.get(reverse("exchange:offer", args=[999999])).status_code == 404


def test_members_read_needs_and_members_only_offers(client, kempen):
    members = kempen.offer(title="Aanbod voor leden", audience="members")
    need = kempen.need()
    as_(client, kempen.outsider)
    assert client.get(members.get_absolute_url()).status_code == 200
    page = client.get(reverse("exchange:needs"))
    assert need.title in page.text
    assert client.get(need.get_absolute_url()).status_code == 200


# Publishing -------------------------------------------------------------------------------------


def test_staff_publish_an_offer_through_the_form(client, kempen):
    as_(client, kempen.staff)
    assert client.get(reverse("exchange:offer_publish")).status_code == 200
    response = client.post(reverse("exchange:offer_publish"), offer_post(kempen))
    offer = Offer.objects.get()
    assert response.status_code == 302 and response.url == offer.get_absolute_url()
    assert offer.municipalities.filter(name_nl="Geel").exists()
    page = client.get(offer.get_absolute_url())
    assert "Coaching voor onthaalmedewerkers" in page.text and "Kempen" in page.text


def test_people_without_an_organisation_cannot_publish_an_offer(client, kempen):
    as_(client, kempen.outsider)
    assert client.get(reverse("exchange:offer_publish")).status_code == 403
    as_(client, kempen.partner_contact)
    assert client.post(reverse("exchange:offer_publish"), offer_post(kempen)).status_code == 403
    assert not Offer.objects.exists()


def test_a_staff_member_cannot_publish_for_another_organisation(client, kempen):
    as_(client, kempen.staff)
    response = client.post(reverse("exchange:offer_publish"), offer_post(kempen, organisation=kempen.clb.pk))
    assert response.status_code == 400  # not among the choices
    assert not Offer.objects.exists()


def test_an_offer_form_with_mistakes_comes_back_in_dutch_with_the_input_kept(client, kempen):
    as_(client, kempen.staff)
    response = client.post(reverse("exchange:offer_publish"), offer_post(kempen, life_domains=[], regions=[]))
    assert response.status_code == 400
    main = main_of(response)
    assert main.find("input", {"name": "title"})["value"] == "Coaching voor onthaalmedewerkers"
    assert main.find("textarea", {"name": "description"}).text.strip() == "Twee sessies coaching."
    assert "Dit is een verplicht veld." in main.get_text()
    assert "Kies de gemeenten of regio's die het aanbod dekt." in main.get_text()
    assert not Offer.objects.exists()


def test_only_the_organisation_changes_its_offer(client, kempen):
    offer = kempen.offer()
    as_(client, kempen.clb_staff)
    assert client.get(reverse("exchange:offer_edit", args=[offer.pk])).status_code == 403
    as_(client, kempen.staff)
    response = client.post(reverse("exchange:offer_edit", args=[offer.pk]), offer_post(kempen, title="Nieuwe titel"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Nieuwe titel" and offer.organisation == kempen.caw


def test_a_coordinator_publishes_a_need_for_the_huis_municipalities(client, kempen):
    as_(client, kempen.midden_coordinator)
    response = client.post(reverse("exchange:need_publish"), need_post(kempen, house=kempen.midden.pk))
    need = Need.objects.get()
    assert response.status_code == 302 and response.url == need.get_absolute_url()
    assert set(need.municipalities.values_list("name_nl", flat=True)) == {"Herentals", "Kasterlee"}
    assert need.urgency == "high"


def test_staff_of_a_huis_do_not_publish_its_needs(client, kempen):
    as_(client, kempen.geel_staff)
    assert client.get(reverse("exchange:need_publish")).status_code == 403
    as_(client, kempen.coordinator)
    response = client.post(reverse("exchange:need_publish"), need_post(kempen, house=kempen.midden.pk))
    assert response.status_code == 400
    assert not Need.objects.exists()


def test_a_need_form_with_a_past_date_comes_back_with_the_input_kept(client, kempen):
    as_(client, kempen.coordinator)
    past = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("exchange:need_publish"), need_post(kempen, needed_by=past))
    assert response.status_code == 400
    main = main_of(response)
    assert main.find("input", {"name": "title"})["value"] == "Iemand die onze vrijwilligers opleidt"
    assert main.find("input", {"name": "needed_by"})["value"] == past
    assert "Deze datum is voorbij." in response.text
    assert not Need.objects.exists()


# Matches and the handshake ----------------------------------------------------------------------


def test_the_handshake_through_the_pages(client, kempen):
    need = kempen.need()
    offer = kempen.offer(contact_email="carl@caw.test")
    kempen.coordinator.profile.share_email = True
    kempen.coordinator.profile.save()
    interest_url = reverse("exchange:match_interest", args=[need.pk, offer.pk])

    as_(client, kempen.staff)
    page = main_of(client.get(offer.get_absolute_url()))
    assert page.find("a", string=need.title)
    assert page.find("form", action=interest_url)
    assert kempen.coordinator.email not in str(page)

    as_(client, kempen.outsider)
    page = main_of(client.get(need.get_absolute_url()))
    assert page.find("a", string=offer.title) and not page.find("form", action=interest_url)
    assert client.post(interest_url).status_code == 403

    as_(client, kempen.staff)
    response = client.post(interest_url, {"next": offer.get_absolute_url()})
    assert response.status_code == 302 and response.url == offer.get_absolute_url()
    page = main_of(client.get(offer.get_absolute_url()))
    assert kempen.coordinator.email in str(page)  # the Huis's contact, now that the organisation is interested
    assert not page.find("form", action=interest_url)

    as_(client, kempen.coordinator)
    page = main_of(client.get(need.get_absolute_url()))
    assert "carl@caw.test" in str(page) and page.find("form", action=interest_url)

    as_(client, kempen.outsider)
    assert kempen.coordinator.email not in client.get(need.get_absolute_url()).text


def test_closing_a_need_asks_for_the_offer_when_answered_and_keeps_the_note(client, kempen):
    need = kempen.need()
    offer = kempen.offer()
    url = reverse("exchange:need_close", args=[need.pk])
    as_(client, kempen.staff)
    assert client.get(url).status_code == 403
    as_(client, kempen.coordinator)
    response = client.post(url, {"outcome": "answered", "answered_by": "", "note": "Heel fijn samengewerkt."})
    assert response.status_code == 400
    assert "Heel fijn samengewerkt." in main_of(response).find("textarea", {"name": "note"}).text
    response = client.post(url, {"outcome": "answered", "answered_by": offer.pk, "note": "Heel fijn samengewerkt."})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.answered_by == offer
    page = client.get(need.get_absolute_url())
    assert "Heel fijn samengewerkt." in page.text


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["exchange:offers", "exchange:needs"])
def test_the_lists_ask_the_database_a_fixed_number_of_times(client, kempen, name, django_assert_max_num_queries):
    def add(count):
        for number in range(count):
            kempen.offer(title=f"Aanbod {number}", life_domains=[domain("gezondheid"), domain("onderwijs")])
            kempen.need(title=f"Nood {number}", life_domains=[domain("gezondheid"), domain("onderwijs")])

    as_(client, kempen.outsider)
    add(2)
    client.get(reverse(name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse(name))
    assert len(main_of(page).select("li.result")) == 17


# The start page ---------------------------------------------------------------------------------


def test_the_start_page_shows_the_matches_of_the_members_needs(rf, kempen):
    need = kempen.need()
    offer = kempen.offer()
    request = rf.get("/")
    section = start_matches(MemberStart(request, kempen.coordinator, now=None, since=None))
    assert [(m.need, m.offer) for m in section.context["matches"]] == [(need, offer)]
    assert start_matches(MemberStart(request, kempen.staff, now=None, since=None)) is not None
    assert start_matches(MemberStart(request, kempen.outsider, now=None, since=None)) is None
    services.need_close(actor=kempen.coordinator, need=need, answered_by=offer)
    assert start_matches(MemberStart(request, kempen.coordinator, now=None, since=None)) is None
    assert Match.objects.count() == 1


def test_the_exchange_card_is_on_the_community_page(client, kempen):
    as_(client, kempen.outsider)
    page = client.get(reverse("community:people") if _has("community:people") else "/gemeenschap/")
    assert reverse("exchange:index") in page.text


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_the_municipalities_of_an_offer_can_be_chosen_one_by_one(client, kempen):
    as_(client, kempen.staff)
    data = offer_post(kempen, regions=[], municipalities=[municipality("Gent").pk])
    assert client.post(reverse("exchange:offer_publish"), data).status_code == 302
    assert list(Offer.objects.get().municipalities.values_list("name_nl", flat=True)) == ["Gent"]
