"""The demo's needs, offers and roadmaps (samenhuis/management/commands/load_demo.py, after
community's demo made the Kempen Huizen and CAW Kempen): two supra-local organisations of the
Kempen with two offers each, three needs of Kempen Huizen of which one is answered and one has a
handshake, and the roadmaps of Huis Geel (this year and last year) and Huis Middenkempen.

Everything goes through the services, as the people themselves would do it. The demo account
bovenlokaal@samenhuis.test works for both supra-local organisations.
"""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.test import override_settings

from community import services as community_services
from community.demo import DEMO_PASSWORD, DemoAccount
from community.models import Membership, Municipality, Organisation, Region, User
from knowledge.models import LifeDomain, TargetGroup, Theme

from . import selectors, services
from .models import Offer, Roadmap

SUPRA_LOCAL_ACCOUNT = DemoAccount("bovenlokale actor", "bovenlokaal@samenhuis.test", "Karel Claes (CAW Kempen)")
SECOND_ORGANISATION = "Opvoedingswinkel Kempen (demo)"
KEMPEN_SLUG = "referentieregio-kempen"


def _domains(*slugs):
    return list(LifeDomain.objects.filter(slug__in=slugs))


def _groups(*slugs):
    return list(TargetGroup.objects.filter(slug__in=slugs))


def _account() -> User:
    account = SUPRA_LOCAL_ACCOUNT
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(email=account.email, password=DEMO_PASSWORD)
        community_services.profile_create(user=user, display_name=account.display_name)
    EmailAddress.objects.update_or_create(user=user, email=account.email, defaults={"verified": True, "primary": True})
    return user


def _organisations(kempen: Region) -> tuple[Organisation, Organisation]:
    caw = Organisation.objects.get(name="CAW Kempen (demo)")
    shop = Organisation.objects.filter(name=SECOND_ORGANISATION).first()
    if shop is None:
        shop = community_services.organisation_save(
            organisation=Organisation(
                name=SECOND_ORGANISATION,
                kind=Organisation.Kind.SUPRA_LOCAL,
                description="Demo-organisatie. Bovenlokale actor: opvoedingsondersteuning voor gezinnen en "
                "voor de Huizen van het Kind in de Kempen.",
                city="Turnhout",
                postcode="2300",
            ),
            municipalities=list(kempen.municipalities.all()),
            life_domains=_domains("ouderschaps-en-opvoedingsondersteuning"),
        )
    return caw, shop


def _offer(actor, organisation, kempen, **data) -> Offer:
    defaults = {
        "target_groups": [],
        "regions": [kempen],
        "municipalities": [],
        "cost": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "valid_until": None,
        "audience": "public",
    }
    return services.offer_publish(actor=actor, organisation=organisation, **{**defaults, **data})


def _fill(roadmap, actor, statuses: dict, partners=()) -> None:
    """`statuses`: per life-domain slug, the statuses of its themes in order."""
    for slug, wanted in statuses.items():
        life_domain = LifeDomain.objects.get(slug=slug)
        entries = list(roadmap.entries.filter(life_domain=life_domain).order_by("theme__sort_order", "theme__name"))
        services.roadmap_domain_update(
            actor=actor,
            roadmap=roadmap,
            life_domain=life_domain,
            entries=[
                {
                    "entry": entry,
                    "status": status,
                    "partners": list(partners) if status != "none" else [],
                    "target_groups": [],
                    "notes": "",
                }
                for entry, status in zip(entries, wanted, strict=False)
            ],
        )


def exchange_demo_accounts() -> list[DemoAccount]:
    return [SUPRA_LOCAL_ACCOUNT]


def exchange_demo_ensure() -> None:
    kempen = Region.objects.filter(slug=KEMPEN_SLUG).first()
    if kempen is None or Offer.objects.filter(title__startswith="Vorming: praten met ouders over geld").exists():
        return
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        _exchange_demo(kempen)


