"""Ranking by BM25 and bounded counting (docs/search.md, "Ranking" and "Counting"), run against
each available backend: a rare word outweighs a common one, the title counts more than the text,
more occurrences count less and less, a short text beats a long one with the same words; above
the count bound a total says "more than" and costs no more statements than a narrow search; the
statistics BM25 takes its frequencies from stay equal to a recount as documents change."""

import pytest
from django.db import connection

from search import ranking, statistics
from search.backends.base import SearchRequest
from search.models import SearchScope, SearchTerm

from .test_contract import PUBLIC, backend, doc  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = "Een verslag van de werking in de buurt met ouders en hun kinderen. "
LONG = (
    "De vrijwilligers openden de zaal, zetten koffie, legden puzzels klaar en verwelkomden grootouders, "
    "vroedvrouwen, buren, leerkrachten en consulenten; daarna volgde een wandeling langs het park, "
    "de bibliotheek, het zwembad en de markt, met verhalen over vroeger, liedjes en tekeningen. "
)


def search(backend, query, **kwargs):  # noqa: F811
    return backend.search(SearchRequest(query=query, scopes=PUBLIC, **kwargs))


def keys(results):
    return [hit.key for hit in results.hits]


def test_a_rare_word_outweighs_a_common_one(backend):  # noqa: F811
    common = [doc(f"practice:{n}", f"Verslag {n}", FILLER + "We gingen samen fietsen.") for n in range(1, 9)]
    rare = doc("practice:20", "Verslag 20", FILLER + "Een kangoeroe kwam op bezoek.")
    backend.documents_index([*common, rare])
    results = search(backend, "fietsen OR kangoeroe")
    assert results.total == 9
    assert keys(results)[0] == "practice:20"


def test_a_relaxed_query_puts_the_rarer_words_first(backend):  # noqa: F811
    # "huiswerk hulp dochter": no document has all three; two of three match. The one with the
    # rare "huiswerk" ranks above the many with the common "hulp" and "dochter".
    common = [
        doc(f"practice:{n}", f"Verhaal {n}", FILLER + "Hulp voor een dochter die graag tekent.") for n in range(1, 9)
    ]
    rare = doc("practice:30", "Verhaal 30", FILLER + "Huiswerk maken met een dochter.")
    backend.documents_index([*common, rare])
    results = search(backend, "huiswerk hulp dochter")
    assert keys(results)[0] == "practice:30"
    assert results.hits[0].missing == ("hulp",)


def test_the_title_counts_more_than_the_text(backend):  # noqa: F811
    backend.documents_index(
        [
            doc("practice:1", "Werking in de wijk", FILLER + "Ook over borstvoeding."),
            doc("practice:2", "Borstvoeding", FILLER + "Ook over de wijk."),
        ]
    )
    assert keys(search(backend, "borstvoeding")) == ["practice:2", "practice:1"]


def test_more_occurrences_count_and_a_shorter_text_wins(backend):  # noqa: F811
    backend.documents_index(
        [
            doc("practice:1", "Verslag een", FILLER + "Een speelotheek."),
            doc("practice:2", "Verslag twee", FILLER + "Een speelotheek, de speelotheek, onze speelotheek."),
            doc("practice:3", "Verslag drie", FILLER + LONG + "Een speelotheek."),
        ]
    )
    assert keys(search(backend, "speelotheek")) == ["practice:2", "practice:1", "practice:3"]


def test_bm25_by_hand():
    # Two documents of average length; "a" in both, "b" in one: idf(a) < idf(b).
    words = ranking.words([{"a"}, {"b"}], {"a": 2, "b": 1}, 2)
    assert words[0].idf == pytest.approx(0.1823, abs=1e-4)  # ln(1 + 0.5 / 2.5)
    assert words[1].idf == pytest.approx(0.6931, abs=1e-4)  # ln(1 + 1.5 / 1.5)
    one = ranking.score(words, {"a": (0, 1)}, 10, 10.0)
    assert one == pytest.approx(0.1823, abs=1e-4)  # tf 1 at average length: (1 x 2.2) / (1 + 1.2)
    both = ranking.score(words, {"a": (0, 1), "b": (1, 0)}, 10, 10.0)
    assert both == pytest.approx(0.1823 + 0.6931 * 3 * 2.2 / (3 + 1.2), abs=1e-3)
    assert ranking.score(words, {}, 10, 10.0) == 0


