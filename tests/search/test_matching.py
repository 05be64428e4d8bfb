"""Matching that degrades gracefully (docs/search.md, "Matching"): documents with every word
first; when they do not fill the first page, documents with most of the words below them, each
saying which words it lacks. Quotes and -word keep their strict meaning; question words and filler
need not match; two words must both match."""

import os

import pytest

from search import analysis
from search.backends import get_search_backend
from search.backends.base import SearchRequest
from search.backends.elasticsearch import WORD_MATCHED_BOOST, search_body, search_results

from .test_contract import PUBLIC, doc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else []))
def backend(request, settings):
    if request.param == "elasticsearch":
        settings.SAMENHUIS_SEARCH_BACKENDS = {
            "default": {
                "BACKEND": "search.backends.elasticsearch",
                "URL": os.environ["ELASTICSEARCH_URL"],
                "INDEX": "samenhuis-test-matching",
                "REFRESH": True,
            }
        }
    else:
        settings.SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    backend = get_search_backend()
    backend.documents_index(
        [
            doc(
                "practice:1",
                "Huiswerkbegeleiding voor kinderen",
                "Vrijwilligers helpen kinderen met huiswerk na school.",
            ),
            doc("practice:2", "Hulp bij huiswerk", "Hulp bij huiswerk voor je dochter of zoon, elke woensdag."),
            doc("practice:3", "Taalcafé voor ouders", "Ouders oefenen Nederlands met andere ouders en vrijwilligers."),
            doc(
                "practice:4",
                "Speelpleinwerking",
                "Kinderen spelen elke woensdag in de zomer; ouders helpen als vrijwilliger.",
            ),
            doc("practice:5", "Dochters en moeders", "Een groep voor moeders en dochters die samen koken."),
            doc("practice:6", "Fietsen naar school", "Kinderen fietsen samen met vrijwilligers naar school."),
            doc("practice:7", "Huiswerkklas in de bib", "Je dochter maakt haar huiswerk in de bibliotheek."),
        ]
    )
    return backend


def search(backend, query, **kwargs):
    return backend.search(SearchRequest(query=query, scopes=PUBLIC, **kwargs))


def keys(results):
    return [hit.key for hit in results.hits]


@pytest.mark.parametrize(("count", "minimum"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (8, 6), (12, 9)])
def test_how_many_words_must_match_as_large_engines_count(count, minimum):
    assert analysis.minimum_should_match(count) == minimum


def test_a_question_as_people_type_it_finds_documents_with_most_of_its_words(backend):
    results = search(backend, "waar vind ik hulp bij huiswerk voor mijn dochter")
    # The question words need not match; of hulp, huiswerk and dochter, all three first, then two
    # of the three; one is not enough (practice 1 has only "huiswerk", practice 5 only "dochter").
    assert [(hit.key, hit.missing) for hit in results.hits] == [("practice:2", ()), ("practice:7", ("hulp",))]
    assert results.total == 2


def test_most_words_rank_below_all_words_and_say_what_they_lack(backend):
    results = search(backend, "vrijwilligers kinderen school zomer")
    # Four words: three must match. Practice 6 and 1 lack "zomer"; 4 lacks "school".
    hits = {hit.key: hit.missing for hit in results.hits}
    assert hits == {"practice:1": ("zomer",), "practice:4": ("school",), "practice:6": ("zomer",)}
    three = search(backend, "vrijwilligers kinderen school")
    # Both documents with every word first, then the one with two of the three.
    assert [(hit.key, hit.missing) for hit in three.hits][2:] == [("practice:4", ("school",))]
    assert {hit.key for hit in three.hits[:2] if not hit.missing} == {"practice:1", "practice:6"}


def test_a_full_first_page_of_all_words_is_not_relaxed(backend):
    results = search(backend, "vrijwilligers kinderen school zomer", limit=1)
    assert results.total == 3  # the first page (one hit) is not filled by all four words: relaxed
    full = search(backend, "kinderen vrijwilligers school", limit=2)
    assert full.total == 2 and all(not hit.missing for hit in full.hits)


def test_two_words_must_both_match(backend):
    assert search(backend, "huiswerk zomer").total == 0
    assert search(backend, "huiswerk woensdag").total == 1


def test_quotes_and_excluded_words_keep_their_strict_meaning(backend):
    # The phrase must match, whatever else is missing.
    # Practice 4 has "woensdag" and "zomer" but not the phrase: left out.
    results = search(backend, '"hulp bij huiswerk" dochter woensdag zomer')
    assert [(hit.key, hit.missing) for hit in results.hits] == [("practice:2", ("zomer",))]
    # An excluded word excludes, relaxed or not.
    results = search(backend, "vrijwilligers kinderen school zomer -fietsen")
    assert "practice:6" not in keys(results)
    assert set(keys(results)) == {"practice:1", "practice:4"}


def test_no_result_only_when_no_document_shares_enough_words(backend):
    assert search(backend, "kangoeroe olifant giraf").total == 0
    assert search(backend, "kangoeroe olifant huiswerk").total == 0  # one of three is not enough


def test_the_page_shows_the_missing_words(client, backend):
    response = client.get("/zoeken/", {"q": "vrijwilligers kinderen school zomer"})
    assert response.status_code == 200
    assert b"<s>zomer</s>" in response.content


# Elasticsearch: the same rules in its query (checked without a cluster) ------------------------


def test_elasticsearch_asks_for_most_of_the_words_with_phrases_and_exclusions_kept():
    relaxed = analysis.relaxed(analysis.query_parse('waar vind ik "hulp bij huiswerk" dochter woensdag zomer -bib'))
    query = search_body(SearchRequest(query="…", scopes=("public",)), relaxed=relaxed)["query"]["bool"]["must"][0]
    should = query["bool"]["should"]
    # Three meaningful words (not waar, vind, ik), two of which must match, each named for the hit.
    assert [clause["bool"]["_name"] for clause in should] == ["w0", "w1", "w2"]
    assert query["bool"]["minimum_should_match"] == 2
    assert should[0]["bool"]["should"][0]["constant_score"]["boost"] == WORD_MATCHED_BOOST
    assert query["bool"]["must"][0]["simple_query_string"]["query"] == '"hulp bij huiswerk"'
    assert query["bool"]["must_not"][0]["simple_query_string"]["query"] == "bib"


def test_elasticsearch_hits_say_which_words_they_lack():
    relaxed = analysis.relaxed(analysis.query_parse("vrijwilligers kinderen school zomer"))
    response = {
        "hits": {
            "total": {"value": 1},
            "hits": [
                {
                    "_score": 2001.5,
                    "_source": {"key": "practice:4", "type": "practice", "title": "t", "url": "/", "text": "x"},
                    "matched_queries": ["w0", "w1", "w3"],
                }
            ],
        }
    }
    assert search_results(response, relaxed).hits[0].missing == ("school",)
    assert search_results(response).hits[0].missing == ()
