"""The fixed vocabulary the platform is organised by, seeded after every migrate.

Names are the ones the Huizen van het Kind use (DESIGN.md): the three basic pillars, the ten
life domains with key themes we chose for each, the target groups. Editors may rename or
reorder them in the CMS afterwards — the seed only adds what is missing, matched by slug.
"""

from django.db import transaction
from django.utils.text import slugify

from .models import LifeDomain, Pillar, TargetGroup, Theme

PILLARS = [
    ("preventieve-gezondheidszorg", "Preventieve gezondheidszorg"),
    ("opvoedingsondersteuning", "Opvoedingsondersteuning"),
    ("ontmoeting-en-sociale-cohesie", "Ontmoeting en sociale cohesie"),
]

# (slug, name, key themes)
LIFE_DOMAINS = [
    ("gezondheid", "Gezondheid", ["Consultatiebureau", "Vaccinatie", "Borstvoeding", "Gezonde voeding"]),
    (
        "ouderschaps-en-opvoedingsondersteuning",
        "Ouderschaps- en opvoedingsondersteuning",
        ["Opvoedingsvragen", "Beleving van het ouderschap", "Opvoedingswinkel", "Ouders in scheiding"],
    ),
    ("sociale-cohesie", "Sociale cohesie", ["Ontmoetingsplekken", "Buddywerking", "Netwerk rond het gezin"]),
    ("onderwijs", "Onderwijs", ["Instap in de kleuterklas", "Ouderbetrokkenheid", "Brugfiguren"]),
    ("kinderopvang", "Kinderopvang", ["Toegang tot kinderopvang", "Occasionele opvang", "Kinderopvang als vindplaats"]),
    (
        "mentaal-welbevinden",
        "Mentaal welbevinden",
        ["Veerkracht", "Perinatale mentale gezondheid", "Stress bij ouders"],
    ),
    (
        "cultuur-jeugd-en-sport",
        "Cultuur, jeugd en sport",
        ["Vrije tijd voor elk kind", "Jeugdwerk", "Samenwerking met de bibliotheek"],
    ),
    (
        "socio-economische-determinanten",
        "Socio-economische determinanten",
        ["Kinderarmoede", "Huisvesting", "Inkomen en werk", "Rechtenverkenning"],
    ),
    ("jeugdhulp", "Jeugdhulp", ["Continuïteit van zorg", "Vroeg signaleren", "Laagdrempelige hulp"]),
    (
        "praktische-ondersteuning",
        "Praktische ondersteuning",
        ["Kraamzorg", "Gezinszorg", "Materiële hulp voor jonge gezinnen"],
    ),
]

TARGET_GROUPS = [
    ("aanstaande-ouders", "Aanstaande ouders"),
    ("0-3-jaar", "Kinderen van 0 tot 3 jaar"),
    ("3-6-jaar", "Kinderen van 3 tot 6 jaar"),
    ("6-12-jaar", "Kinderen van 6 tot 12 jaar"),
    ("12-18-jaar", "Jongeren van 12 tot 18 jaar"),
    ("18-24-jaar", "Jongvolwassenen van 18 tot 24 jaar"),
    ("ouders-en-opvoedingsverantwoordelijken", "Ouders en opvoedingsverantwoordelijken"),
]


def _ensure_terms(model, terms) -> None:
    existing = set(model.objects.values_list("slug", flat=True))
    model.objects.bulk_create(
        model(slug=slug, name=name, sort_order=position)
        for position, (slug, name) in enumerate(terms, start=1)
        if slug not in existing
    )


@transaction.atomic
def taxonomy_ensure() -> None:
    _ensure_terms(Pillar, PILLARS)
    _ensure_terms(LifeDomain, [(slug, name) for slug, name, _themes in LIFE_DOMAINS])
    _ensure_terms(TargetGroup, TARGET_GROUPS)
    domains = {domain.slug: domain for domain in LifeDomain.objects.all()}
    existing = set(Theme.objects.values_list("slug", flat=True))
    Theme.objects.bulk_create(
        Theme(life_domain=domains[domain_slug], slug=slug, name=name, sort_order=position)
        for domain_slug, _name, themes in LIFE_DOMAINS
        if domain_slug in domains
        for position, name in enumerate(themes, start=1)
        if (slug := slugify(name)) not in existing
    )


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        taxonomy_ensure()
