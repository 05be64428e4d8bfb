"""The fixed vocabulary the platform is organised by, seeded after every migrate.

Names are the ones the Huizen van het Kind use (DESIGN.md); editors may rename or reorder
them in the CMS afterwards — the seed only adds what is missing, matched by slug.
"""

from django.db import transaction

from .models import LifeDomain

LIFE_DOMAINS = [
    ("gezondheid", "Gezondheid"),
    ("ouderschaps-en-opvoedingsondersteuning", "Ouderschaps- en opvoedingsondersteuning"),
    ("sociale-cohesie", "Sociale cohesie"),
    ("onderwijs", "Onderwijs"),
    ("kinderopvang", "Kinderopvang"),
    ("mentaal-welbevinden", "Mentaal welbevinden"),
    ("cultuur-jeugd-en-sport", "Cultuur, jeugd en sport"),
    ("socio-economische-determinanten", "Socio-economische determinanten"),
    ("jeugdhulp", "Jeugdhulp"),
    ("praktische-ondersteuning", "Praktische ondersteuning"),
]


@transaction.atomic
def taxonomy_ensure() -> None:
    existing = set(LifeDomain.objects.values_list("slug", flat=True))
    LifeDomain.objects.bulk_create(
        LifeDomain(slug=slug, name=name, sort_order=position)
        for position, (slug, name) in enumerate(LIFE_DOMAINS, start=1)
        if slug not in existing
    )


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        taxonomy_ensure()
