"""The home page, the member start page and the knowledge hub: their contexts, what knowledge
contributes to them, and the start-page visit record.

Each page collects the apps' contributions through the hook names of `samenhuis.start`
(knowledge registers its own in knowledge/wagtail_hooks.py, as community and events do in
theirs). The pages' `get_context` only calls the functions at the bottom of this module.
See docs/knowledge.md, "Home page, start page and knowledge hub".
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from community.models import Profile
from community.selectors import organisations as directory
from samenhuis import start as registry
from samenhuis.start import Card, MemberStart, Section

from . import selectors
from .footer import FOOTER
from .models import StartPageVisit
from .vocabulary import vocabulary

# A visit is a run of start-page views less than this apart ("since your last visit").
VISIT_GAP = datetime.timedelta(hours=1)
# Within a visit, the latest view is written at most this often: most views write nothing.
SEEN_WRITE_EVERY = datetime.timedelta(minutes=5)
NEW_PRACTICES_SHOWN = 5
HUB_PRACTICES = 6
HUB_ARTICLES = 3
LOOKUP_MAX_LENGTH = 100


# Since when things count as new ------------------------------------------------------------------


def member_visit_record(*, person, now: datetime.datetime) -> datetime.datetime | None:
    """Note that `person` looks at their start page `now`, and answer since when things count as
    new for them: the last view of their previous visit, None on their very first.

    One query to read, and one to write only when a visit starts or every `SEEN_WRITE_EVERY`
    within one; a reload does not move "since", so what was new stays shown during the visit.
    Concurrent first views insert one row (the second insert is ignored)."""
    visit = StartPageVisit.objects.filter(person_id=person.pk).first()
    if visit is None:
        StartPageVisit.objects.bulk_create([StartPageVisit(person_id=person.pk, seen_at=now)], ignore_conflicts=True)
        return None
    if now - visit.seen_at >= VISIT_GAP:
        StartPageVisit.objects.filter(pk=person.pk).update(previous_visit_at=visit.seen_at, seen_at=now)
        return visit.seen_at
    if now - visit.seen_at >= SEEN_WRITE_EVERY:
        StartPageVisit.objects.filter(pk=person.pk).update(seen_at=now)
    return visit.previous_visit_at


# "Find a Huis van het Kind" on the home page -------------------------------------------------------


@dataclass
class HouseLookup:
    """The answer of the home page's box: the directory's own lookup (municipalities with this
    postcode or name, each with the Huis that covers it)."""

    query: str = ""
    places: list = field(default_factory=list)
    too_short: bool = False

    @property
    def directory_url(self) -> str:
        url = reverse("community:organisations")
        return f"{url}?{urlencode({'q': self.query})}" if self.query else url


def house_lookup(raw: str) -> HouseLookup:
    query = " ".join(raw.split())[:LOOKUP_MAX_LENGTH]
    if not query:
        return HouseLookup()
    if not directory.POSTCODE.match(query) and len(query) < 3:
        return HouseLookup(query, too_short=True)
    return HouseLookup(query, directory.municipalities_nearby(query=query))


# Where the blocks' "more" links go ----------------------------------------------------------------


def remembered_page_url(request, name: str, find) -> str:
    """The address of a section page (`find()` returns it, or None), remembered per site under the
    footer's version (knowledge/footer.py): until a page is published, unpublished, moved, renamed
    or deleted. A link only, never what a visitor may read: the lists themselves are read live and
    public on every request. Events imports it for the agenda's address. Three queries fewer on
    the home page and the hub, one on the start page (docs/performance.md)."""
    site = Site.find_for_request(request)
    version = FOOTER.current()
    key = f"knowledge:section-url:{version}:{site.pk if site else 0}:{name}"
    url = cache.get(key) if version else None
    if url is None:
        page = find()
        url = page.get_url(request) or "" if page is not None else ""
        if version and url:  # a missing section is asked for again: a page made without a signal shows at once
            cache.set(key, url, FOOTER.timeout)
    return url


def _practice_index_url(request) -> str:
    return remembered_page_url(request, "practices", selectors.practice_index)


def _magazine_url(request) -> str:
    return remembered_page_url(request, "magazine", lambda: selectors.magazine_index(private=_private(request)))


# What knowledge contributes (registered in knowledge/wagtail_hooks.py) ------------------------------


def _private(request):
    """The view restrictions, read once for all the lists of this request (never kept longer)."""
    if not hasattr(request, "_samenhuis_private_pages"):
        request._samenhuis_private_pages = selectors.private_pages_q()
    return request._samenhuis_private_pages


def _practices_section(request, *, limit: int, order: int) -> Section:
    return Section(
        key="practices",
        title=_("Latest practices"),
        template="knowledge/includes/section_practices.html",
        order=order,
        context={
            "practices": selectors.practices_newest(limit=limit, private=_private(request)),
            "can_share": request.user.is_authenticated,
        },
        more_url=_practice_index_url(request),
        more_text=_("All practices"),
    )


def home_practices(request) -> Section:
    return _practices_section(request, limit=selectors.NEWEST_ON_HOME, order=20)


def hub_practices(request) -> Section:
    return _practices_section(request, limit=HUB_PRACTICES, order=20)


def _magazine_section(request, *, articles: int, order: int) -> Section:
    private = _private(request)
    return Section(
        key="magazine",
        title=_("Magazine"),
        template="knowledge/includes/section_magazine.html",
        order=order,
        context={
            "issue": selectors.magazine_current_issue(private=private),
            "articles": selectors.magazine_latest_articles(limit=articles, private=private) if articles else [],
        },
        more_url=_magazine_url(request),
        more_text=_("All issues of the magazine"),
    )


def home_magazine(request) -> Section:
    return _magazine_section(request, articles=0, order=40)


def hub_magazine(request) -> Section:
    return _magazine_section(request, articles=HUB_ARTICLES, order=30)


def hub_life_domains(request) -> Section:
    """Every life domain with its page (or the listing filtered on it) and its number of practices."""
    counts = selectors.practice_counts_by_life_domain()
    index_url = _practice_index_url(request)
    domains = [
        {
            "domain": domain,
            "url": page.get_url(request)
            if page
            else (f"{index_url}?{urlencode({'levensdomein': domain.slug})}" if index_url else ""),
            "count": counts.get(domain.pk, 0),
        }
        for domain, page in selectors.life_domains_with_pages(list(vocabulary().life_domains))
    ]
    return Section(
        key="life-domains",
        title=_("Life domains"),
        template="knowledge/includes/section_life_domains.html",
        order=10,
        context={"domains": domains},
        more_url=index_url,
        more_text=_("All practices, with filters"),
    )


def start_new_practices(start: MemberStart) -> Section:
    """New practices in the life domains of the member's expertise, since their last visit."""
    expertise = Profile.expertise.through.objects.filter(profile__user_id=start.user.pk)
    domain_ids = list(expertise.values_list("lifedomain_id", flat=True))
    practices, total = selectors.practices_new_in_life_domains(domain_ids, since=start.since, limit=NEW_PRACTICES_SHOWN)
    more_url = _practice_index_url(start.request) if domain_ids else ""
    if more_url and len(domain_ids) == 1:
        slug = next(domain.slug for domain in vocabulary().life_domains if domain.pk == domain_ids[0])
        more_url += "?" + urlencode({"levensdomein": slug})
    return Section(
        key="new-practices",
        title=_("New in your life domains"),
        template="knowledge/includes/start_new_practices.html",
        order=50,
        context={
            "practices": practices,
            "total": total,
            "more_than": selectors.NEW_COUNTED_UP_TO if total > selectors.NEW_COUNTED_UP_TO else 0,
            "has_expertise": bool(domain_ids),
            "since": start.since,
        },
        more_url=more_url,
        more_text=_("All practices in your life domains") if len(domain_ids) == 1 else _("All practices"),
    )


# The pages' contexts ----------------------------------------------------------------------------


def home_page_context(home, request) -> dict:
    preview = getattr(request, "is_preview", False)
    return {
        "lookup": house_lookup(request.GET.get("q", "")),
        "featured": selectors.home_featured(home, preview=preview, private=None if preview else _private(request)),
        "sections": registry.sections(registry.HOME_SECTIONS, request),
    }


def hub_sections(request) -> list[Section]:
    return registry.sections(registry.HUB_SECTIONS, request)


def start_page_context(request) -> dict:
    now = timezone.now()
    since = member_visit_record(person=request.user, now=now)
    start = MemberStart(request=request, user=request.user, now=now, since=since)
    # Shortcuts to what other apps offer members (the rooms): theirs to register (samenhuis/start.py).
    shortcuts = [card for card in registry.cards(registry.MEMBER_CARDS, request) if not card.yours]
    return {"since": since, "sections": registry.sections(registry.START_PANELS, start), "shortcuts": shortcuts}


def member_card(request) -> Card:
    """Under "you" on the community page: the practices the member shared."""
    return Card(
        title=_("My contributions"),
        text=_("The practices you shared and where the editors are with them."),
        url=reverse("knowledge:my_submissions"),
        order=30,
        yours=True,
    )
