"""Demo accounts for `manage.py load_demo`: one per role, e-mail verified, known password.

The addresses use the reserved .test domain, so no demo mail can reach a real person.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test.utils import override_settings
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import services
from .models import IntervisionGroup, Membership, Organisation, Region, User

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
        join_request = services.group_member_request(
            actor=coordinator, group=kempen, motivation="Ik coördineer het Huis van het Kind in Geel."
        )
        services.group_request_decide(actor=facilitator, join_request=join_request, approve=True)
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
    return groups


def demo_community_ensure() -> None:
    """Demo organisations and groups; the demo sends no mail (it would only reach .test addresses)."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        demo_organisations_ensure()
        demo_groups_ensure()
