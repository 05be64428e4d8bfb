"""Search in an Elasticsearch cluster through elasticsearch-dsl. See docs/search.md.

The index is reached through an alias (`INDEX`, default "samenhuis"): `rebuild` fills a fresh
`<alias>-<UTC timestamp>` index and moves the alias in one atomic `update_aliases` call, so searches
go on while the index is rebuilt. `index_definition` and `search_body` are pure functions that build
the request bodies; the tests assert on them without a cluster.

Permission filtering (`SearchRequest.scopes`) is a `terms` filter on `scope` inside the main query,
never in `post_filter`: hits, the total and every facet count only ever see in-scope documents.
Elasticsearch errors propagate; the caller logs them and retries (see `search.backends.base`).
"""

import contextlib
import html
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from pathlib import Path

from django.utils import timezone
from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from elasticsearch_dsl import Index, Mapping, analyzer, token_filter, tokenizer
from elasticsearch_dsl.field import Date, Integer, Keyword, Text

from .. import analysis
from .base import (
    FACETS,
    MAX_QUERY_LENGTH,
    BaseSearchBackend,
    Hit,
    SearchDocument,
    SearchRequest,
    SearchResults,
    count_limit,
)

DATA = Path(__file__).resolve().parent.parent / "data"
REBUILD_CHUNK_SIZE = 500
SNIPPET_LENGTH = 200
FACET_SIZE = 50
QUERY_FIELDS = ("title^3", "text", "extra")
QUERY_FLAGS = "AND|OR|NOT|PHRASE|PREFIX|WHITESPACE"
# Facet name (base.FACETS, what requests and results speak) -> the indexed field.
FACET_FIELDS = {"type": "type", "life_domain": "life_domains", "province": "province", "year": "year"}
SOURCE_FIELDS = ("key", "type", "title", "url", "date", "context", "text")


def _data_lines(name: str) -> Iterator[str]:
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@cache
def synonym_rules() -> tuple[str, ...]:
    """The groups of synonyms.txt as Solr rules "a, b, c": each term matches every other."""
    return tuple(
        ", ".join(term.strip().lower() for term in line.split(",") if term.strip())
        for line in _data_lines("synonyms.txt")
    )


@cache
def compound_parts() -> tuple[str, ...]:
    """Every part of compounds.txt, and each part that ends in a linking s or e also without it
    ("opvoedings" and "opvoeding"), so the decompounder emits the word people search for. Only a
    part followed by another can end in a linking letter; the last part is kept as it is."""
    parts = set()
    for line in _data_lines("compounds.txt"):
        words = [part.strip() for part in line.lower().split("|") if part.strip()]
        parts.update(words)
        parts.update(part[:-1] for part in words[:-1] if part[-1] in "se" and len(part) > 4)
    return tuple(sorted(parts))


def _analyzers():
    """(index analyzer, search analyzer, autocomplete analyzer, autocomplete search analyzer).

    Compounds are split at index time only: "opvoedingsondersteuning" is indexed with its parts,
    so a search for "opvoeding" finds it, while a search for the whole compound stays precise
    (split at search time, its parts would be alternatives and "kinderopvang" would find every
    "kinder..."). Synonyms are expanded at search time only, because `synonym_graph` produces a
    correct graph only there; the projection also writes synonyms into `extra` when indexing."""
    lowercase = "lowercase"
    asciifolding = token_filter("samenhuis_asciifolding", "asciifolding", preserve_original=True)
    synonyms = token_filter("samenhuis_synonyms", "synonym_graph", synonyms=list(synonym_rules()))
    decompounder = token_filter("samenhuis_decompounder", "dictionary_decompounder", word_list=list(compound_parts()))
    stop = token_filter("samenhuis_dutch_stop", "stop", stopwords="_dutch_")
    stemmer = token_filter("samenhuis_dutch_stemmer", "stemmer", language="dutch")
    dutch = analyzer(
        "samenhuis_dutch",
        tokenizer="standard",
        filter=[lowercase, asciifolding, decompounder, stop, stemmer],
    )
    dutch_search = analyzer(
        "samenhuis_dutch_search",
        tokenizer="standard",
        filter=[lowercase, asciifolding, synonyms, stop, stemmer],
    )
    edge_ngram = token_filter("samenhuis_edge_ngram", "edge_ngram", min_gram=2, max_gram=20)
    autocomplete = analyzer(
        "samenhuis_autocomplete",
        tokenizer=tokenizer("standard"),
        filter=[lowercase, "asciifolding", edge_ngram],
    )
    autocomplete_search = analyzer(
        "samenhuis_autocomplete_search", tokenizer="standard", filter=[lowercase, "asciifolding"]
    )
    return dutch, dutch_search, autocomplete, autocomplete_search


