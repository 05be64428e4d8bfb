"""Offers and needs in the unified search (search/sources.py), within their visibility: a public
offer for everyone, a members-only offer and every need for logged-in members only; an expired
offer drops out, and a change of audience is followed."""

import datetime

import pytest

from exchange import services
from search.models import SearchEntry

from .conftest import Kempen

pytestmark = pytest.mark.django_db(transaction=True)


def results(client, query):
    html = client.get("/zoeken/", {"q": query}).content.decode()
    return html[html.find('id="search-count"') :]


def test_offers_and_needs_are_found_within_their_visibility(client):
    kempen = Kempen()
    public = kempen.offer(title="Koffer met spelmateriaal", description="Spelmateriaal om uit te lenen.")
    members = kempen.offer(title="Intervisie voor onthaalwerkers", description="Spelmateriaal en coaching.")
    services.offer_update(
        actor=kempen.staff,
        offer=members,
        **{
            "title": members.title,
            "description": members.description,
            "life_domains": list(members.life_domains.all()),
            "target_groups": [],
            "format": "coaching",
            "regions": [kempen.region],
            "municipalities": [],
            "cost": "",
            "contact_name": "",
            "contact_email": "",
            "contact_phone": "",
            "valid_until": None,
            "audience": "members",
        },
    )
    kempen.need(title="Spelmateriaal voor de wachtzaal gezocht")

    anonymous = results(client, "spelmateriaal")
    assert public.title in anonymous
    assert members.title not in anonymous and "wachtzaal gezocht" not in anonymous

    client.force_login(kempen.outsider)
    member = results(client, "spelmateriaal")
    assert public.title in member and members.title in member and "wachtzaal gezocht" in member


def test_an_expired_offer_leaves_the_index_when_it_is_rebuilt(client):
    from django.core.management import call_command

    kempen = Kempen()
    offer = kempen.offer(title="Verlopen vorming")
    assert SearchEntry.objects.filter(key=f"offer:{offer.pk}").exists()
    type(offer).objects.filter(pk=offer.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))
    call_command("search_rebuild", verbosity=0)
    assert not SearchEntry.objects.filter(key=f"offer:{offer.pk}").exists()
