"""The Elasticsearch backend: the index and query bodies it builds, the alias swap of a rebuild
against a recording fake client, and (when ELASTICSEARCH_URL is set) a real cluster."""

import os
import uuid
from datetime import UTC, datetime

import pytest

from search.backends import elasticsearch as backend_module
from search.backends.base import FACETS, MAX_QUERY_LENGTH, SearchDocument, SearchRequest
from search.backends.elasticsearch import ElasticsearchSearchBackend, index_definition, search_body


def make_backend(**params) -> ElasticsearchSearchBackend:
    return ElasticsearchSearchBackend(alias="default", params={"URL": "http://localhost:9200", **params})


def make_document(number: int, **fields) -> SearchDocument:
    values = {
        "key": f"practice:{number}",
        "type": "practice",
        "title": f"Praktijk {number}",
        "text": f"Tekst van praktijk {number}",
        "url": f"/praktijken/{number}/",
        "date": datetime(2024, 5, 1, 12, tzinfo=UTC),
        "scope": "public",
    }
    values.update(fields)
    return SearchDocument(**values)


def scope_filter(body: dict) -> list:
    return body["query"]["bool"]["filter"]


class TestIndexDefinition:
    def setup_method(self):
        self.definition = index_definition("samenhuis-20240101000000000000")
        self.analysis = self.definition["settings"]["analysis"]
        self.properties = self.definition["mappings"]["properties"]

    def test_index_analyzer_splits_compounds_and_stems_without_synonyms(self):
        dutch = self.analysis["analyzer"]["samenhuis_dutch"]
        assert dutch["tokenizer"] == "standard"
        assert dutch["filter"] == [
            "lowercase",
            "samenhuis_asciifolding",
            "samenhuis_decompounder",
            "samenhuis_dutch_stop",
            "samenhuis_dutch_stemmer",
        ]

    def test_search_analyzer_expands_synonyms(self):
        search = self.analysis["analyzer"]["samenhuis_dutch_search"]
        assert search["filter"] == [
            "lowercase",
            "samenhuis_asciifolding",
            "samenhuis_synonyms",
            "samenhuis_dutch_stop",
            "samenhuis_dutch_stemmer",
        ]

    def test_filters(self):
        filters = self.analysis["filter"]
        assert filters["samenhuis_asciifolding"] == {"type": "asciifolding", "preserve_original": True}
        assert filters["samenhuis_dutch_stop"] == {"type": "stop", "stopwords": "_dutch_"}
        assert filters["samenhuis_dutch_stemmer"] == {"type": "stemmer", "language": "dutch"}
        assert filters["samenhuis_synonyms"]["type"] == "synonym_graph"
        assert filters["samenhuis_decompounder"]["type"] == "dictionary_decompounder"

    def test_synonym_groups_from_the_data_file(self):
        synonyms = self.analysis["filter"]["samenhuis_synonyms"]["synonyms"]
        assert "hvk, huis van het kind, huizen van het kind" in synonyms
        assert "kg, kind en gezin" in synonyms
        assert not any(line.startswith("#") for line in synonyms)

    def test_compound_parts_with_and_without_linking_letter(self):
        words = self.analysis["filter"]["samenhuis_decompounder"]["word_list"]
        assert {"opvoedings", "opvoeding", "ondersteuning", "gezin", "kinder", "opvang"} <= set(words)
        # The last part of a compound has no linking letter to lose.
        assert "ruimte" in words
        assert "ruimt" not in words
        assert "ondersteunin" not in words

    def test_text_fields_use_the_dutch_analyzers(self):
        for field in ("title", "text", "extra", "context"):
            assert self.properties[field]["type"] == "text"
            assert self.properties[field]["analyzer"] == "samenhuis_dutch"
            assert self.properties[field]["search_analyzer"] == "samenhuis_dutch_search"
        assert self.properties["text"]["term_vector"] == "with_positions_offsets"
        assert self.properties["context"]["fields"]["raw"] == {"type": "keyword"}

    def test_title_has_raw_and_autocomplete_subfields(self):
        subfields = self.properties["title"]["fields"]
        assert subfields["raw"] == {"type": "keyword"}
        assert subfields["autocomplete"]["analyzer"] == "samenhuis_autocomplete"
        assert subfields["autocomplete"]["search_analyzer"] == "samenhuis_autocomplete_search"
        autocomplete = self.analysis["analyzer"]["samenhuis_autocomplete"]
        assert autocomplete["filter"][-1] == "samenhuis_edge_ngram"
        assert self.analysis["filter"]["samenhuis_edge_ngram"] == {"type": "edge_ngram", "min_gram": 2, "max_gram": 20}
        assert "samenhuis_edge_ngram" not in self.analysis["analyzer"]["samenhuis_autocomplete_search"]["filter"]

    def test_keyword_date_and_number_fields(self):
        for field in ("key", "type", "scope", "life_domains", "province", "region", "organisation"):
            assert self.properties[field] == {"type": "keyword"}
        assert self.properties["url"] == {"type": "keyword", "index": False}
        assert self.properties["date"] == {"type": "date"}
        assert self.properties["year"] == {"type": "integer"}
        assert self.definition["mappings"]["dynamic"] == "strict"

    def test_every_stored_field_is_mapped(self):
        source = backend_module.document_source(make_document(1, life_domains=("gezin",), province="Antwerpen"))
        assert set(source) <= set(self.properties)


