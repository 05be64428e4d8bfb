"""Reads of the knowledge base: the practice listing, the live lists of life-domain pages, and
what the home page, the knowledge hub and the start page show of the knowledge base.

Every function here returns querysets whose query count does not grow with the number of
practices: relations shown in lists are joined or prefetched, filters are subqueries.
See docs/knowledge.md, "Practices and life-domain pages".
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet, Value
from wagtail.models import Page as WagtailPage

from community.models import OrganisationArea, Region

from . import practice_cache
from .models import (
    HomePageFeature,
    LifeDomain,
    LifeDomainPage,
    MagazineArticlePage,
    MagazineIndexPage,
    MagazineIssuePage,
    Pillar,
    PracticeIndexPage,
    PracticePage,
    TargetGroup,
    Theme,
)
from .vocabulary import vocabulary

# What a card (includes/practice_card.html) shows and its link needs; loading whole practices
# (rich text, the story body, every page column) took twice as long (docs/performance.md).
CARD_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "content_type_id",
    "live",
    "first_published_at",
    "summary",
    "offer_level",
    "house__name",
)

LIVE_LIST_LENGTH = 5
RELATED_PRACTICES = 3
PRACTICES_PER_PAGE = 12
MAX_PAGE = 10_000  # a larger number (one that overflows the database's integers) shows the last page


class PracticeOrder:
    NEWEST = "nieuw"
    TITLE = "az"


@dataclass(frozen=True)
class PracticeFilters:
    """What the listing is narrowed to; `None` (or "") means no restriction."""

    life_domain: LifeDomain | None = None
    pillar: Pillar | None = None
    theme: Theme | None = None
    target_group: TargetGroup | None = None
    province: Region | None = None
    region: Region | None = None
    offer_level: str = ""
    order: str = PracticeOrder.NEWEST

    def key(self) -> str:
        """The filters as a short string, for cache keys."""
        terms = (self.life_domain, self.pillar, self.theme, self.target_group, self.province, self.region)
        return "-".join(str(term.pk) if term else "" for term in terms) + f"-{self.offer_level}-{self.order}"


def practices_live() -> QuerySet[PracticePage]:
    """Published, publicly visible practices. The lists read their ids from it and show them with
    `_cards_by_ids`."""
    return PracticePage.objects.live().public()


def practice_cards(practices) -> list[PracticePage]:
    """The practices with `card_life_domains` set, in one query for all of them.

    Cheaper than prefetch_related: modelcluster builds a queryset per instance even for
    prefetched relations, which made the listing measurably slower (docs/performance.md).
    """
    practices = list(practices)
    links = PracticePage.life_domains.through.objects.filter(
        practicepage_id__in=[practice.pk for practice in practices]
    ).select_related("lifedomain")
    by_practice: dict[int, list[LifeDomain]] = {}
    for link in sorted(links, key=lambda link: (link.lifedomain.sort_order, link.lifedomain.name)):
        by_practice.setdefault(link.practicepage_id, []).append(link.lifedomain)
    for practice in practices:
        practice.card_life_domains = by_practice.get(practice.pk, [])
    return practices


def _cards_by_ids(ids: list[int]) -> list[PracticePage]:
    """The live, public practices with these ids, in this order, as cards: a remembered id of a
    practice unpublished, deleted or restricted since is left out."""
    by_id = PracticePage.objects.live().public().select_related("house").only(*CARD_FIELDS).in_bulk(ids)
    return practice_cards(by_id[pk] for pk in ids if pk in by_id)


def _in_region(region: Region) -> Q:
    """Practices in one of the region's municipalities, or from a Huis that covers one of them."""
    in_municipality = PracticePage.municipalities.through.objects.filter(municipality__regions=region).values(
        "practicepage_id"
    )
    covering_houses = OrganisationArea.objects.filter(covers=True, municipality__regions=region).values(
        "organisation_id"
    )
    return Q(pk__in=in_municipality) | Q(house_id__in=covering_houses)


def practice_list(filters: PracticeFilters) -> QuerySet[PracticePage]:
    """The listing: filters combine (AND); ordered newest first or by title."""
    practices = practices_live()
    if filters.life_domain:
        practices = practices.filter(life_domains=filters.life_domain)
    if filters.pillar:
        practices = practices.filter(pillars=filters.pillar)
    if filters.theme:
        practices = practices.filter(themes=filters.theme)
    if filters.target_group:
        practices = practices.filter(target_groups=filters.target_group)
    for region in (filters.province, filters.region):
        if region:
            practices = practices.filter(_in_region(region))
    if filters.offer_level:
        practices = practices.filter(offer_level=filters.offer_level)
    if filters.order == PracticeOrder.TITLE:
        return practices.order_by("title", "pk")
    return practices.order_by("-first_published_at", "-pk")


class _TotalCount(Func):
    """The number of rows of the whole result, on every row of a page: count and page in one query."""

    template = "COUNT(*) OVER ()"
    output_field = IntegerField()


