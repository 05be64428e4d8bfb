"""Reads of needs, offers and roadmaps that carry rules: the matching rule, the lists as a viewer
may see them, a roadmap's gaps and comparison, and the regional overviews (docs/exchange.md).

The matching rule: an offer matches a need when it is still valid, covers at least one of the
need's municipalities, shares a life domain with it, and shares a target group unless one of the
two names none (then it is for every target group). Matches are ranked by the life domains and
target groups they share and by how much of the need's region the offer covers.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone

from community.models import Membership, Municipality, Organisation, OrganisationArea, Region
from knowledge.models import LifeDomain, PracticePage, Theme

from . import permissions
from .models import ExchangePreference, Match, MatchNotice, Need, NeedEvent, Offer, OfferStatus, Roadmap, RoadmapEntry

PAGE_SIZE = 20
MATCHES_SHOWN = 10
GAP_SUGGESTIONS = 3
QUARTERS_SHOWN = 8


def today() -> datetime.date:
    return timezone.localdate()


def _related_count(through, owner: str, field_name: str, ids) -> Coalesce:
    """How many of `ids` the row's many-to-many `through` holds (a subquery, 0 for none)."""
    counted = (
        through.objects.filter(**{owner: OuterRef("pk"), f"{field_name}__in": ids})
        .order_by()
        .values(owner)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def new_matches_notice_of(user) -> str:
    """How `user` hears of new matches (`MatchNotice`): in the app only unless they chose e-mail."""
    chosen = ExchangePreference.objects.filter(person_id=user.pk).values_list("new_matches", flat=True).first()
    return chosen or MatchNotice.APP


def offers_valid(offers: QuerySet[Offer], on: datetime.date | None = None) -> QuerySet[Offer]:
    on = on or today()
    return offers.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def needs_open(needs: QuerySet[Need], on: datetime.date | None = None) -> QuerySet[Need]:
    on = on or today()
    return needs.filter(status=Need.Status.OPEN).filter(Q(needed_by__isnull=True) | Q(needed_by__gte=on))


@dataclass
class Ranked:
    """A matching offer (for a need) or need (for an offer), with why it matches."""

    item: object
    shared_domains: int
    shared_groups: int
    covered: int
    of_municipalities: int
    match: Match | None = None

    @property
    def covers_all(self) -> bool:
        return self.covered >= self.of_municipalities

    @property
    def score(self) -> int:
        return 3 * self.shared_domains + 2 * self.shared_groups + (2 if self.covers_all else 1)


def _ranked(rows, of_municipalities: int) -> list[Ranked]:
    ranked = [
        Ranked(row, row.shared_domains, row.shared_groups, row.covered, of_municipalities or row.covered)
        for row in rows
    ]
    ranked.sort(key=lambda r: (-r.score, -r.item.created_at.timestamp(), -r.item.pk))
    return ranked


def offers_matching(need: Need, *, viewer=None, limit: int | None = MATCHES_SHOWN) -> list[Ranked]:
    """The valid offers that match `need`, best first; only those `viewer` may read when given
    (the services ask without a viewer, to tell every side). One query, plus the prefetches."""
    domains = list(need.life_domains.values_list("pk", flat=True))
    groups = list(need.target_groups.values_list("pk", flat=True))
    places = list(need.municipalities.values_list("pk", flat=True))
    if not domains or not places:
        return []
    offers = permissions.offers_visible_to(viewer) if viewer is not None else Offer.objects.all()
    through_domains, through_groups = Offer.life_domains.through, Offer.target_groups.through
    offers = (
        offers_valid(offers)
        .annotate(
            shared_domains=_related_count(through_domains, "offer_id", "lifedomain_id", domains),
            shared_groups=_related_count(through_groups, "offer_id", "targetgroup_id", groups),
            covered=_related_count(Offer.municipalities.through, "offer_id", "municipality_id", places),
            any_groups=Exists(through_groups.objects.filter(offer_id=OuterRef("pk"))),
        )
        .filter(shared_domains__gt=0, covered__gt=0)
        .select_related("organisation")
    )
    if groups:
        offers = offers.filter(Q(shared_groups__gt=0) | Q(any_groups=False))
    ranked = _ranked(offers, len(places))
    return ranked[:limit] if limit else ranked


def needs_matching(offer: Offer, *, viewer=None, limit: int | None = MATCHES_SHOWN) -> list[Ranked]:
    """The open needs `offer` could answer, best first (none while the offer is expired); for a
    viewer, only when they may read needs."""
    if viewer is not None and not permissions.can_see_needs(viewer):
        return []
    if offer.valid_until and offer.valid_until < today():
        return []
    domains = list(offer.life_domains.values_list("pk", flat=True))
    groups = list(offer.target_groups.values_list("pk", flat=True))
    places = list(offer.municipalities.values_list("pk", flat=True))
    if not domains or not places:
        return []
    through_groups = Need.target_groups.through
    needs = (
        needs_open(Need.objects.all())
        .annotate(
            shared_domains=_related_count(Need.life_domains.through, "need_id", "lifedomain_id", domains),
            shared_groups=_related_count(through_groups, "need_id", "targetgroup_id", groups),
            covered=_related_count(Need.municipalities.through, "need_id", "municipality_id", places),
            of_municipalities=Count("municipalities", distinct=True),
            any_groups=Exists(through_groups.objects.filter(need_id=OuterRef("pk"))),
        )
        .filter(shared_domains__gt=0, covered__gt=0)
        .select_related("house")
    )
    if groups:
        needs = needs.filter(Q(shared_groups__gt=0) | Q(any_groups=False))
    ranked = [
        Ranked(need, need.shared_domains, need.shared_groups, need.covered, need.of_municipalities) for need in needs
    ]
    ranked.sort(key=lambda r: (-r.score, -r.item.created_at.timestamp(), -r.item.pk))
    return ranked[:limit] if limit else ranked


def with_matches(ranked: list[Ranked], *, need: Need | None = None, offer: Offer | None = None) -> list[Ranked]:
    """Attach the `Match` rows (who said "interested") to ranked results (one query)."""
    if not ranked:
        return ranked
    if need is not None:
        matches = {m.offer_id: m for m in Match.objects.filter(need=need, offer_id__in=[r.item.pk for r in ranked])}
    else:
        matches = {m.need_id: m for m in Match.objects.filter(offer=offer, need_id__in=[r.item.pk for r in ranked])}
    for r in ranked:
        r.match = matches.get(r.item.pk)
    return ranked


# Lists -------------------------------------------------------------------------------------------


def offer_list(*, viewer, life_domain=None, region: Region | None = None, format: str = "", page=None):
    """The valid offers `viewer` may read, newest first, a page at a time (a fixed number of
    queries: the page, the count, the organisations joined, the life domains prefetched)."""
    offers = offers_valid(permissions.offers_visible_to(viewer))
    if life_domain is not None:
        offers = offers.filter(life_domains=life_domain)
    if region is not None:
        offers = offers.filter(
            Exists(Offer.municipalities.through.objects.filter(offer_id=OuterRef("pk"), municipality__regions=region))
        )
    if format:
        offers = offers.filter(format=format)
    offers = offers.select_related("organisation").prefetch_related("life_domains").order_by("-created_at", "-pk")
    return Paginator(offers, PAGE_SIZE).get_page(page)


def organisation_offers(organisation: Organisation, *, viewer, limit: int) -> list[Offer]:
    """The organisation's valid offers that `viewer` may read (public ones for everyone,
    members-only ones for members), newest first, at most `limit`. One query."""
    offers = offers_valid(permissions.offers_visible_to(viewer)).filter(organisation=organisation)
    return list(offers.order_by("-created_at", "-pk")[:limit])


def need_list(*, viewer, life_domain=None, region: Region | None = None, status: str = Need.Status.OPEN, page=None):
    needs = permissions.needs_visible_to(viewer)
    if status:
        needs = needs.filter(status=status)
    if life_domain is not None:
        needs = needs.filter(life_domains=life_domain)
    if region is not None:
        needs = needs.filter(
            Exists(Need.municipalities.through.objects.filter(need_id=OuterRef("pk"), municipality__regions=region))
        )
    needs = needs.select_related("house").prefetch_related("life_domains").order_by("-created_at", "-pk")
    return Paginator(needs, PAGE_SIZE).get_page(page)


def offer_detail(pk: int) -> Offer | None:
    return (
        Offer.objects.select_related("organisation")
        .prefetch_related("life_domains", "target_groups", "regions", "municipalities")
        .filter(pk=pk)
        .first()
    )


def need_detail(pk: int) -> Need | None:
    return (
        Need.objects.select_related("house", "theme", "answered_by__organisation")
        .prefetch_related("life_domains", "target_groups", "municipalities")
        .filter(pk=pk)
        .first()
    )


def need_history(need: Need) -> list[NeedEvent]:
    return list(need.events.select_related("actor__profile", "offer").order_by("created_at", "pk"))


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


def need_contact(need: Need) -> Contact:
    """Who to contact about a need: the Huis's address, and the coordinator who published it when
    their profile shares the address."""
    person = need.created_by
    name, email = need.house.name, need.house.email
    if person is not None and getattr(person, "profile", None) is not None:
        name = f"{person.display_name} ({need.house.name})"
        if person.profile.share_email:
            email = person.email
    return Contact(name, email or "", need.house.phone)


def offer_contact(offer: Offer) -> Contact:
    return Contact(
        offer.contact_name or offer.organisation.name,
        offer.contact_email or offer.organisation.email,
        offer.contact_phone or offer.organisation.phone,
    )


def recent_matches_for(user, *, limit: int = 5) -> list[Match]:
    """The newest matches of the needs of the Huizen `user` coordinates and of the offers of their
    organisations (the start page's panel: one query)."""
    if not permissions.is_member(user):
        return []
    mine = Membership.objects.filter(person=user)
    coordinated = mine.filter(role=Membership.Role.COORDINATOR).values("organisation_id")
    staffed = mine.filter(role__in=permissions.OFFER_ROLES).values("organisation_id")
    return list(
        Match.objects.filter(
            Q(need__house_id__in=coordinated, need__status=Need.Status.OPEN) | Q(offer__organisation_id__in=staffed)
        )
        .select_related("need__house", "offer__organisation")
        .order_by("-created_at", "-pk")[:limit]
    )


# Roadmaps ----------------------------------------------------------------------------------------


@dataclass
class DomainRow:
    life_domain: LifeDomain
    entries: list[RoadmapEntry] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The domain's best status: available if one theme is, else in development if one is."""
        statuses = {entry.status for entry in self.entries}
        for status in (OfferStatus.AVAILABLE, OfferStatus.DEVELOPING):
            if status in statuses:
                return status
        return OfferStatus.NONE

    @property
    def gaps(self) -> list[RoadmapEntry]:
        return [entry for entry in self.entries if entry.status == OfferStatus.NONE]


def roadmap_rows(roadmap: Roadmap) -> list[DomainRow]:
    """The roadmap per life domain, in the vocabulary's order (three queries)."""
    entries = (
        roadmap.entries.select_related("life_domain", "theme")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.only("pk", "name", "slug")), "target_groups"
        )
        .order_by("life_domain__sort_order", "life_domain__name", "theme__sort_order", "theme__name", "pk")
    )
    rows: dict[int, DomainRow] = {}
    for entry in entries:
        rows.setdefault(entry.life_domain_id, DomainRow(entry.life_domain)).entries.append(entry)
    return list(rows.values())