class TestSearchBody:
    def test_query_and_scope_filter_in_the_main_query(self):
        body = search_body(SearchRequest(query="opvoeding", scopes=("public", "members")))
        query = body["query"]["bool"]["must"][0]["simple_query_string"]
        assert query["query"] == "opvoeding"
        assert query["fields"] == ["title^3", "text", "extra"]
        assert query["default_operator"] == "and"
        assert query["flags"] == "AND|OR|NOT|PHRASE|PREFIX|WHITESPACE"
        assert scope_filter(body) == [{"terms": {"scope": ["public", "members"]}}]
        assert "post_filter" not in body
        assert body["track_total_hits"] == 10_000  # exact up to the bound, as the database backends count

    def test_empty_scopes_still_filter_and_match_nothing(self):
        body = search_body(SearchRequest(query="opvoeding", scopes=()))
        assert scope_filter(body) == [{"terms": {"scope": []}}]

    def test_chosen_facets_go_in_post_filter_not_in_the_main_query(self):
        request = SearchRequest(
            query="opvoeding",
            scopes=("public",),
            filters={"province": ("Antwerpen", "Limburg"), "life_domain": ("gezin",)},
        )
        body = search_body(request)
        assert scope_filter(body) == [{"terms": {"scope": ["public"]}}]
        assert body["post_filter"] == {
            "bool": {
                "filter": [
                    {"terms": {"life_domains": ["gezin"]}},
                    {"terms": {"province": ["Antwerpen", "Limburg"]}},
                ]
            }
        }

    def test_each_facet_counts_with_the_other_facets_filters_only(self):
        request = SearchRequest(
            query="opvoeding",
            scopes=("public",),
            filters={"province": ("Antwerpen",), "type": ("practice",)},
        )
        aggs = search_body(request)["aggs"]
        assert set(aggs) == set(FACETS)
        assert aggs["province"]["filter"] == {"bool": {"filter": [{"terms": {"type": ["practice"]}}]}}
        assert aggs["type"]["filter"] == {"bool": {"filter": [{"terms": {"province": ["Antwerpen"]}}]}}
        both = {"bool": {"filter": [{"terms": {"type": ["practice"]}}, {"terms": {"province": ["Antwerpen"]}}]}}
        assert aggs["year"]["filter"] == both
        assert aggs["life_domain"]["filter"] == both
        assert aggs["life_domain"]["aggs"]["values"]["terms"]["field"] == "life_domains"
        assert aggs["year"]["aggs"]["values"]["terms"]["field"] == "year"

    def test_without_chosen_facets_the_aggregations_count_everything_in_scope(self):
        aggs = search_body(SearchRequest(query="opvoeding", scopes=("public",)))["aggs"]
        assert all(agg["filter"] == {"match_all": {}} for agg in aggs.values())

    def test_year_filter_keeps_numbers_only_and_unknown_facets_are_ignored(self):
        request = SearchRequest(query="x", scopes=("public",), filters={"year": ("2024", "twee"), "colour": ("red",)})
        assert search_body(request)["post_filter"] == {"bool": {"filter": [{"terms": {"year": [2024]}}]}}

    def test_order_by_relevance_or_date(self):
        by_relevance = search_body(SearchRequest(query="x", scopes=("public",)))
        assert by_relevance["sort"][0] == "_score"
        by_date = search_body(SearchRequest(query="x", scopes=("public",), order="date"))
        assert by_date["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}

    def test_offset_and_limit(self):
        body = search_body(SearchRequest(query="x", scopes=("public",), offset=20, limit=10))
        assert (body["from"], body["size"]) == (20, 10)

    def test_query_is_cut_to_the_maximum_length(self):
        body = search_body(SearchRequest(query="a" * (MAX_QUERY_LENGTH + 50), scopes=("public",)))
        assert body["query"]["bool"]["must"][0]["simple_query_string"]["query"] == "a" * MAX_QUERY_LENGTH

    def test_highlight_marks_matches_and_escapes_the_rest(self):
        highlight = search_body(SearchRequest(query="x", scopes=("public",)))["highlight"]
        assert highlight["pre_tags"] == ["<mark>"]
        assert highlight["post_tags"] == ["</mark>"]
        assert highlight["encoder"] == "html"
        assert highlight["fields"]["text"] == {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200}
        assert "title" in highlight["fields"]


SEARCH_RESPONSE = {
    "hits": {
        "total": {"value": 12, "relation": "eq"},
        "hits": [
            {
                "_score": 3.5,
                "_source": {
                    "key": "practice:1",
                    "type": "practice",
                    "title": "Opvoedingsondersteuning",
                    "url": "/praktijken/1/",
                    "date": "2024-05-01T14:00:00+02:00",
                    "context": "Huis van het Kind Gent",
                    "text": "Over opvoeding",
                },
                "highlight": {"text": ["Over <mark>opvoeding</mark> &amp; meer"]},
            },
            {
                "_score": None,
                "_source": {
                    "key": "article:2",
                    "type": "article",
                    "title": "Zonder tekstmatch",
                    "url": "/artikels/2/",
                    "date": None,
                    "text": "<b>vet</b>",
                },
            },
        ],
    },
    "aggregations": {
        "type": {"values": {"buckets": [{"key": "practice", "doc_count": 8}, {"key": "article", "doc_count": 4}]}},
        "life_domain": {"values": {"buckets": []}},
        "province": {"values": {"buckets": [{"key": "Antwerpen", "doc_count": 5}]}},
        "year": {"values": {"buckets": [{"key": 2024, "doc_count": 7}, {"key": 2023, "doc_count": 5}]}},
    },
}


class FakeIndices:
    def __init__(self, client):
        self.client = client

    def create(self, *, index, aliases=None, **body):
        self.client.record("create", index=index, aliases=aliases, body=body)
        self.client.indices_state[index] = set(aliases or ())

    def exists(self, *, index):
        return index in self.client.indices_state or self.exists_alias(name=index)

    def exists_alias(self, *, name):
        return any(name in aliases for aliases in self.client.indices_state.values())

    def get_alias(self, *, name):
        return {
            index: {"aliases": {name: {}}} for index, aliases in self.client.indices_state.items() if name in aliases
        }

    def update_aliases(self, *, actions):
        self.client.record("update_aliases", actions=actions)
        state = self.client.indices_state
        for action in actions:
            ((kind, params),) = action.items()
            if kind == "add":
                state[params["index"]].add(params["alias"])
            elif kind == "remove":
                state[params["index"]].discard(params["alias"])
            elif kind == "remove_index":
                del state[params["index"]]

    def delete(self, *, index):
        self.client.record("delete", index=index)
        self.client.indices_state.pop(index, None)

    def refresh(self, *, index):
        self.client.record("refresh", index=index)


class FakeClient:
    """Records the calls the backend makes; keeps just enough state to answer alias questions."""

    def __init__(self, indices_state=None, search_response=None):
        self.calls = []
        self.indices_state = indices_state if indices_state is not None else {}
        self.indices = FakeIndices(self)
        self.search_response = search_response

    def record(self, name, **kwargs):
        self.calls.append((name, kwargs))

    def named(self, name):
        return [kwargs for call, kwargs in self.calls if call == name]

    def search(self, *, index, body):
        self.record("search", index=index, body=body)
        return self.search_response


@pytest.fixture
def fake_bulk(monkeypatch):
    """Replaces the bulk helper; the actions are recorded on the client so call order is kept."""
    failures = {}

    def bulk(client, actions, **kwargs):
        actions = list(actions)
        if "error" in failures:
            raise failures["error"]
        client.record("bulk", actions=actions, **kwargs)
        return len(actions), []

    monkeypatch.setattr(backend_module, "bulk", bulk)
    return failures


def backend_with(client, **params):
    backend = make_backend(**params)
    backend.client = client
    return backend


class TestRebuild:
    def test_fills_a_new_index_then_moves_the_alias_in_one_call(self, fake_bulk):
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        backend = backend_with(client)
        seen = []

        count = backend.rebuild((make_document(n) for n in range(1203)), progress=seen.append)

        assert count == 1203
        assert seen == [500, 1000, 1203]
        (create,) = client.named("create")
        new = create["index"]
        assert new.startswith("samenhuis-") and new != "samenhuis-old"
        assert create["body"] == index_definition(new)
        bulks = client.named("bulk")
        assert [len(call["actions"]) for call in bulks] == [500, 500, 203]
        assert all(action["_index"] == new for call in bulks for action in call["actions"])
        (update,) = client.named("update_aliases")
        assert update["actions"] == [
            {"remove": {"index": "samenhuis-old", "alias": "samenhuis"}},
            {"add": {"index": new, "alias": "samenhuis"}},
        ]
        order = [name for name, _ in client.calls if name != "bulk"]
        assert order == ["create", "refresh", "update_aliases", "delete"]
        assert client.named("delete") == [{"index": "samenhuis-old"}]
        assert client.indices_state == {new: {"samenhuis"}}

    def test_replaces_a_legacy_concrete_index_in_the_same_call(self, fake_bulk):
        client = FakeClient({"samenhuis": set()})
        backend = backend_with(client)

        backend.rebuild([make_document(1)])

        new = client.named("create")[0]["index"]
        assert client.named("update_aliases") == [
            {"actions": [{"remove_index": {"index": "samenhuis"}}, {"add": {"index": new, "alias": "samenhuis"}}]}
        ]
        assert client.named("delete") == []
        assert client.indices_state == {new: {"samenhuis"}}

    def test_on_an_empty_cluster_only_adds_the_alias(self, fake_bulk):
        client = FakeClient()
        backend = backend_with(client, INDEX="samenhuis-dev")

        assert backend.rebuild([]) == 0

        new = client.named("create")[0]["index"]
        assert new.startswith("samenhuis-dev-")
        assert client.named("update_aliases") == [{"actions": [{"add": {"index": new, "alias": "samenhuis-dev"}}]}]

    def test_a_failure_drops_the_new_index_and_leaves_the_alias(self, fake_bulk):
        fake_bulk["error"] = ConnectionError("cluster went away")
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        backend = backend_with(client)

        with pytest.raises(ConnectionError):
            backend.rebuild([make_document(1)])

        new = client.named("create")[0]["index"]
        assert client.named("update_aliases") == []
        assert client.named("delete") == [{"index": new}]
        assert client.indices_state == {"samenhuis-old": {"samenhuis"}}


class TestWrites:
    def test_documents_index_writes_through_the_alias_by_key(self, fake_bulk):
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        backend = backend_with(client)

        count = backend.documents_index([make_document(1, province="Antwerpen"), make_document(2)])

        assert count == 2
        (call,) = client.named("bulk")
        assert call["refresh"] is False
        assert [(a["_op_type"], a["_index"], a["_id"]) for a in call["actions"]] == [
            ("index", "samenhuis", "practice:1"),
            ("index", "samenhuis", "practice:2"),
        ]
        source = call["actions"][0]["_source"]
        assert source["province"] == "Antwerpen"
        assert source["year"] == 2024
        assert call["actions"][1]["_source"]["province"] is None
        assert client.named("create") == []

    def test_refresh_param_makes_writes_visible_at_once(self, fake_bulk):
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        backend_with(client, REFRESH=True).documents_index([make_document(1)])
        assert client.named("bulk")[0]["refresh"] is True

    def test_year_is_the_year_in_brussels(self, fake_bulk):
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        new_year_in_brussels = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
        backend_with(client).documents_index([make_document(1, date=new_year_in_brussels)])
        assert client.named("bulk")[0]["actions"][0]["_source"]["year"] == 2025

    def test_first_write_to_an_empty_cluster_creates_the_index_behind_the_alias(self, fake_bulk):
        client = FakeClient()
        backend = backend_with(client)

        backend.documents_index([make_document(1)])
        backend.documents_index([make_document(2)])

        (create,) = client.named("create")
        assert create["index"].startswith("samenhuis-")
        assert create["aliases"] == {"samenhuis": {}}
        assert create["body"] == index_definition(create["index"])

    def test_documents_delete_ignores_missing_documents(self, fake_bulk):
        client = FakeClient({"samenhuis-old": {"samenhuis"}})
        backend_with(client).documents_delete(["practice:1", "message:2"])
        (call,) = client.named("bulk")
        assert call["ignore_status"] == (404,)
        assert [(a["_op_type"], a["_index"], a["_id"]) for a in call["actions"]] == [
            ("delete", "samenhuis", "practice:1"),
            ("delete", "samenhuis", "message:2"),
        ]


class TestSearch:
    def test_response_becomes_results(self):
        client = FakeClient(search_response=SEARCH_RESPONSE)
        request = SearchRequest(query="opvoeding", scopes=("public",))

        results = backend_with(client).search(request)

        assert client.named("search") == [{"index": "samenhuis", "body": search_body(request)}]
        assert results.total == 12
        first, second = results.hits
        assert first.key == "practice:1"
        assert first.snippet == "Over <mark>opvoeding</mark> &amp; meer"
        assert first.date == datetime(2024, 5, 1, 12, tzinfo=UTC)
        assert first.context == "Huis van het Kind Gent"
        assert first.score == 3.5
        assert second.snippet == "&lt;b&gt;vet&lt;/b&gt;"
        assert (second.date, second.context, second.score) == (None, "", 0.0)
        assert results.facets == {
            "type": [("practice", 8), ("article", 4)],
            "life_domain": [],
            "province": [("Antwerpen", 5)],
            "year": [("2024", 7), ("2023", 5)],
        }
        assert results.suggestion == ""

    def test_no_scopes_means_no_results_without_asking(self):
        client = FakeClient()
        results = backend_with(client).search(SearchRequest(query="opvoeding", scopes=()))
        assert (results.hits, results.total) == ([], 0)
        assert client.calls == []

    def test_autocomplete_matches_title_prefixes_within_scope(self):
        response = {"hits": {"hits": [{"_source": {"title": "Opvoedingswinkel", "url": "/o/"}}]}}
        client = FakeClient(search_response=response)

        found = backend_with(client).autocomplete("opvo", scopes=("public",), limit=5)

        assert found == [("Opvoedingswinkel", "/o/")]
        (call,) = client.named("search")
        query = call["body"]["query"]["bool"]
        assert query["must"] == [{"match": {"title.autocomplete": {"query": "opvo", "operator": "and"}}}]
        assert query["filter"] == [{"terms": {"scope": ["public"]}}]
        assert call["body"]["size"] == 5


# A marker on the class, not a module-level `pytestmark`: the unit tests above run everywhere.
requires_elasticsearch = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to run the integration tests against",
)


