"""What the needs-and-offers tests share: a Kempen setting with two Huizen, a supra-local
organisation and a partner, each with their people, built through the real services."""

import datetime

import pytest

from community.models import Municipality, Organisation, Region
from exchange import services
from knowledge.models import LifeDomain, TargetGroup
from tests.factories import OrganisationFactory, UserFactory, member_of


def municipality(name):
    return Municipality.objects.get(name_nl=name)


def domain(slug):
    return LifeDomain.objects.get(slug=slug)


def group(index=0):
    return list(TargetGroup.objects.order_by("sort_order", "name"))[index]


class Kempen:
    """Huis Geel (Geel), Huis Middenkempen (Herentals, Kasterlee), CAW Kempen (supra-local) with a
    staff member, a partner contact, an outsider member and an administrator."""

    def __init__(self):
        self.geel = OrganisationFactory(name="Huis Geel", municipalities=[municipality("Geel")])
        self.midden = OrganisationFactory(
            name="Huis Middenkempen", municipalities=[municipality("Herentals"), municipality("Kasterlee")]
        )
        self.caw = OrganisationFactory(name="CAW Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
        self.clb = OrganisationFactory(name="CLB Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
        self.coordinator = member_of(self.geel, role="coordinator", profile="An Geel")
        self.midden_coordinator = member_of(self.midden, role="coordinator", profile="Lies Midden")
        self.geel_staff = member_of(self.geel, role="staff", profile="Staf Geel")
        self.staff = member_of(self.caw, role="staff", profile="Carl CAW")
        self.clb_staff = member_of(self.clb, role="coordinator", profile="Cleo CLB")
        self.partner_contact = member_of(self.caw, role="partner_contact", profile="Pieter Partner")
        self.outsider = UserFactory(profile="Olga Buiten")
        self.admin = UserFactory(is_superuser=True, is_staff=True, profile="Ad Min")
        self.region = Region.objects.get(kind=Region.Kind.REFERENCE_REGION, name="Kempen")

    def offer(self, *, organisation=None, actor=None, **kwargs):
        data = {
            "title": "Vorming opvoedingsondersteuning",
            "description": "Een vorming voor medewerkers.",
            "life_domains": [domain("ouderschaps-en-opvoedingsondersteuning")],
            "target_groups": [group(0)],
            "format": "training",
            "regions": [self.region],
            "municipalities": [],
            "cost": "gratis",
            "contact_name": "Carl",
            "contact_email": "carl@caw.test",
            "contact_phone": "",
            "valid_until": None,
            "audience": "public",
        }
        data.update(kwargs)
        return services.offer_publish(actor=actor or self.staff, organisation=organisation or self.caw, **data)

    def need(self, *, house=None, actor=None, **kwargs):
        data = {
            "title": "Vorming rond opvoedingsvragen",
            "description": "Voor onze onthaalmedewerkers.",
            "life_domains": [domain("ouderschaps-en-opvoedingsondersteuning")],
            "theme": None,
            "target_groups": [group(0)],
            "municipalities": [],
            "urgency": "normal",
            "needed_by": datetime.date.today() + datetime.timedelta(days=60),
        }
        data.update(kwargs)
        return services.need_publish(actor=actor or self.coordinator, house=house or self.geel, **data)


@pytest.fixture
def kempen(db):
    return Kempen()