def roadmap_previous(roadmap: Roadmap) -> Roadmap | None:
    return Roadmap.objects.filter(house_id=roadmap.house_id, year__lt=roadmap.year).order_by("-year").first()


@dataclass(frozen=True)
class Change:
    life_domain: LifeDomain
    theme: Theme | None
    before: str
    after: str

    @property
    def before_label(self) -> str:
        return OfferStatus(self.before).label if self.before else ""

    @property
    def after_label(self) -> str:
        return OfferStatus(self.after).label


def roadmap_compare(roadmap: Roadmap, previous: Roadmap | None) -> list[Change]:
    """Every theme whose status differs from `previous` (a theme new this year counts from none)."""
    if previous is None:
        return []
    before = {(e.life_domain_id, e.theme_id): e.status for e in previous.entries.all()}
    changes = []
    for entry in roadmap.entries.select_related("life_domain", "theme").order_by(
        "life_domain__sort_order", "theme__sort_order", "pk"
    ):
        old = before.get((entry.life_domain_id, entry.theme_id), OfferStatus.NONE)
        if old != entry.status:
            changes.append(Change(entry.life_domain, entry.theme, old, entry.status))
    return changes


@dataclass
class Gap:
    life_domain: LifeDomain
    themes: list[RoadmapEntry]
    practices: list = field(default_factory=list)
    offers: list = field(default_factory=list)