def index_definition(name: str) -> dict:
    """The body (settings with analysis, and mappings) to create index `name` with."""
    dutch, dutch_search, autocomplete, autocomplete_search = _analyzers()

    def dutch_text(**kwargs):
        return Text(analyzer=dutch, search_analyzer=dutch_search, **kwargs)

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("key", Keyword())
    mapping.field("type", Keyword())
    mapping.field(
        "title",
        dutch_text(
            fields={
                "raw": Keyword(),
                "autocomplete": Text(analyzer=autocomplete, search_analyzer=autocomplete_search),
            }
        ),
    )
    mapping.field("text", dutch_text(term_vector="with_positions_offsets"))
    mapping.field("extra", dutch_text())
    mapping.field("url", Keyword(index=False))
    mapping.field("date", Date())
    mapping.field("year", Integer())
    for field in ("scope", "life_domains", "province", "region", "organisation"):
        mapping.field(field, Keyword())
    mapping.field("context", dutch_text(fields={"raw": Keyword()}))
    index = Index(name)
    index.mapping(mapping)
    return index.to_dict()


def _facet_filters(filters: dict[str, tuple[str, ...]]) -> dict[str, dict]:
    """The chosen facet values as one `terms` filter per facet; unknown facets and values that
    cannot be in the field (a year that is no number) are dropped rather than failing the search."""
    clauses = {}
    for facet, field in FACET_FIELDS.items():
        values = [str(value) for value in filters.get(facet, ()) if str(value)]
        if facet == "year":
            values = [int(value) for value in values if value.isdigit()]
        if values:
            clauses[facet] = {"terms": {field: values}}
    return clauses


def _all_of(clauses: list[dict]) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


# A document's score gains this much for every word of a relaxed query it contains, so documents
# with more of the words always rank above those with fewer (BM25 decides within), as the
# database backend orders them (docs/search.md, "Matching").
WORD_MATCHED_BOOST = 1000.0


def _words_query(text: str, operator: str = "and") -> dict:
    return {
        "simple_query_string": {
            "query": text,
            "fields": list(QUERY_FIELDS),
            "default_operator": operator,
            "flags": QUERY_FLAGS,
        }
    }


def relaxed_query(relaxed: analysis.ParsedQuery) -> dict:
    """A query that lets a document miss some words (`analysis.relaxed`): each meaningful word is
    a `should` clause named after its place (`w0`, `w1`, …: `matched_queries` tells which a hit
    contains), at least `relaxed.minimum` of them must match; quoted phrases must, excluded words
    must not."""
    should = []
    for number, term in enumerate(relaxed.terms):
        words = _words_query(" | ".join(term.variants), "or")
        should.append(
            {
                "bool": {
                    "_name": f"w{number}",
                    "should": [{"constant_score": {"filter": words, "boost": WORD_MATCHED_BOOST}}, words],
                }
            }
        )
    query = {"bool": {"should": should, "minimum_should_match": relaxed.minimum}}
    required = [_words_query('"' + " ".join(term.phrase) + '"') for term in relaxed.required]
    if required:
        query["bool"]["must"] = required
    if relaxed.excluded:
        query["bool"]["must_not"] = [_words_query(word) for word in relaxed.excluded]
    return query


