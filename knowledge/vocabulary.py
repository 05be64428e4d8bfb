"""The taxonomy and the regions, read once and kept in the cache.

The practice listing's filters offer every life domain, pillar, theme, target group, province
and region, and practice pages name their terms: read from the database on every request, that
was eight small queries and about a fifth of the listing's time (docs/performance.md). The terms
change a few times a year, so one snapshot lives in the default cache (Redis in production,
shared by every process) and is dropped whenever an editor saves or deletes a term or a region.
Regions created in bulk by the reference data (no save signal) show up when the snapshot
expires, after at most `TIMEOUT` seconds; that only happens when an installation is set up.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from community.models import Region

from .models import LifeDomain, Pillar, TargetGroup, Theme

CACHE_KEY = "knowledge:vocabulary:1"
TIMEOUT = 300


@dataclass(frozen=True)
class Vocabulary:
    life_domains: tuple[LifeDomain, ...]
    pillars: tuple[Pillar, ...]
    themes: tuple[Theme, ...]  # each with its life_domain loaded
    target_groups: tuple[TargetGroup, ...]
    provinces: tuple[Region, ...]  # the five provinces and Brussels
    regions: tuple[Region, ...]  # every other region: reference regions, care zones, custom ones
    _by_id: dict = field(default_factory=dict, repr=False, compare=False)

    def term(self, model, pk):
        """The term of this model with this id, or None (deleted since the snapshot)."""
        return self._by_id.get((model, pk))


def _load() -> Vocabulary:
    life_domains = tuple(LifeDomain.objects.all())
    domains_by_id = {domain.pk: domain for domain in life_domains}
    themes = tuple(Theme.objects.all())
    for theme in themes:
        theme.life_domain = domains_by_id[theme.life_domain_id]
    regions = list(Region.objects.order_by("kind", "name"))
    vocabulary = Vocabulary(
        life_domains=life_domains,
        pillars=tuple(Pillar.objects.all()),
        themes=themes,
        target_groups=tuple(TargetGroup.objects.all()),
        provinces=tuple(region for region in regions if region.kind in Region.PROVINCE_KINDS),
        regions=tuple(region for region in regions if region.kind not in Region.PROVINCE_KINDS),
    )
    for terms in (life_domains, vocabulary.pillars, themes, vocabulary.target_groups, regions):
        for term in terms:
            vocabulary._by_id[(type(term), term.pk)] = term
    return vocabulary


def vocabulary() -> Vocabulary:
    snapshot = cache.get(CACHE_KEY)
    if snapshot is None:
        snapshot = _load()
        cache.set(CACHE_KEY, snapshot, TIMEOUT)
    return snapshot


def forget(**_kwargs) -> None:
    # Now, and again after the commit: a request in between may have cached the old rows.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


for _model in (LifeDomain, Pillar, Theme, TargetGroup, Region):
    post_save.connect(forget, sender=_model, dispatch_uid=f"vocabulary-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"vocabulary-delete-{_model.__name__}")