def roadmap_gaps(roadmap: Roadmap, rows: list[DomainRow], *, viewer) -> list[Gap]:
    """The themes without an offer, per life domain, each with good practices of that life domain
    and valid offers that cover the Huis's municipalities (two queries, whatever the gaps)."""
    gaps = [Gap(row.life_domain, row.gaps) for row in rows if row.gaps]
    if not gaps:
        return gaps
    by_domain = {gap.life_domain.pk: gap for gap in gaps}
    practices = (
        PracticePage.objects.live()
        .public()
        .filter(life_domains__in=list(by_domain))
        .values_list("life_domains", "pk")
        .order_by("-first_published_at", "-pk")
    )
    seen_practices: dict[int, list] = {}
    for domain_id, pk in practices:
        if domain_id in by_domain and len(seen_practices.setdefault(domain_id, [])) < GAP_SUGGESTIONS:
            seen_practices[domain_id].append(pk)
    page_ids = {pk for ids in seen_practices.values() for pk in ids}
    pages = {page.pk: page for page in PracticePage.objects.filter(pk__in=page_ids).specific()} if page_ids else {}
    for domain_id, ids in seen_practices.items():
        by_domain[domain_id].practices = [pages[pk] for pk in ids if pk in pages]
    places = OrganisationArea.objects.filter(organisation_id=roadmap.house_id).values("municipality_id")
    offers = (
        offers_valid(permissions.offers_visible_to(viewer))
        .filter(municipalities__in=places, life_domains__in=list(by_domain))
        .select_related("organisation")
        .distinct()
        .prefetch_related("life_domains")
        .order_by("-created_at", "-pk")
    )
    for offer in offers:
        for domain in offer.life_domains.all():
            gap = by_domain.get(domain.pk)
            if gap is not None and len(gap.offers) < GAP_SUGGESTIONS and offer not in gap.offers:
                gap.offers.append(offer)
    return gaps


