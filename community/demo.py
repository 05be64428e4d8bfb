"""Demo accounts for `manage.py load_demo`: one per role, e-mail verified, known password.

The addresses use the reserved .test domain, so no demo mail can reach a real person.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Prefetch
from django.test.utils import override_settings
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import services
from .models import IntervisionGroup, Membership, Municipality, Organisation, OrganisationArea, Region, User

DEMO_PASSWORD = "samenhuis-demo"  # noqa: S105 - printed on purpose; demo data only


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    display_name: str
    superuser: bool = False
    editor: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("redacteur", "redactie@samenhuis.test", "Sofie Redactie", editor=True),
    DemoAccount("coördinator", "coordinator@samenhuis.test", "An Peeters (Huis van het Kind Geel)"),
    DemoAccount("gespreksleider", "gespreksleider@samenhuis.test", "Karim Gespreksleider"),
    DemoAccount("beheerder", "beheer@samenhuis.test", "Beheer Samenhuis", superuser=True),
]


def editors_group_ensure() -> Group:
    """Wagtail's "Editors" group: admin access, pages under the home page, images and documents."""
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    home = Page.objects.filter(depth=2).first()
    if home is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    collection = Collection.get_first_root_node()
    for app_label, codenames in (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "choose_document")),
    ):
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    return group


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                is_staff=account.superuser,
                is_superuser=account.superuser,
            )
            services.profile_create(user=user, display_name=account.display_name)
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.editor:
            user.groups.add(editors_group_ensure())
    return DEMO_ACCOUNTS


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    nis_codes: tuple[str, ...]
    description: str
    city: str
    postcode: str


DEMO_ORGANISATIONS = [
    DemoOrganisation(
        "Huis van het Kind Geel (demo)",
        Organisation.Kind.HOUSE,
        ("13008",),
        "Demo-organisatie. Consultatiebureau, spelotheek en opvoedingsondersteuning onder één dak in Geel.",
        "Geel",
        "2440",
    ),
    DemoOrganisation(
        "Huis van het Kind Middenkempen (demo)",
        Organisation.Kind.HOUSE,
        ("13011", "13017"),
        "Demo-organisatie. Een samenwerking van Herentals en Kasterlee rond gezinsondersteuning dicht bij huis.",
        "Herentals",
        "2200",
    ),
    DemoOrganisation(
        "Huis van het Kind Hasselt (demo)",
        Organisation.Kind.HOUSE,
        ("71072",),
        "Demo-organisatie. Ontmoetingsmomenten voor jonge ouders en een buurtgerichte werking in Hasselt.",
        "Hasselt",
        "3500",
    ),
    DemoOrganisation(
        "Huis van het Kind Gent (demo)",
        Organisation.Kind.HOUSE,
        ("44021",),
        "Demo-organisatie. Een stadsbreed netwerk met lokale huizen in verschillende Gentse wijken.",
        "Gent",
        "9000",
    ),
    DemoOrganisation(
        "Huis van het Kind Brugge (demo)",
        Organisation.Kind.HOUSE,
        ("31005",),
        "Demo-organisatie. Opvoedingsondersteuning, inloopmomenten en een gezinsloket in Brugge.",
        "Brugge",
        "8000",
    ),
    DemoOrganisation(
        "Huis van het Kind Schaarbeek (demo)",
        Organisation.Kind.HOUSE,
        ("21015",),
        "Demo-organisatie. Nederlandstalig aanbod voor gezinnen in Schaarbeek, samen met Brusselse partners.",
        "Schaarbeek",
        "1030",
    ),
    DemoOrganisation(
        "CAW Kempen (demo)",
        Organisation.Kind.SUPRA_LOCAL,
        ("13008", "13011", "13017", "13025", "13040"),
        "Demo-organisatie. Bovenlokale actor: onthaal, begeleiding en advies voor gezinnen in de Kempen.",
        "Turnhout",
        "2300",
    ),
]


def demo_organisations_ensure() -> list[Organisation]:
    from knowledge.models import LifeDomain

    domains = list(LifeDomain.objects.order_by("sort_order")[:3])
    organisations = []
    for item in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=item.name).first()
        if organisation is None:
            organisation = services.organisation_save(
                organisation=Organisation(
                    name=item.name,
                    kind=item.kind,
                    description=item.description,
                    city=item.city,
                    postcode=item.postcode,
                ),
                municipalities=services.municipalities_from_codes(item.nis_codes),
                life_domains=domains,
            )
        organisations.append(organisation)
    return organisations