def _statistics():
    terms = {(t.scope, t.term): t.documents for t in SearchTerm.objects.filter(documents__gt=0)}
    scopes = {s.scope: (s.documents, s.length) for s in SearchScope.objects.all()}
    return terms, scopes


def test_the_statistics_follow_the_index(settings):
    from search.backends import get_search_backend

    settings.SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    backend = get_search_backend()  # noqa: F811
    backend.documents_index(
        [
            doc("practice:1", "Fietsen naar school", "Kinderen fietsen."),
            doc("practice:2", "Taalcafé", "Ouders praten.", scope="members"),
            doc("practice:3", "Fietsen", "Een fietsbieb."),
        ]
    )
    terms, scopes = _statistics()
    assert scopes["public"][0] == 2 and scopes["members"][0] == 1
    fiets = [term for (scope, term), n in terms.items() if scope == "public" and n == 2]
    assert fiets, "the stem of fietsen is in both public documents"
    backend.documents_index([doc("practice:1", "Taalcafé", "Ouders praten.")])  # replaced
    backend.documents_delete(["practice:3"])
    after = _statistics()
    assert after[1]["public"][0] == 1
    assert not any(after[0].get(("public", term)) for term in fiets)
    statistics.recount(connection)
    assert _statistics() == after


@pytest.fixture
def bounded(backend, settings):  # noqa: F811
    settings.SAMENHUIS_SEARCH_COUNT_LIMIT = 5
    backend.documents_index(
        [
            doc(
                f"practice:{n}", f"Fietsen {n}", "Samen fietsen.", type="event" if n <= 3 else "practice", year=2010 + n
            )
            for n in range(1, 9)
        ]
    )
    return backend


def test_above_the_bound_the_total_says_more_than(bounded):
    results = search(bounded, "fietsen")
    assert (results.total, results.total_exact) == (5, False)
    assert len(results.hits) >= 5
    narrow = search(bounded, "fietsen", filters={"type": ("event",)})
    assert (narrow.total, narrow.total_exact) == (3, True)  # the filtered total is exact again
    assert {hit.key for hit in narrow.hits} == {"practice:1", "practice:2", "practice:3"}


def test_above_the_bound_facets_are_lower_bounds(bounded):
    results = search(bounded, "fietsen")
    counts = dict(results.facets["type"])
    if bounded.name == "database":
        assert not results.facets_exact
        assert sum(counts.values()) == 6  # counted within the first bound + 1 matches
    else:
        assert counts == {"event": 3, "practice": 5}
    assert search(bounded, "fietsen", filters={"type": ("event",)}).total_exact


def test_date_order_gives_the_newest_of_all_matches(bounded):
    results = search(bounded, "fietsen", order="date", limit=3)
    assert keys(results) == ["practice:8", "practice:7", "practice:6"]


def test_below_the_bound_everything_is_exact(backend, settings):  # noqa: F811
    settings.SAMENHUIS_SEARCH_COUNT_LIMIT = 8
    backend.documents_index([doc(f"practice:{n}", f"Fietsen {n}", "Samen fietsen.") for n in range(1, 9)])
    results = search(backend, "fietsen")
    assert (results.total, results.total_exact, results.facets_exact) == (8, True, True)


def test_a_broad_search_runs_as_many_statements_as_a_narrow_one(settings, django_assert_max_num_queries):
    from search.backends import get_search_backend

    settings.SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    settings.SAMENHUIS_SEARCH_COUNT_LIMIT = 20
    backend = get_search_backend()  # noqa: F811
    backend.documents_index(
        [
            doc(f"practice:{n}", f"Verslag {n}", "Samen fietsen." + (" Borstvoeding." if n == 1 else ""))
            for n in range(40)
        ]
    )
    filters = {"type": ("practice",)}
    # counts, (above the bound: the filtered total, the matches ranked), word statistics,
    # candidates, BM25 frequencies, the page's rows, and on PostgreSQL the snippets
    most = 7 + (connection.vendor == "postgresql")
    for query in ("fietsen", "borstvoeding"):
        with django_assert_max_num_queries(most):
            search(backend, query, filters=filters)