def search_body(request: SearchRequest, *, relaxed: analysis.ParsedQuery | None = None) -> dict:
    """The search request body for one page of results with facets (with `relaxed`, for the
    documents that contain most of the words: `relaxed_query`).

    The scope filter is in the main query, so it narrows hits, total and aggregations alike. The
    chosen facet values go in `post_filter` (they narrow the hits only), and each facet's
    aggregation applies the chosen values of the *other* facets: choosing "Antwerpen" does not
    hide the other provinces, but does narrow the counts of types and years."""
    query = request.query.strip()[:MAX_QUERY_LENGTH].strip()
    if relaxed is not None:
        must = relaxed_query(relaxed)
    elif query:
        must = _words_query(analysis.without_filler(query))
    else:
        must = {"match_all": {}}
    facet_filters = _facet_filters(request.filters)
    aggregations = {
        facet: {
            "filter": _all_of([clause for name, clause in facet_filters.items() if name != facet]),
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE}}},
        }
        for facet, field in FACET_FIELDS.items()
    }
    if request.order == "date":
        sort = [{"date": {"order": "desc", "missing": "_last"}}, "_score", {"key": "asc"}]
    else:
        sort = ["_score", {"date": {"order": "desc", "missing": "_last"}}, {"key": "asc"}]
    body = {
        "query": {"bool": {"must": [must], "filter": [{"terms": {"scope": list(request.scopes)}}]}},
        "aggs": aggregations,
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "fields": {
                "text": {"fragment_size": SNIPPET_LENGTH, "number_of_fragments": 1, "no_match_size": SNIPPET_LENGTH},
                "title": {"number_of_fragments": 0},
            },
        },
        "sort": sort,
        "track_scores": True,
        # Exact up to the bound, as the database backends count (docs/search.md, "Counting").
        "track_total_hits": count_limit(),
        "from": max(request.offset, 0),
        "size": max(request.limit, 0),
        "_source": list(SOURCE_FIELDS),
    }
    if facet_filters:
        body["post_filter"] = _all_of(list(facet_filters.values()))
    return body


def autocomplete_body(prefix: str, *, scopes: tuple[str, ...], limit: int) -> dict:
    return {
        "query": {
            "bool": {
                "must": [{"match": {"title.autocomplete": {"query": prefix, "operator": "and"}}}],
                "filter": [{"terms": {"scope": list(scopes)}}],
            }
        },
        "size": limit,
        "_source": ["title", "url"],
    }


def document_source(document: SearchDocument) -> dict:
    """What is stored for a document; empty keyword values are left out so they never show up
    as an empty facet value."""
    date = document.date
    if date is not None and timezone.is_aware(date):
        date = timezone.localtime(date)  # the year people see, in Brussels
    return {
        "key": document.key,
        "type": document.type,
        "title": document.title,
        "text": document.text,
        "extra": document.extra,
        "url": document.url,
        "date": date.isoformat() if date else None,
        "year": date.year if date else None,
        "scope": document.scope,
        "life_domains": list(document.life_domains),
        "province": document.province or None,
        "region": document.region or None,
        "organisation": document.organisation or None,
        "context": document.context,
    }


def _parse_date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _hit(raw: dict, relaxed: analysis.ParsedQuery | None = None) -> Hit:
    source = raw.get("_source", {})
    matched = set(raw.get("matched_queries") or ())
    missing = ()
    if relaxed is not None:
        missing = tuple(
            analysis.term_word(term) for number, term in enumerate(relaxed.terms) if f"w{number}" not in matched
        )
    fragments = raw.get("highlight", {}).get("text")
    snippet = fragments[0] if fragments else html.escape(source.get("text", "")[:SNIPPET_LENGTH])
    return Hit(
        key=source["key"],
        type=source["type"],
        title=source["title"],
        url=source["url"],
        date=_parse_date(source.get("date")),
        snippet=snippet,
        context=source.get("context") or "",
        score=float(raw.get("_score") or 0.0),
        missing=missing,
    )


