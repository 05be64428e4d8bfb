"""The taxonomy and the regions, read once per process and kept in memory.

The practice listing's filters offer every life domain, pillar, theme, target group, province
and region, and practice pages name their terms: read from the database on every request, that
was eight small queries and about a fifth of the listing's time (docs/performance.md). The terms
change a few times a year, so each process keeps one snapshot in memory, and the default cache
(Redis in production, shared by every process) holds the snapshot's version. Saving or deleting
a term or a region drops the version, and every process reads the terms again on its next
request. Regions created in bulk by the reference data (no save signal) show up when the version
expires, after at most five minutes; that only happens when an installation is set up.
"""

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from community.models import Region
from samenhuis.versions import SharedVersion

from .models import LifeDomain, Pillar, TargetGroup, Theme


@dataclass(frozen=True)
class Vocabulary:
    life_domains: tuple[LifeDomain, ...]
    pillars: tuple[Pillar, ...]
    themes: tuple[Theme, ...]  # each with its life_domain loaded
    target_groups: tuple[TargetGroup, ...]
    provinces: tuple[Region, ...]  # the five provinces and Brussels
    regions: tuple[Region, ...]  # every other region: reference regions, care zones, custom ones


def _load() -> Vocabulary:
    life_domains = tuple(LifeDomain.objects.all())
    domains_by_id = {domain.pk: domain for domain in life_domains}
    themes = tuple(Theme.objects.all())
    for theme in themes:
        theme.life_domain = domains_by_id[theme.life_domain_id]
    regions = list(Region.objects.order_by("kind", "name"))
    return Vocabulary(
        life_domains=life_domains,
        pillars=tuple(Pillar.objects.all()),
        themes=themes,
        target_groups=tuple(TargetGroup.objects.all()),
        provinces=tuple(region for region in regions if region.kind in Region.PROVINCE_KINDS),
        regions=tuple(region for region in regions if region.kind not in Region.PROVINCE_KINDS),
    )
    return vocabulary


VERSION = SharedVersion("knowledge:vocabulary:version", timeout=300)
_snapshot: tuple[str, Vocabulary] | None = None  # (version, snapshot) of this process


def vocabulary() -> Vocabulary:
    """The snapshot, kept in this process's memory; the cache holds only its version.

    Unpickling some 130 model instances from the cache on every request cost more than the
    queries it saved, so the cache only says which version is current: one small read.
    """
    global _snapshot
    version = VERSION.current()
    if _snapshot is None or _snapshot[0] != version or version is None:
        _snapshot = (version, _load())
    return _snapshot[1]


for _model in (LifeDomain, Pillar, Theme, TargetGroup, Region):
    post_save.connect(VERSION.bump, sender=_model, dispatch_uid=f"vocabulary-save-{_model.__name__}")
    post_delete.connect(VERSION.bump, sender=_model, dispatch_uid=f"vocabulary-delete-{_model.__name__}")