def demo_houses_ensure() -> list[Organisation]:
    """About thirty more demo Huizen over every province, so the directory and the coverage overview
    look like a real installation: one in every other primary care zone (by name), covering the
    first two or three municipalities of that zone that no Huis covers yet, named after the first
    ("Huis van het Kind Aalst (demo)"). Idempotent: a zone where a demo Huis works already is done."""
    from knowledge.models import LifeDomain

    domains = list(LifeDomain.objects.order_by("sort_order")[:3])
    covered = set(OrganisationArea.objects.filter(covers=True).values_list("municipality_id", flat=True))
    demo_coverage = {
        area.municipality_id: area.organisation
        for area in OrganisationArea.objects.filter(covers=True, organisation__name__endswith="(demo)").select_related(
            "organisation"
        )
    }
    zones = Region.objects.filter(kind=Region.Kind.PRIMARY_CARE_ZONE).order_by("name")
    zones = zones.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name_nl").prefetch_related("postcodes"))
    )
    houses = []
    for zone in list(zones)[::2]:
        municipalities = list(zone.municipalities.all())
        made = next((demo_coverage[m.pk] for m in municipalities if m.pk in demo_coverage), None)
        if made is not None:  # a demo Huis works here already (made by an earlier run, or one of the above)
            houses.append(made)
            continue
        free = [municipality for municipality in municipalities if municipality.pk not in covered][:3]
        if len(free) < 2:
            continue
        postcode = min((postcode.code for postcode in free[0].postcodes.all()), default="")
        house = services.organisation_save(
            organisation=Organisation(
                name=f"Huis van het Kind {free[0].name_nl} (demo)",
                kind=Organisation.Kind.HOUSE,
                description=(
                    "Demo-organisatie. Consultatiebureau, opvoedingsondersteuning en ontmoeting voor gezinnen "
                    f"in {', '.join(municipality.name_nl for municipality in free)}."
                ),
                city=free[0].name_nl,
                postcode=postcode,
            ),
            municipalities=free,
            life_domains=domains,
        )
        covered.update(municipality.pk for municipality in free)
        houses.append(house)
    return houses


@dataclass(frozen=True)
class DemoColleague:
    """A coordinator in the demo's groups and conversations. Colleagues cannot log in (no
    password): they are there so the groups and rooms look lived in."""

    email: str
    display_name: str
    house: str


DEMO_COLLEAGUES = [
    DemoColleague("lies@demo.samenhuis.test", "Lies Wouters (Huis van het Kind Middenkempen)", "Middenkempen"),
    DemoColleague("jonas@demo.samenhuis.test", "Jonas De Smet (Huis van het Kind Gent)", "Gent"),
    DemoColleague("fatima@demo.samenhuis.test", "Fatima El Amrani (Huis van het Kind Gent)", "Gent"),
    DemoColleague("ruben@demo.samenhuis.test", "Ruben Claes (Huis van het Kind Hasselt)", "Hasselt"),
    DemoColleague("eline@demo.samenhuis.test", "Eline Vandamme (Huis van het Kind Brugge)", "Brugge"),
    DemoColleague("tom@demo.samenhuis.test", "Tom Peeters (Huis van het Kind Leuven)", ""),
]


def demo_colleagues_ensure() -> dict[str, User]:
    colleagues = {}
    for colleague in DEMO_COLLEAGUES:
        user = User.objects.filter(email=colleague.email).first()
        if user is None:
            user = User.objects.create_user(email=colleague.email, password=None)  # cannot log in
            services.profile_create(user=user, display_name=colleague.display_name)
        house = Organisation.objects.filter(name=f"Huis van het Kind {colleague.house} (demo)").first()
        if colleague.house and house is not None:
            Membership.objects.get_or_create(
                person=user, organisation=house, defaults={"role": Membership.Role.COORDINATOR}
            )
        colleagues[colleague.email.split("@")[0]] = user
    return colleagues