def search_results(response: dict, relaxed: analysis.ParsedQuery | None = None) -> SearchResults:
    """Map a search response (the body of `search_body`'s request) to `SearchResults`."""
    aggregations = response.get("aggregations", {})
    facets = {}
    for facet in FACETS:
        buckets = aggregations.get(facet, {}).get("values", {}).get("buckets", [])
        facets[facet] = [(str(b["key"]), b["doc_count"]) for b in buckets if str(b["key"]) and b["doc_count"]]
    total = response["hits"]["total"]
    exact = total.get("relation", "eq") == "eq"
    return SearchResults(
        hits=[_hit(raw, relaxed) for raw in response["hits"]["hits"]],
        total=total["value"],
        facets=facets,
        total_exact=exact,  # the aggregations count every match: facets stay exact
    )


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ElasticsearchSearchBackend(BaseSearchBackend):
    """Params: URL, INDEX (the alias, default "samenhuis"), TIMEOUT (seconds, default 5), REFRESH
    (make every write visible at once; for tests)."""

    name = "elasticsearch"

    def __init__(self, *, alias: str, params: dict):
        super().__init__(alias=alias, params=params)
        self.index_name = params.get("INDEX", "samenhuis")
        self.refresh = bool(params.get("REFRESH", False))
        self.client = Elasticsearch(params["URL"], request_timeout=params.get("TIMEOUT", 5))
        self._index_exists = False

    def ping(self) -> None:
        info = self.client.info()
        if not info.get("version"):
            raise RuntimeError("Elasticsearch answered without a version")

    def _new_index_name(self) -> str:
        return f"{self.index_name}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"

    def _ensure_index(self) -> None:
        """Writing to a missing alias would let Elasticsearch create a concrete index with guessed
        mappings under the alias name; create the real one (behind the alias) first."""
        if self._index_exists:
            return
        if not self.client.indices.exists(index=self.index_name):
            name = self._new_index_name()
            self.client.indices.create(index=name, aliases={self.index_name: {}}, **index_definition(name))
        self._index_exists = True

    def documents_index(self, documents: Iterable[SearchDocument]) -> int:
        self._ensure_index()
        return self._bulk_index(documents, index=self.index_name, refresh=self.refresh)

    def _bulk_index(self, documents: Iterable[SearchDocument], *, index: str, refresh: bool) -> int:
        actions = [
            {"_op_type": "index", "_index": index, "_id": document.key, "_source": document_source(document)}
            for document in documents
        ]
        if not actions:
            return 0
        bulk(self.client, actions, chunk_size=REBUILD_CHUNK_SIZE, refresh=refresh)
        return len(actions)

    def documents_delete(self, keys: Iterable[str]) -> None:
        actions = [{"_op_type": "delete", "_index": self.index_name, "_id": key} for key in keys]
        if actions:
            bulk(self.client, actions, chunk_size=REBUILD_CHUNK_SIZE, refresh=self.refresh, ignore_status=(404,))

    def search(self, request: SearchRequest) -> SearchResults:
        """One page of results. `suggestion` stays "": Elasticsearch's term and phrase suggesters
        read the terms of the whole index and cannot be filtered by scope, so a suggestion (or its
        absence) could reveal words from secret groups. Offering one safely needs a second,
        scope-filtered query; the database backend's suggestion is not affected by this."""
        if not request.scopes:
            # An empty terms filter matches nothing; the body says so, but no need to ask.
            return SearchResults(hits=[], total=0, facets={facet: [] for facet in FACETS})
        results = search_results(dict(self.client.search(index=self.index_name, body=search_body(request))))
        # Documents with every word first; when they do not fill the first page, those with most.
        relaxed = analysis.relaxed(analysis.query_parse(request.query)) if results.total < request.limit else None
        if relaxed is not None:
            body = search_body(request, relaxed=relaxed)
            relaxed_results = search_results(dict(self.client.search(index=self.index_name, body=body)), relaxed)
            if relaxed_results.total > results.total:
                return relaxed_results
        return results

    def autocomplete(self, prefix: str, *, scopes: tuple[str, ...], limit: int = 8) -> list[tuple[str, str]]:
        prefix = prefix.strip()[:MAX_QUERY_LENGTH]
        if not prefix or not scopes or limit <= 0:
            return []
        response = self.client.search(index=self.index_name, body=autocomplete_body(prefix, scopes=scopes, limit=limit))
        return [(hit["_source"]["title"], hit["_source"]["url"]) for hit in response["hits"]["hits"]]

    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Fill a new index, then point the alias at it in one `update_aliases` call and delete
        the indices it pointed at before. A concrete index that carries the alias name (created
        before aliases were used, or by a write to a missing alias) is dropped in that same call
        with a `remove_index` action, so the name never stops answering."""
        name = self._new_index_name()
        self.client.indices.create(index=name, **index_definition(name))
        try:
            count = 0
            for chunk in _chunks(documents, REBUILD_CHUNK_SIZE):
                count += self._bulk_index(chunk, index=name, refresh=False)
                if progress is not None:
                    progress(count)
            self.client.indices.refresh(index=name)
            old_indices = []
            legacy_index = False
            if self.client.indices.exists_alias(name=self.index_name):
                old_indices = sorted(self.client.indices.get_alias(name=self.index_name).keys())
            elif self.client.indices.exists(index=self.index_name):
                legacy_index = True
            actions = [{"remove": {"index": old, "alias": self.index_name}} for old in old_indices]
            if legacy_index:
                actions.append({"remove_index": {"index": self.index_name}})
            actions.append({"add": {"index": name, "alias": self.index_name}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            with contextlib.suppress(Exception):
                self.client.indices.delete(index=name)
            raise
        for old in old_indices:
            self.client.indices.delete(index=old)
        self._index_exists = True
        return count


SearchBackend = ElasticsearchSearchBackend
