"""Reads for the public directory of organisations and the coverage overview.

Every function here answers in a fixed number of queries, however many organisations or
municipalities there are: the directory and coverage pages are public and crawled.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from .. import permissions
from ..models import Membership, Municipality, Organisation, OrganisationArea, Region

POSTCODE = re.compile(r"^\d{4}$")
NEARBY_LIMIT = 6


def _is_postcode(query: str) -> bool:
    return bool(POSTCODE.match(query))


def _houses_first(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    kind_order = Case(
        When(kind=Organisation.Kind.HOUSE, then=Value(0)),
        When(kind=Organisation.Kind.SUPRA_LOCAL, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return organisations.annotate(kind_order=kind_order).order_by("kind_order", "name")


def directory_search(
    *, query: str = "", kind: str = "", province: Region | None = None, region: Region | None = None
) -> QuerySet[Organisation]:
    """Organisations matching a name, a municipality (Dutch or French name) or a postcode,
    within a province and/or region, Huizen first. Rows come with their municipalities."""
    organisations = Organisation.objects.all()
    query = query.strip()
    if _is_postcode(query):
        areas = OrganisationArea.objects.filter(municipality__postcodes__code=query)
        organisations = organisations.filter(Q(pk__in=areas.values("organisation_id")) | Q(postcode=query))
    elif query:
        areas = OrganisationArea.objects.filter(
            Q(municipality__name_nl__icontains=query) | Q(municipality__name_fr__icontains=query)
        )
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(city__icontains=query) | Q(pk__in=areas.values("organisation_id"))
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    for area in (province, region):
        if area is not None:
            inside = OrganisationArea.objects.filter(municipality__regions=area)
            organisations = organisations.filter(pk__in=inside.values("organisation_id"))
    return _houses_first(organisations).prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name_nl"))
    )


NEAREST_LIMIT = 4


@dataclass
class NearbyMunicipality:
    """A municipality the visitor may have meant, with the Huis that covers it (if any) and,
    when none does, the nearest municipalities that have one (`nearest`)."""

    municipality: Municipality
    house: Organisation | None
    nearest: list[tuple[Municipality, Organisation]] = field(default_factory=list)


def municipalities_nearby(*, query: str) -> list[NearbyMunicipality]:
    """The answer to "which Huis is in my neighbourhood": municipalities with this postcode or
    a name starting with the query, each with its covering Huis. Short queries answer nothing."""
    query = query.strip()
    if _is_postcode(query):
        municipalities = Municipality.objects.filter(postcodes__code=query)
    elif len(query) >= 3:
        municipalities = Municipality.objects.filter(Q(name_nl__istartswith=query) | Q(name_fr__istartswith=query))
    else:
        return []
    covering = OrganisationArea.objects.filter(covers=True).select_related("organisation")
    municipalities = (
        municipalities.distinct()
        .order_by("name_nl")
        .prefetch_related(Prefetch("areas", queryset=covering, to_attr="covering_areas"))[:NEARBY_LIMIT]
    )
    found = [
        NearbyMunicipality(
            municipality=municipality,
            house=municipality.covering_areas[0].organisation if municipality.covering_areas else None,
        )
        for municipality in municipalities
    ]
    nearest_covered([item for item in found if item.house is None])
    return found


# Nearest first: the same primary care zone, then the same reference region (the arrondissement).
NEAREST_KINDS = (Region.Kind.PRIMARY_CARE_ZONE, Region.Kind.REFERENCE_REGION)


def nearest_covered(uncovered: list[NearbyMunicipality]) -> None:
    """Fill `nearest` of municipalities without a Huis with covered municipalities around them, in
    two queries whatever their number. There are no coordinates in the reference data; the
    regions a municipality shares with others are what "near" can mean."""
    if not uncovered:
        return
    memberships = Region.municipalities.through.objects.filter(
        municipality__in=[item.municipality for item in uncovered], region__kind__in=NEAREST_KINDS
    ).values_list("municipality_id", "region_id", "region__kind")
    regions_of: dict[int, list[tuple[int, int]]] = {}
    for municipality_id, region_id, kind in memberships:
        regions_of.setdefault(municipality_id, []).append((NEAREST_KINDS.index(kind), region_id))
    region_ids = {region_id for regions in regions_of.values() for _rank, region_id in regions}
    covered = (
        OrganisationArea.objects.filter(covers=True, municipality__regions__in=region_ids)
        .select_related("municipality", "organisation")
        .annotate(region_id=F("municipality__regions"))
        .order_by("municipality__name_nl")
    )
    in_region: dict[int, list[OrganisationArea]] = {}
    for area in covered:
        in_region.setdefault(area.region_id, []).append(area)
    for item in uncovered:
        seen: set[int] = set()
        for _rank, region_id in sorted(regions_of.get(item.municipality.pk, [])):
            for area in in_region.get(region_id, []):
                if area.municipality_id not in seen and len(item.nearest) < NEAREST_LIMIT:
                    seen.add(area.municipality_id)
                    item.nearest.append((area.municipality, area.organisation))


def organisation_by_slug(*, slug: str) -> Organisation | None:
    return (
        Organisation.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name_nl")),
            "life_domains",
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
        )
        .first()
    )


def organisation_people(*, organisation: Organisation, viewer) -> list[Membership]:
    """The people of an organisation the viewer may see: nobody for anonymous visitors, and
    only profiles `permissions.profiles_visible_to` allows. Coordinators first."""
    if not viewer.is_authenticated:
        return []
    visible = permissions.profiles_visible_to(viewer).values("user_id")
    role_order = Case(
        When(role=Membership.Role.COORDINATOR, then=Value(0)),
        When(role=Membership.Role.STAFF, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        organisation.memberships.filter(person_id__in=visible)
        .select_related("person__profile")
        .annotate(role_order=role_order)
        .order_by("role_order", "person__profile__display_name")
    )


@dataclass
class AreaCoverage:
    """One province, or Brussels: its municipalities and which of them a Huis covers."""

    name: str
    slug: str
    is_brussels: bool
    covered: list[Municipality] = field(default_factory=list)
    uncovered: list[Municipality] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.uncovered)

    @property
    def percentage(self) -> int:
        return round(100 * len(self.covered) / self.total) if self.total else 0


def coverage_overview() -> list[AreaCoverage]:
    """Per province (alphabetically) and then Brussels: covered and uncovered municipalities.
    A covered municipality carries `house_name` and `house_slug`. Three queries."""
    covering = OrganisationArea.objects.filter(covers=True, municipality=OuterRef("pk"))
    municipalities = Municipality.objects.annotate(
        house_name=Subquery(covering.values("organisation__name")[:1]),
        house_slug=Subquery(covering.values("organisation__slug")[:1]),
    ).order_by("name_nl")
    areas = {
        region.pk: region for region in Region.objects.filter(kind__in=[Region.Kind.PROVINCE, Region.Kind.BRUSSELS])
    }
    area_of = dict(
        Region.municipalities.through.objects.filter(region_id__in=areas).values_list("municipality_id", "region_id")
    )
    overview = {
        pk: AreaCoverage(name=region.name, slug=region.slug, is_brussels=region.kind == Region.Kind.BRUSSELS)
        for pk, region in areas.items()
    }
    for municipality in municipalities:
        area = overview.get(area_of.get(municipality.pk))
        if area is None:
            continue
        (area.covered if municipality.house_name else area.uncovered).append(municipality)
    return sorted(overview.values(), key=lambda area: (area.is_brussels, area.name))
