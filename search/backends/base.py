"""The interface every search backend implements, and the values that cross it.

A backend stores `SearchDocument`s (the projection of everything searchable, `search.sources`)
and answers a `SearchRequest` with `SearchResults`: one page of hits with highlighted snippets,
the total, and facet counts. Permission filtering is part of the request (`scopes`): a backend
must apply it inside its query, so nothing outside the scopes reaches a result, a count, a facet
or a suggestion. See docs/search.md.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..analysis import MAX_QUERY_LENGTH  # noqa: F401 - one limit for the page, the parser and backends

FACETS = ("type", "life_domain", "province", "year")
COUNT_LIMIT = 10_000  # the default of settings.SAMENHUIS_SEARCH_COUNT_LIMIT


def count_limit() -> int:
    """Up to how many matches totals and facets are exact (docs/search.md, "Counting")."""
    from django.conf import settings

    return max(int(getattr(settings, "SAMENHUIS_SEARCH_COUNT_LIMIT", COUNT_LIMIT)), 1)


@dataclass(frozen=True)
class SearchDocument:
    key: str  # "<type>:<id>", unique over everything
    type: str  # practice, article, life_domain, event, material, organisation, message
    title: str
    text: str  # plain text, what the snippet is cut from
    url: str
    date: datetime | None
    scope: str  # "public", "members" or "group:<id>"
    life_domains: tuple[str, ...] = ()  # slugs
    province: str = ""  # a province name or "Brussel"
    region: str = ""
    organisation: str = ""
    context: str = ""  # where it lives: the room, the group, the event
    extra: str = ""  # indexed, never shown: compound parts and synonyms (search.analysis.index_terms)


@dataclass(frozen=True)
class SearchRequest:
    query: str
    scopes: tuple[str, ...]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> chosen values
    order: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10


@dataclass(frozen=True)
class Hit:
    key: str
    type: str
    title: str
    url: str
    date: datetime | None
    snippet: str  # HTML: escaped text with <mark> around the matches
    context: str
    score: float
    # The query's words this document lacks, when it was found by most of them ("Ontbreekt: …").
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]  # facet name -> [(value, count)], largest first
    suggestion: str = ""  # "bedoelde je ...?"
    # Above `count_limit()` matches the total is that limit and means "more than" (`total_exact`
    # False), and facet counts are lower bounds counted within the first matches (`facets_exact`).
    total_exact: bool = True
    facets_exact: bool = True


class BaseSearchBackend:
    name = "base"

    def __init__(self, *, alias: str, params: dict):
        self.alias = alias
        self.params = params

    def ping(self) -> None:
        """Raise if the backend cannot answer queries right now."""
        raise NotImplementedError

    def documents_index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace these documents; returns how many."""
        raise NotImplementedError

    def documents_delete(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    def search(self, request: SearchRequest) -> SearchResults:
        raise NotImplementedError

    def autocomplete(self, prefix: str, *, scopes: tuple[str, ...], limit: int = 8) -> list[tuple[str, str]]:
        """Titles starting with (a word starting with) the prefix: [(title, url)]."""
        raise NotImplementedError

    def rebuild(self, documents: Iterable[SearchDocument], *, progress=None) -> int:
        """Replace the whole index with these documents while searches go on; `progress(n)` is
        called as documents are written. Returns how many were indexed."""
        raise NotImplementedError