def _invited(group: IntervisionGroup, facilitator: User, person: User) -> None:
    """Join a demo group the way people do: the facilitator invites, the person accepts (a request
    approved at once left the facilitator a "wants to join" notification about a member)."""
    if group.memberships.filter(person=person).exists():
        return
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    invitation = services.group_member_invite(actor=facilitator, group=group, email=person.email)
    services.group_invitation_accept(user=person, token=services.invitation_token(invitation))


# Regional intervision groups: (name, reference region, visibility, facilitator, members, description)
DEMO_REGIONAL_GROUPS = [
    (
        "Intervisiegroep Regio Gent",
        "Regio Gent",
        IntervisionGroup.Visibility.CLOSED,
        "jonas",
        ["fatima"],
        "Coördinatoren uit Gent en omgeving bespreken maandelijks een casus volgens de roddelmethode.",
    ),
    (
        "Intervisiegroep Limburg",
        "Limburg",
        IntervisionGroup.Visibility.OPEN,
        "ruben",
        [],
        "Open intervisie voor Limburgse Huizen van het Kind: elk kwartaal een casus en een thema.",
    ),
    (
        "Intervisiegroep Westhoek en Brugge",
        "Westhoek",
        IntervisionGroup.Visibility.CLOSED,
        "eline",
        [],
        "Kleine Huizen uit de Westhoek en de regio Brugge helpen elkaar met vragen over samenwerking.",
    ),
    (
        "Intervisiegroep Oost-Brabant",
        "Oost-Brabant",
        IntervisionGroup.Visibility.OPEN,
        "tom",
        ["lies"],
        "Een open groep voor coördinatoren uit Leuven en het Hageland, met de tienstappenmethode.",
    ),
]


def demo_groups_ensure() -> list[IntervisionGroup]:
    """The closed Kempen group (coordinator and facilitator are members) and a secret group."""
    admin = User.objects.get(email="beheer@samenhuis.test")
    coordinator = User.objects.get(email="coordinator@samenhuis.test")
    facilitator = User.objects.get(email="gespreksleider@samenhuis.test")
    geel = Organisation.objects.get(name="Huis van het Kind Geel (demo)")
    Membership.objects.get_or_create(
        person=coordinator, organisation=geel, defaults={"role": Membership.Role.COORDINATOR}
    )
    groups = []
    kempen = IntervisionGroup.objects.filter(name="Intervisiegroep Kempen").first()
    if kempen is None:
        kempen = services.group_create(
            actor=admin,
            name="Intervisiegroep Kempen",
            visibility=IntervisionGroup.Visibility.CLOSED,
            region=Region.objects.get(slug="referentieregio-kempen"),
            facilitators=[facilitator],
            description=(
                "Coördinatoren van de Huizen van het Kind in de Kempen komen om de zes weken samen "
                "om een casus uit hun werk te bespreken volgens de incidentmethode."
            ),
        )
    _invited(kempen, facilitator, coordinator)
    colleagues = demo_colleagues_ensure()
    _invited(kempen, facilitator, colleagues["lies"])
    groups.append(kempen)
    secret = IntervisionGroup.objects.filter(name="Werkgroep kwetsbare gezinnen (demo)").first()
    if secret is None:
        secret = services.group_create(
            actor=admin,
            name="Werkgroep kwetsbare gezinnen (demo)",
            visibility=IntervisionGroup.Visibility.SECRET,
            facilitators=[facilitator],
            description="Een besloten groep die situaties van gezinnen in armoede bespreekt; alleen op uitnodiging.",
        )
    groups.append(secret)
    for name, region, visibility, facilitator_key, member_keys, description in DEMO_REGIONAL_GROUPS:
        group = IntervisionGroup.objects.filter(name=name).first()
        if group is None:
            group = services.group_create(
                actor=admin,
                name=name,
                visibility=visibility,
                region=Region.objects.get(kind=Region.Kind.REFERENCE_REGION, name=region),
                facilitators=[colleagues[facilitator_key]],
                description=description,
            )
        for key in member_keys:
            _invited(group, colleagues[facilitator_key], colleagues[key])
        groups.append(group)
    return groups


def demo_community_ensure() -> None:
    """Demo organisations and groups; the demo sends no mail (it would only reach .test addresses)."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        demo_organisations_ensure()
        demo_houses_ensure()
        demo_groups_ensure()
