"""The search page and the title suggestions. Thin: the visitor's scopes come from
`search.permissions`, the query goes to the configured backend (docs/search.md)."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from knowledge.models import LifeDomain

from .backends import get_search_backend
from .backends.base import FACETS, MAX_QUERY_LENGTH, SearchRequest, count_limit
from .permissions import scopes_for

RESULTS_PER_PAGE = 10
MAX_PAGE = 100
TYPE_LABELS = {
    "practice": _("Good practice"),
    "article": _("Magazine article"),
    "life_domain": _("Life domain"),
    "event": _("Event"),
    "material": _("Event material"),
    "organisation": _("Organisation"),
    "message": _("Message in a discussion room"),
    "offer": _("Offer"),
    "need": _("Need of a Huis"),
}
# Types whose date says something to the reader; a life domain's or an organisation's is only
# when its page was last published.
DATED_TYPES = {"practice", "article", "event", "material", "message", "offer", "need"}
FACET_LABELS = {"type": _("Type"), "life_domain": _("Life domain"), "province": _("Province"), "year": _("Year")}
PARAMETERS = {"type": "soort", "life_domain": "levensdomein", "province": "provincie", "year": "jaar"}


def _values(raw: list[str]) -> tuple[str, ...]:
    """Facet values as they can be: short, printable (a NUL byte is an error in PostgreSQL)."""
    return tuple(value[:80] for value in raw[:20] if value and value.isprintable())


def _page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def index(request):
    query = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    filters = {facet: _values(request.GET.getlist(PARAMETERS[facet])) for facet in FACETS}
    order = "date" if request.GET.get("volgorde") == "datum" else "relevance"
    number = _page_number(request.GET.get("pagina"))
    context = {"query": query, "order": order, "type_labels": TYPE_LABELS}
    if query:

        def search(words: str):
            return get_search_backend().search(
                SearchRequest(
                    query=words,
                    scopes=scopes_for(request.user),
                    filters={facet: values for facet, values in filters.items() if values},
                    order=order,
                    offset=(number - 1) * RESULTS_PER_PAGE,
                    limit=RESULTS_PER_PAGE,
                )
            )

        results = search(query)
        # A typo with nothing found: show what the suggestion finds, as the big engines do, with a
        # way back to the words as typed (`letterlijk`).
        if not results.total and results.suggestion and request.GET.get("letterlijk") != "1":
            corrected = search(results.suggestion)
            if corrected.total:
                context["corrected"], results = results.suggestion, corrected
        paginator = Paginator(range(results.total), RESULTS_PER_PAGE)
        page_obj = paginator.get_page(number)
        domains = dict(LifeDomain.objects.values_list("slug", "name"))
        context.update(
            results=results,
            bound=number_format(count_limit(), force_grouping=True),
            hits=[(hit, TYPE_LABELS.get(hit.type, hit.type), hit.type in DATED_TYPES) for hit in results.hits],
            page_obj=page_obj,
            facets=[
                {
                    "name": facet,
                    "parameter": PARAMETERS[facet],
                    "label": FACET_LABELS[facet],
                    "values": [
                        {
                            "value": value,
                            "label": TYPE_LABELS.get(value, value) if facet == "type" else domains.get(value, value),
                            "count": count,
                            "checked": value in filters[facet],
                        }
                        for value, count in results.facets.get(facet, [])
                    ],
                }
                for facet in FACETS
            ],
            filtered=any(filters.values()),
        )
    return render(request, "search/index.html", context)


def suggestions(request):
    """Titles for the search box's suggestion list (JSON); the same scopes as the results."""
    prefix = request.GET.get("q", "")[:60]
    titles = get_search_backend().autocomplete(prefix, scopes=scopes_for(request.user))
    return JsonResponse({"suggestions": [{"title": title, "url": url} for title, url in titles]})