@requires_elasticsearch
class TestAgainstElasticsearch:
    @pytest.fixture
    def backend(self):
        backend = ElasticsearchSearchBackend(
            alias="default",
            params={
                "URL": os.environ["ELASTICSEARCH_URL"],
                "INDEX": f"samenhuis-test-{uuid.uuid4().hex}",
                "REFRESH": True,
            },
        )
        yield backend
        indices = backend.client.indices
        if indices.exists_alias(name=backend.index_name):
            for index in indices.get_alias(name=backend.index_name):
                indices.delete(index=index)

    @pytest.fixture
    def documents(self):
        return [
            make_document(1, title="Samen fietsen", text="Wekelijks fietsen we met de ouders naar school."),
            make_document(2, title="Een praktijk", text="Opvoedingsondersteuning in de buurt.", province="Antwerpen"),
            make_document(3, title="Huis van het Kind Gent", text="Een plek voor alle gezinnen."),
            make_document(
                4,
                type="message",
                title="Geheim overleg",
                text="Fietsen en opvoeding in de groep.",
                scope="group:9",
                province="Limburg",
            ),
        ]

    def keys(self, backend, query, scopes=("public",)):
        return {hit.key for hit in backend.search(SearchRequest(query=query, scopes=scopes)).hits}

    def test_rebuild_then_search(self, backend, documents):
        assert backend.rebuild(documents) == 4

        assert self.keys(backend, "fietst") == {"practice:1"}
        assert self.keys(backend, "opvoeding") == {"practice:2"}
        assert self.keys(backend, "hvk") == {"practice:3"}
        assert self.keys(backend, "fietst", scopes=("public", "group:9")) == {"practice:1", "practice:4"}

    def test_out_of_scope_documents_reach_no_hit_and_no_count(self, backend, documents):
        backend.rebuild(documents)

        results = backend.search(SearchRequest(query="fietsen | opvoeding", scopes=("public",)))

        assert {hit.key for hit in results.hits} == {"practice:1", "practice:2"}
        assert results.total == 2
        assert results.facets["type"] == [("practice", 2)]
        assert ("Limburg", 1) not in results.facets["province"]
        assert backend.autocomplete("geh", scopes=("public",)) == []

    def test_highlight_and_facet_filters(self, backend, documents):
        backend.rebuild(documents)

        results = backend.search(
            SearchRequest(query="fietsen | opvoeding", scopes=("public",), filters={"province": ("Antwerpen",)})
        )

        assert [hit.key for hit in results.hits] == ["practice:2"]
        assert "<mark>" in results.hits[0].snippet
        # The province facet still offers the provinces the other choices allow.
        assert results.facets["province"] == [("Antwerpen", 1)]
        assert results.facets["type"] == [("practice", 1)]

    def test_rebuild_again_replaces_the_old_index(self, backend, documents):
        backend.rebuild(documents)
        first = set(backend.client.indices.get_alias(name=backend.index_name))
        backend.rebuild(documents[:1])
        second = set(backend.client.indices.get_alias(name=backend.index_name))

        assert first.isdisjoint(second)
        assert not backend.client.indices.exists(index=first.pop())
        assert self.keys(backend, "opvoeding") == set()

    def test_index_and_delete(self, backend, documents):
        backend.rebuild(documents[:1])
        backend.documents_index([documents[1]])
        assert self.keys(backend, "opvoeding") == {"practice:2"}

        backend.documents_delete(["practice:2", "practice:404"])

        assert self.keys(backend, "opvoeding") == set()