def house_region(house: Organisation) -> Region | None:
    """The reference region most of the Huis's municipalities lie in."""
    return (
        Region.objects.filter(kind=Region.Kind.REFERENCE_REGION, municipalities__areas__organisation=house)
        .annotate(shared=Count("municipalities"))
        .order_by("-shared", "name")
        .first()
    )


def houses_in(region: Region) -> QuerySet[Organisation]:
    covered = OrganisationArea.objects.filter(organisation=OuterRef("pk"), covers=True, municipality__regions=region)
    return Organisation.objects.filter(kind=Organisation.Kind.HOUSE).filter(Exists(covered))


@dataclass(frozen=True)
class DomainCoverage:
    life_domain: LifeDomain
    available: int
    developing: int
    houses: int


def region_roadmap_coverage(region: Region, year: int) -> list[DomainCoverage]:
    """Per life domain, how many Huizen of the region have an offer available (or in development)
    in their roadmap of `year`: counts only, never which Huis (two queries)."""
    houses = houses_in(region)
    total = houses.count()
    rows = (
        RoadmapEntry.objects.filter(roadmap__year=year, roadmap__house__in=houses)
        .values("life_domain_id", "status")
        .annotate(houses=Count("roadmap__house", distinct=True))
    )
    counts: dict[tuple[int, str], int] = {(r["life_domain_id"], r["status"]): r["houses"] for r in rows}
    return [
        DomainCoverage(
            domain,
            counts.get((domain.pk, OfferStatus.AVAILABLE), 0),
            counts.get((domain.pk, OfferStatus.DEVELOPING), 0),
            total,
        )
        for domain in LifeDomain.objects.order_by("sort_order", "name")
    ]


# The supra-local overview ------------------------------------------------------------------------


@dataclass
class RegionOverview:
    region: Region
    domains: list[LifeDomain]
    needs_by_domain: list[tuple[LifeDomain, int, int, int]]  # domain, open, answered, not answered
    municipalities: list[Municipality]
    table: list[tuple[Municipality, list[int]]]  # per municipality, valid offers per domain
    by_quarter: list[tuple[str, int, int]] = field(default_factory=list)  # "2026 K4", published, answered

    @property
    def answered(self) -> int:
        return sum(row[2] for row in self.needs_by_domain)


def region_overview(region: Region, *, viewer, life_domains=None) -> RegionOverview:
    """For a supra-local actor: the needs of the region per life domain (open, answered, not
    answered) and, per municipality and life domain, how many valid offers cover it (0: a gap).
    A fixed number of queries, whatever the size of the region."""
    domains = list(life_domains) if life_domains else list(LifeDomain.objects.order_by("sort_order", "name"))
    domain_ids = [d.pk for d in domains]
    in_region = Exists(
        Need.municipalities.through.objects.filter(need_id=OuterRef("need_id"), municipality__regions=region)
    )
    counted = (
        Need.life_domains.through.objects.filter(in_region, lifedomain_id__in=domain_ids)
        .values("lifedomain_id", "need__status")
        .annotate(count=Count("need_id", distinct=True))
    )
    counts = {(r["lifedomain_id"], r["need__status"]): r["count"] for r in counted}
    needs_by_domain = [
        (
            d,
            counts.get((d.pk, Need.Status.OPEN), 0),
            counts.get((d.pk, Need.Status.ANSWERED), 0),
            counts.get((d.pk, Need.Status.NOT_ANSWERED), 0),
        )
        for d in domains
    ]
    municipalities = list(region.municipalities.order_by("name_nl"))
    valid = offers_valid(permissions.offers_visible_to(viewer)).values("pk")
    covered = (
        Offer.municipalities.through.objects.filter(offer_id__in=valid, municipality__in=municipalities)
        .values("municipality_id", "offer__life_domains")
        .annotate(count=Count("offer_id", distinct=True))
    )
    cells = {(r["municipality_id"], r["offer__life_domains"]): r["count"] for r in covered}
    table = [(m, [cells.get((m.pk, d.pk), 0) for d in domains]) for m in municipalities]
    return RegionOverview(
        region, domains, needs_by_domain, municipalities, table, _needs_by_quarter(region, domain_ids)
    )


