"""The demo shows the Kempen: offers of two supra-local organisations, three needs of Huizen of
which one is answered, and two Huizen with a roadmap."""

import pytest
from django.core.management import call_command

from exchange.models import Match, Need, Offer, Roadmap

pytestmark = pytest.mark.django_db


def test_the_demo_has_kempen_offers_needs_and_roadmaps(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    organisations = set(Offer.objects.values_list("organisation__name", flat=True))
    assert organisations == {"CAW Kempen (demo)", "Opvoedingswinkel Kempen (demo)"}
    assert Offer.objects.count() == 4
    assert Need.objects.count() == 3
    assert Need.objects.filter(status=Need.Status.ANSWERED, answered_by__isnull=False).count() == 1
    assert Match.objects.filter(organisation_interested_at__isnull=False).exists()
    assert set(Roadmap.objects.values_list("house__name", flat=True)) == {
        "Huis van het Kind Geel (demo)",
        "Huis van het Kind Middenkempen (demo)",
    }
    assert Roadmap.objects.filter(house__name="Huis van het Kind Geel (demo)").count() == 2

    client.login(email="bovenlokaal@samenhuis.test", password="samenhuis-demo")
    need = Need.objects.get(title="Ondersteuning voor ouders in scheiding")
    page = client.get(need.get_absolute_url())
    assert page.status_code == 200 and "coaching@opvoedingswinkel-kempen.test" in page.text