def practice_page(filters: PracticeFilters, number) -> Page:
    """One page of the listing, as cards; a page number out of range gives the last page.

    The filtered, sorted query returns ids only, with the total on every row (a window function
    saves the separate COUNT, which with thousands of practices and a region filter cost as much
    as the page itself); the twelve practices of the page are then read by id. Carrying whole
    pages through the sort made the database copy every matching row (docs/performance.md).
    """
    try:
        number = min(max(1, int(number)), MAX_PAGE)  # beyond: the last page, as for any number past the end
    except (TypeError, ValueError):
        number = 1
    count, number, ids = practice_cache.remembered(
        "listing", (filters.key(), number), lambda: _page_ids(filters, number)
    )
    paginator = Paginator([], PRACTICES_PER_PAGE)
    paginator.count = count
    return Page(_cards_by_ids(ids), number, paginator)


def _page_ids(filters: PracticeFilters, number: int) -> tuple[int, int, list[int]]:
    """(total, the page number shown, the ids on it): a number beyond the end shows the last page."""
    matching = practice_list(filters).annotate(total_count=_TotalCount()).values_list("pk", "total_count")

    def rows(number):
        start = (number - 1) * PRACTICES_PER_PAGE
        return list(matching[start : start + PRACTICES_PER_PAGE])

    page = rows(number)
    if page:
        count = page[0][1]
    elif number > 1:
        count = matching.count()
        number = max(1, -(-count // PRACTICES_PER_PAGE))
        page = rows(number) if count else []
    else:
        count = 0
    return count, number, [pk for pk, _total in page]


def _newest_in_life_domains(domain_ids, *, limit: int, exclude_pk=None) -> list[PracticePage]:
    """The newest practices tagged with any of these domains, as cards.

    An EXISTS per row, ordered by first publication alone, lets the database walk the pages
    newest first and stop at `limit`; a join or IN list made it sort every tagged practice.
    """
    domain_ids = sorted(domain_ids)

    def newest_ids():
        tagged = PracticePage.life_domains.through.objects.filter(
            practicepage_id=OuterRef("pk"), lifedomain_id__in=domain_ids
        )
        practices = practices_live().filter(Exists(tagged))
        if exclude_pk is not None:
            practices = practices.exclude(pk=exclude_pk)
        return list(practices.order_by("-first_published_at").values_list("pk", flat=True)[:limit])

    ids = practice_cache.remembered("newest", (*domain_ids, "limit", limit, "not", exclude_pk), newest_ids)
    return _cards_by_ids(ids)


def practices_related(practice: PracticePage, domain_ids=None) -> list[PracticePage]:
    """Other practices that share a life domain with this one, newest first. Pass the practice's
    life-domain ids when the caller already has them."""
    if domain_ids is None:
        domain_ids = list(
            PracticePage.life_domains.through.objects.filter(practicepage_id=practice.pk).values_list(
                "lifedomain_id", flat=True
            )
        )
    return _newest_in_life_domains(domain_ids, limit=RELATED_PRACTICES, exclude_pk=practice.pk)


@dataclass(frozen=True)
class PracticeTerms:
    life_domains: list[LifeDomain]
    pillars: list[Pillar]
    themes: list[Theme]
    target_groups: list[TargetGroup]


_TERM_RELATIONS = (
    ("life_domains", LifeDomain, "lifedomain_id"),
    ("pillars", Pillar, "pillar_id"),
    ("themes", Theme, "theme_id"),
    ("target_groups", TargetGroup, "targetgroup_id"),
)


def practice_terms(practice: PracticePage, *, preview: bool = False) -> PracticeTerms:
    """The practice's life domains, pillars, themes and target groups, in vocabulary order.

    One query over the four link tables, the terms themselves from the vocabulary snapshot.
    A preview shows the revision being edited, whose links are not in the database yet: there
    the page's own relations answer.
    """
    if preview or practice.pk is None:
        return PracticeTerms(*(list(getattr(practice, name).all()) for name, _model, _column in _TERM_RELATIONS))
    links = [
        getattr(PracticePage, name)
        .through.objects.filter(practicepage_id=practice.pk)
        .values_list(Value(index), column)
        for index, (name, _model, column) in enumerate(_TERM_RELATIONS)
    ]
    chosen = [set() for _relation in _TERM_RELATIONS]
    for index, pk in links[0].union(*links[1:], all=True):
        chosen[index].add(pk)
    terms = vocabulary()
    ordered = (terms.life_domains, terms.pillars, terms.themes, terms.target_groups)
    return PracticeTerms(*([term for term in ordered[index] if term.pk in chosen[index]] for index in range(4)))


def life_domains_with_pages(domains: list[LifeDomain]) -> list[tuple[LifeDomain, LifeDomainPage | None]]:
    """Each life domain with its live page (None where there is none)."""
    pages = LifeDomainPage.objects.live().filter(life_domain__in=[domain.pk for domain in domains])
    by_domain = {page.life_domain_id: page for page in pages}
    return [(domain, by_domain.get(domain.pk)) for domain in domains]


def practice_index() -> PracticeIndexPage | None:
    return PracticeIndexPage.objects.live().first()


def life_domain_practices(domain: LifeDomain) -> list[PracticePage]:
    return _newest_in_life_domains([domain.pk], limit=LIVE_LIST_LENGTH)


def life_domain_articles(domain: LifeDomain) -> list[MagazineArticlePage]:
    return list(
        MagazineArticlePage.objects.live()
        .public()
        .filter(life_domains=domain)
        .order_by("-first_published_at", "-pk")[:LIVE_LIST_LENGTH]
    )


# The home page, the knowledge hub and the start page (knowledge/start.py) ---------------------
#
# A page that shows several lists filters each on "public" (no view restriction above it). Wagtail's
# `PageQuerySet.public()` reads every restriction for that, once per list; these functions take
# the restrictions read once for the request instead (`private`: `private_pages_q()`), and read
# them themselves when not given one. Never remembered beyond the request (knowledge/restrictions.py).

NEWEST_ON_HOME = 3


def private_pages_q() -> Q:
    """Wagtail's `private_q()`: the pages in a section with a view restriction. One query."""
    return WagtailPage.objects.all().private_q()


def _public(pages: QuerySet, private: Q | None) -> QuerySet:
    return pages.public() if private is None else pages.exclude(private)


def practices_newest(*, limit: int = NEWEST_ON_HOME, private: Q | None = None) -> list[PracticePage]:
    """The newest live, public practices, as cards; which ones is remembered until the
    practices change (knowledge/practice_cache.py), whether they are public is read now."""

    def newest_ids():
        return list(practices_live().order_by("-first_published_at", "-pk").values_list("pk", flat=True)[:limit])

    ids = practice_cache.remembered("newest-all", (limit,), newest_ids)
    by_id = _public(PracticePage.objects.live(), private).select_related("house").only(*CARD_FIELDS).in_bulk(ids)
    return practice_cards(by_id[pk] for pk in ids if pk in by_id)


NEW_COUNTED_UP_TO = 99


def practices_new_in_life_domains(domain_ids, *, since, limit: int) -> tuple[list[PracticePage], int]:
    """The newest practices tagged with any of these domains and first published after `since`
    (any time when None), with their Huis, and how many there are, counted up to
    `NEW_COUNTED_UP_TO` (one more means "more than that"). One query for the ids, newest first
    (the database walks the first publication index backwards and stops after 100 matches; an
    exact count made it read every match: 6 ms for 500 on PostgreSQL), one for the practices (the
    card columns, without their life domains: the list is of the reader's own). Personal
    (`since`), so not remembered."""
    if not domain_ids:
        return [], 0
    tagged = PracticePage.life_domains.through.objects.filter(
        practicepage_id=OuterRef("pk"), lifedomain_id__in=sorted(domain_ids)
    )
    practices = practices_live().filter(Exists(tagged))
    if since is not None:
        practices = practices.filter(first_published_at__gt=since)
    ids = list(practices.order_by("-first_published_at", "-pk").values_list("pk", flat=True)[: NEW_COUNTED_UP_TO + 1])
    shown = ids[:limit]
    # The ids were just read as live and public: the restrictions are not read a second time.
    by_id = PracticePage.objects.live().select_related("house").only(*CARD_FIELDS).in_bulk(shown)
    return [by_id[pk] for pk in shown if pk in by_id], len(ids)


def practice_counts_by_life_domain() -> dict[int, int]:
    """How many live, public practices each life domain has (a domain without any is absent):
    one grouped query, remembered until the practices change."""

    def counts():
        links = PracticePage.life_domains.through.objects.filter(practicepage_id__in=practices_live().values("pk"))
        return dict(links.values_list("lifedomain_id").annotate(count=Count("pk")).order_by())

    return practice_cache.remembered("counts-by-domain", (), counts)


def magazine_index(*, private: Q | None = None) -> MagazineIndexPage | None:
    # By id, not by tree path (Page's ordering): walking the path index passed every practice
    # on PostgreSQL first (4 ms with 10,000).
    return _public(MagazineIndexPage.objects.live(), private).order_by("pk").first()


def magazine_current_issue(*, private: Q | None = None) -> MagazineIssuePage | None:
    """The latest live, public issue, with its cover."""
    issues = _public(MagazineIssuePage.objects.live(), private).select_related("cover_image")
    return issues.order_by("-publication_date", "-number").first()


def magazine_latest_articles(*, limit: int, private: Q | None = None) -> list[MagazineArticlePage]:
    return list(_public(MagazineArticlePage.objects.live(), private).order_by("-first_published_at", "-pk")[:limit])


def home_featured(home, *, preview: bool = False, private: Q | None = None) -> list[HomePageFeature]:
    """The editors' featured pages that a visitor may open (live and public), in their order,
    each with `link_page` loaded: one query. A preview shows the featured pages being edited."""
    if preview:
        return [item for item in home.featured_items.all() if item.link_page_id and item.link_page.live]
    public = _public(WagtailPage.objects.live(), private).values("pk")
    return list(
        HomePageFeature.objects.filter(page=home, link_page__in=public)
        .select_related("link_page")
        .order_by("sort_order")
    )