def test_the_page_says_more_than_and_marks_lower_bounds(client, settings):
    from search.backends import get_search_backend

    settings.SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    settings.SAMENHUIS_SEARCH_COUNT_LIMIT = 1500
    get_search_backend().documents_index(
        [doc(f"practice:{n}", f"Fietsen {n}", "Samen fietsen.", year=2020) for n in range(1502)]
    )
    html = client.get("/zoeken/", {"q": "fietsen"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Meer dan 1.500 resultaten" in html
    assert "(1501+)" in html  # the year facet, counted within the first 1,501 matches
    assert "geteld binnen de eerste 1.500" in html
    narrow = client.get("/zoeken/", {"q": "fietsen 7"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Meer dan" not in narrow and "+)" not in narrow


def test_in_date_order_all_the_words_still_come_first(backend):  # noqa: F811
    backend.documents_index(
        [
            doc("practice:1", "Huiswerk", "Hulp bij huiswerk voor je dochter.", year=2015),
            doc("practice:2", "Huiswerkklas", "Huiswerk met je dochter.", year=2024),
        ]
    )
    results = search(backend, "huiswerk hulp dochter", order="date")
    assert keys(results) == ["practice:1", "practice:2"]
    assert [hit.missing for hit in results.hits] == [(), ("hulp",)]


def test_a_question_needs_only_its_meaningful_words(backend):  # noqa: F811
    # Two meaningful words: not relaxed, so the strict query itself must leave out "hoe vind ik".
    backend.documents_index([doc("practice:1", "Wachtlijst", "Zo krijgt u een plaats in de kinderopvang.")])
    assert keys(search(backend, "hoe vind ik een plaats in de kinderopvang")) == ["practice:1"]
    assert not search(backend, "hoe vind ik een plaats in de zwemclub").hits


def test_filler_is_left_out_of_every_backends_query():
    from search.analysis import query_parse, term_word, without_filler
    from search.backends.elasticsearch import search_body

    parsed = query_parse("waar vind ik hulp bij huiswerk voor mijn dochter")
    assert [term_word(term) for term in parsed.terms] == ["hulp", "huiswerk", "dochter"]
    assert [term_word(term) for term in query_parse("wie is wie").terms] == ["wie"]  # all filler: kept
    assert without_filler('hoe "waar is" kind -baby OR peuter') == '"waar is" kind -baby OR peuter'
    body = search_body(SearchRequest(query="hoe vind ik een plaats in de kinderopvang", scopes=PUBLIC))
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["query"] == "plaats kinderopvang"


def test_a_long_compound_finds_the_shorter_ones_inside_it(backend):  # noqa: F811
    backend.documents_index(
        [
            doc("practice:1", "Wachtlijsten", "De wachtlijst in de jeugdhulp wordt korter."),
            doc("practice:2", "Taalcafé", "Ouders oefenen Nederlands."),
        ]
    )
    assert keys(search(backend, "jeugdhulpverlening")) == ["practice:1"]


def test_concurrent_writers_keep_the_statistics_equal_to_a_recount(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs PostgreSQL")
    import threading

    from django.db import connections

    from search.backends import get_search_backend

    settings.SAMENHUIS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    backend = get_search_backend()  # noqa: F811
    words = ["fiets", "auto", "trein", "bus", "boot"]
    errors = []

    def write(offset):
        try:
            for round_ in range(8):
                batch = [
                    doc(f"practice:{n}", f"Verslag {n}", " ".join(words[(n + round_ + offset) % 5 :]) + " samen")
                    for n in (range(6) if offset else reversed(range(6)))
                ]
                backend.documents_index(batch)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    before = _statistics()
    assert before[1]["public"][0] == 6
    statistics.recount(connection)
    assert _statistics() == before