def _exchange_demo(kempen: Region) -> None:
    staff = _account()
    caw, shop = _organisations(kempen)
    for organisation in (caw, shop):
        Membership.objects.get_or_create(
            person=staff, organisation=organisation, defaults={"role": Membership.Role.STAFF}
        )
    geel = Organisation.objects.get(name="Huis van het Kind Geel (demo)")
    midden = Organisation.objects.get(name="Huis van het Kind Middenkempen (demo)")
    coordinator = User.objects.get(email="coordinator@samenhuis.test")
    lies = User.objects.get(email="lies@demo.samenhuis.test")
    today = selectors.today()

    money = _offer(
        staff,
        caw,
        kempen,
        title="Vorming: praten met ouders over geldzorgen",
        description="Een halve dag vorming voor onthaalmedewerkers van de Huizen: hoe breng je geldzorgen "
        "ter sprake, en waar verwijs je naar door?",
        life_domains=_domains("socio-economische-determinanten", "ouderschaps-en-opvoedingsondersteuning"),
        format="training",
        cost="Gratis",
        contact_name="Karel Claes",
        contact_email="vorming@caw-kempen.test",
        valid_until=today + datetime.timedelta(days=365),
    )
    _offer(
        staff,
        caw,
        kempen,
        title="Consult: samen een gezin doorverwijzen",
        description="Een medewerker van het CAW denkt met je mee over een gezin dat meer hulp nodig heeft.",
        life_domains=_domains("jeugdhulp", "socio-economische-determinanten"),
        format="consultation",
        contact_email="onthaal@caw-kempen.test",
    )
    coaching = _offer(
        staff,
        shop,
        kempen,
        title="Coaching voor wie ouders in scheiding begeleidt",
        description="Drie coachingsmomenten voor medewerkers die ouders in scheiding ondersteunen.",
        life_domains=_domains("ouderschaps-en-opvoedingsondersteuning"),
        target_groups=_groups("ouders-en-opvoedingsverantwoordelijken"),
        format="coaching",
        cost="€ 75 per moment",
        contact_email="coaching@opvoedingswinkel-kempen.test",
        audience="members",
    )
    _offer(
        staff,
        shop,
        kempen,
        title="Materiaal: de koffer opvoedingsvragen",
        description="Een koffer met spelmateriaal en kaarten om met ouders over opvoeding te praten. Uit te lenen.",
        life_domains=_domains("ouderschaps-en-opvoedingsondersteuning"),
        target_groups=_groups("ouders-en-opvoedingsverantwoordelijken", "3-6-jaar"),
        format="material",
        cost="Gratis uit te lenen",
    )

    need_defaults = {"description": "", "theme": None, "target_groups": [], "municipalities": [], "needed_by": None}
    answered = services.need_publish(
        actor=coordinator,
        house=geel,
        **{
            **need_defaults,
            "title": "Vorming voor onze onthaalmedewerkers over geldzorgen",
            "description": "Ouders vertellen aan het onthaal steeds vaker over geldzorgen. Wie leert ons hoe we "
            "daarop reageren?",
            "life_domains": _domains("socio-economische-determinanten"),
            "urgency": "high",
        },
    )
    services.match_interest(actor=coordinator, need=answered, offer=money)
    services.need_close(
        actor=coordinator,
        need=answered,
        answered_by=money,
        note="De vorming van het CAW is ingepland voor het hele onthaalteam.",
    )
    separated = services.need_publish(
        actor=lies,
        house=midden,
        **{
            **need_defaults,
            "title": "Ondersteuning voor ouders in scheiding",
            "description": "We zoeken een partner die onze medewerkers leert ouders in scheiding te begeleiden.",
            "life_domains": _domains("ouderschaps-en-opvoedingsondersteuning"),
            "theme": Theme.objects.filter(name="Ouders in scheiding").first(),
            "target_groups": _groups("ouders-en-opvoedingsverantwoordelijken"),
            "urgency": "normal",
            "needed_by": today + datetime.timedelta(days=120),
        },
    )
    services.match_interest(actor=staff, need=separated, offer=coaching)
    services.need_publish(
        actor=coordinator,
        house=geel,
        **{
            **need_defaults,
            "title": "Vrijetijdsaanbod voor gezinnen met een klein budget",
            "description": "Welke organisatie helpt ons gezinnen met weinig middelen naar sport en cultuur te leiden?",
            "life_domains": _domains("cultuur-jeugd-en-sport"),
            "urgency": "low",
            "municipalities": list(Municipality.objects.filter(nis_code="13008")),
        },
    )

    year = today.year
    if not Roadmap.objects.filter(house=geel).exists():
        last = services.roadmap_start(actor=coordinator, house=geel, year=year - 1)
        _fill(
            last,
            coordinator,
            {
                "gezondheid": ["available", "available", "developing"],
                "ouderschaps-en-opvoedingsondersteuning": ["available"],
            },
        )
        current = services.roadmap_start(actor=coordinator, house=geel, year=year)
        _fill(
            current,
            coordinator,
            {
                "gezondheid": ["available", "available", "available"],
                "ouderschaps-en-opvoedingsondersteuning": ["available", "developing"],
                "socio-economische-determinanten": ["developing"],
                "kinderopvang": ["available"],
            },
            partners=[caw],
        )
    if not Roadmap.objects.filter(house=midden).exists():
        roadmap = services.roadmap_start(actor=lies, house=midden, year=year)
        _fill(
            roadmap,
            lies,
            {"gezondheid": ["available", "developing"], "sociale-cohesie": ["available", "available"]},
            partners=[shop],
        )
        services.roadmap_share(actor=lies, roadmap=roadmap, shared=True)