@dataclass(frozen=True)
class ProvinceCoverage:
    """How many municipalities of a province (or Brussels) valid offers cover: in any of the life
    domains shown, and per life domain (in `domains` order)."""

    region: Region
    municipalities: int
    covered: int
    by_domain: list[int]

    @staticmethod
    def band(covered: int, total: int) -> int:
        """0 for none, then 1-4 for up to a quarter, half, three quarters, more: the colour class."""
        if not covered or not total:
            return 0
        return min(4, 1 + (4 * covered - 1) // total)

    @property
    def share(self) -> int:
        return round(100 * self.covered / self.municipalities) if self.municipalities else 0

    @property
    def level(self) -> int:
        return self.band(self.covered, self.municipalities)

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        """Per life domain: municipalities covered, their share in percent, the colour band."""
        total = self.municipalities
        return [(n, round(100 * n / total) if total else 0, self.band(n, total)) for n in self.by_domain]


def province_coverage(*, viewer, life_domains=None) -> tuple[list[LifeDomain], list[ProvinceCoverage]]:
    """For the map-like overview: per province and Brussels, how many of its municipalities at least
    one valid offer that `viewer` may read covers, in any of `life_domains` (all by default) and in
    each. Three queries, however many offers or municipalities."""
    domains = list(life_domains) if life_domains else list(LifeDomain.objects.order_by("sort_order", "name"))
    domain_ids = [d.pk for d in domains]
    provinces = list(
        Region.objects.filter(kind__in=Region.PROVINCE_KINDS)
        .annotate(total=Count("municipalities", distinct=True))
        .order_by("name")
    )
    links = Offer.municipalities.through.objects.filter(
        offer_id__in=offers_valid(permissions.offers_visible_to(viewer)).values("pk"),
        offer__life_domains__in=domain_ids,
        municipality__regions__kind__in=Region.PROVINCE_KINDS,
    )
    per_domain = {
        (row["municipality__regions"], row["offer__life_domains"]): row["count"]
        for row in links.values("municipality__regions", "offer__life_domains")
        .annotate(count=Count("municipality_id", distinct=True))
        .order_by()
    }
    anywhere = dict(
        links.values("municipality__regions")
        .annotate(count=Count("municipality_id", distinct=True))
        .order_by()
        .values_list("municipality__regions", "count")
    )
    return domains, [
        ProvinceCoverage(
            region=province,
            municipalities=province.total,
            covered=anywhere.get(province.pk, 0),
            by_domain=[per_domain.get((province.pk, pk), 0) for pk in domain_ids],
        )
        for province in provinces
    ]


def _needs_by_quarter(region: Region, domain_ids: list[int]) -> list[tuple[str, int, int]]:
    """The needs of the region in these life domains per quarter they were published (the last
    QUARTERS_SHOWN quarters with any), and how many of them were answered (one query)."""
    rows = (
        Need.objects.filter(
            Exists(Need.municipalities.through.objects.filter(need_id=OuterRef("pk"), municipality__regions=region)),
            Exists(Need.life_domains.through.objects.filter(need_id=OuterRef("pk"), lifedomain_id__in=domain_ids)),
        )
        .annotate(quarter=TruncQuarter("created_at"))
        .values("quarter")
        .annotate(published=Count("pk"), answered=Count("pk", filter=Q(status=Need.Status.ANSWERED)))
        .order_by("-quarter")[:QUARTERS_SHOWN]
    )
    return [
        (f"{row['quarter'].year} K{(row['quarter'].month - 1) // 3 + 1}", row["published"], row["answered"])
        for row in reversed(list(rows))
    ]
