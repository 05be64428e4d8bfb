import sqlite3
from html.parser import HTMLParser

import pytest

from search.analysis import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    Term,
    fts5_match,
    highlight,
    index_terms,
    query_parse,
    stem,
    stems,
    tsquery,
    words,
)

HOSTILE_QUERIES = [
    "",
    "   ",
    "!!!",
    "'; DROP TABLE x; --",
    "a & b | !c <-> d",
    '"huis van het kind"',
    "fietst -auto",
    "caw OR clb",
    "x" * 10_000,
    "de het van",
    'fiets "open einde',
    '\\ \\\\ \' " "" :* (a) <b> NEAR(c d) col:e ^f *',
    "-",
    "- -- -auto",
    "OR",
    "auto's “huis van het kind”",
]


def query_stems(word: str) -> set[str]:
    (term,) = query_parse(word).terms
    return {stem(variant) for variant in term.variants}


class TestWords:
    def test_lower_case_letters_and_digits_with_accents_kept(self):
        assert words("Café in Brussel, 2024: Kind & Gezin!") == ["café", "in", "brussel", "2024", "kind", "gezin"]

    def test_a_plurals_apostrophe_s_goes_other_apostrophes_are_dropped(self):
        # "baby's" must meet "baby": Snowball stems "babys" apart from it.
        assert words("auto's en baby\u2019s 'quoted' d'r") == ["auto", "en", "baby", "quoted", "dr"]

    def test_decomposed_accents_stay_one_word(self):
        assert words("cafe\u0301") == ["café"]

    def test_underscores_and_operators_separate(self):
        assert words("foo_bar a&b c|d") == ["foo", "bar", "a", "b", "c", "d"]

    def test_stems_are_the_stems_of_the_words(self):
        assert stems("Wij fietsen") == f"{stem('wij')} {stem('fietsen')}"


class TestStemming:
    def test_a_third_person_verb_finds_the_infinitive(self):
        assert query_stems("fietst") & {stem(word) for word in words("fietsen")}
        assert query_stems("werkt") & {stem("werken")}
        assert query_stems("speelt") & {stem("spelen")}

    def test_short_words_ending_in_t_are_left_alone(self):
        assert query_parse("zet").terms == (Term(variants=("zet",)),)


class TestIndexTerms:
    def test_a_compound_gives_its_parts_with_and_without_linking_s(self):
        extra = index_terms("Opvoedingsondersteuning in Geel").split()
        assert extra == ["opvoedings", "opvoeding", "ondersteuning"]

    def test_a_compound_without_linking_letter(self):
        assert index_terms("Kinderopvang").split() == ["kinder", "opvang"]

    def test_a_plural_compound_is_recognised(self):
        assert "opvoeding" in index_terms("opvoedingsondersteuningen").split()
        assert "opvang" in index_terms("kinderopvangen").split()
        assert "plek" in index_terms("ontmoetingsplekken").split()

    def test_an_unknown_word_gives_nothing(self):
        assert index_terms("Een gewone zin over fietsen") == ""
        assert index_terms("") == ""

    def test_a_multi_word_synonym_gives_the_abbreviation(self):
        assert "hvk" in index_terms("Het Huis van het Kind in Geel").split()

    def test_an_abbreviation_gives_the_words_of_the_multi_word_synonyms(self):
        extra = index_terms("Het HvK").split()
        assert "huis" in extra
        assert "kind" in extra

    def test_synonyms_match_whole_word_sequences_only(self):
        assert "hvk" not in index_terms("Het huis van het jonge kind").split()
        assert "hvk" not in index_terms("huis kind").split()
        assert "ocmw" not in index_terms("sociaalhuis").split()

    def test_synonyms_match_on_stems(self):
        assert "hvk" in index_terms("De Huizen van het Kind").split()

    def test_output_is_deduplicated_and_stable(self):
        text = "Kinderopvang en kinderopvang, HvK en huis van het kind"
        extra = index_terms(text).split()
        assert len(extra) == len(set(extra))
        assert index_terms(text) == index_terms(text)


class TestQueryParse:
    @pytest.mark.parametrize("raw", HOSTILE_QUERIES)
    def test_never_raises_and_only_keeps_words(self, raw):
        parsed = query_parse(raw)
        for term in parsed.terms:
            for word in term.variants + term.phrase:
                assert words(word) == [word]
        for word in parsed.excluded:
            assert words(word) == [word]

    @pytest.mark.parametrize("raw", ["", "   ", "!!!", "-", "OR", "- -- -auto"])
    def test_nothing_to_search_is_empty(self, raw):
        assert query_parse(raw).is_empty

    def test_sql_is_just_words(self):
        assert query_parse("'; DROP TABLE x; --") == ParsedQuery(
            terms=(Term(variants=("drop", "dropen")), Term(variants=("table",)), Term(variants=("x",)))
        )

    def test_tsquery_operators_are_separators(self):
        parsed = query_parse("a & b | !c <-> d")
        assert parsed.terms == tuple(Term(variants=(word,)) for word in "abcd")
        assert parsed.excluded == ()
        assert not parsed.any_of

    def test_a_quoted_phrase_keeps_its_stop_words(self):
        assert query_parse('"huis van het kind"').terms == (Term(phrase=("huis", "van", "het", "kind")),)

    def test_an_unbalanced_quote_is_a_separator(self):
        assert query_parse('fiets "open einde').terms == (
            Term(variants=("fiets", "fietsen")),  # the plural stems apart from the singular
            Term(variants=("open",)),
            Term(variants=("einde",)),
        )

    def test_minus_excludes_but_not_inside_a_word(self):
        parsed = query_parse("fietst -auto e-mail")
        assert parsed.terms == (
            Term(variants=("fietst", "fiets", "fietsen")),
            Term(variants=("e",)),
            Term(variants=("mail",)),
        )
        assert parsed.excluded == ("auto",)

    def test_or_makes_an_or_query(self):
        parsed = query_parse("caw OR clb")
        assert parsed.terms == (Term(variants=("caw",)), Term(variants=("clb",)))
        assert parsed.any_of

    def test_lower_case_or_is_a_word(self):
        assert not query_parse("caw or clb").any_of

    def test_a_long_query_is_truncated(self):
        (term,) = query_parse("x" * 10_000).terms
        assert term.variants == ("x" * MAX_QUERY_LENGTH,)

    def test_stop_words_are_dropped(self):
        assert query_parse("het huis van het kind").terms == (Term(variants=("huis",)), Term(variants=("kind",)))

    def test_only_stop_words_are_kept(self):
        assert query_parse("de het van").terms == (
            Term(variants=("de",)),
            Term(variants=("het",)),
            Term(variants=("van",)),
        )

    def test_curly_quotes_make_a_phrase(self):
        assert query_parse("“huis van het kind”").terms == (Term(phrase=("huis", "van", "het", "kind")),)


class TestFts5Match:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("", ""),
            ("!!!", ""),
            ("-auto", ""),
            ("'; DROP TABLE x; --", '("drop" OR "droop") AND ("tabl") AND ("x")'),
            ('"huis van het kind"', '"huis van het kind"'),
            ("fietst -auto", '("fietst" OR "fiet" OR "fiets") NOT "auto"'),
            ("caw OR clb", '("caw") OR ("clb")'),
            ("caw OR clb -kind", '(("caw") OR ("clb")) NOT "kind"'),
        ],
    )
    def test_expressions(self, raw, expected):
        assert fts5_match(query_parse(raw)) == expected

    def test_quotes_are_doubled(self):
        assert fts5_match(ParsedQuery(terms=(Term(variants=('a"b',)),))) == '("a""b")'

    @pytest.mark.parametrize("raw", HOSTILE_QUERIES)
    def test_every_expression_is_valid_fts5(self, raw):
        expression = fts5_match(query_parse(raw))
        if not expression:
            return
        with sqlite3.connect(":memory:") as connection:
            connection.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
            connection.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()

    def test_matches_what_it_means(self):
        documents = {
            "fietsen": "Wij fietsen naar school.",
            "auto": "Wij fietsen en rijden met de auto.",
            "hvk": "Het Huis van het Kind in Geel.",
            "caw": "Het CAW helpt.",
            "clb": "Vraag het aan het CLB.",
            "opvoeding": "Opvoedingsondersteuningen voor iedereen.",
        }
        with sqlite3.connect(":memory:") as connection:
            connection.execute("CREATE VIRTUAL TABLE t USING fts5(key UNINDEXED, body, extra)")
            for key, text in documents.items():
                connection.execute("INSERT INTO t VALUES (?, ?, ?)", (key, stems(text), stems(index_terms(text))))

            def search(raw):
                rows = connection.execute("SELECT key FROM t WHERE t MATCH ?", (fts5_match(query_parse(raw)),))
                return {key for (key,) in rows}

            assert search("fietst") == {"fietsen", "auto"}
            assert search("fietst -auto") == {"fietsen"}
            assert search("hvk") == {"hvk"}
            assert search('"huis van het kind"') == {"hvk"}
            assert search("caw OR clb") == {"caw", "clb"}
            assert search("caw clb") == set()
            assert search("opvoeding") == {"opvoeding"}


class TestTsquery:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("", ""),
            ("-auto", ""),
            ("'; DROP TABLE x; --", "('drop' | 'dropen') & ('table') & ('x')"),
            ('"huis van het kind"', "'huis' <-> 'van' <-> 'het' <-> 'kind'"),
            ("fietst -auto", "('fietst' | 'fiets' | 'fietsen') & !'auto'"),
            ("caw OR clb", "('caw') | ('clb')"),
            ("caw OR clb -kind", "(('caw') | ('clb')) & !'kind'"),
        ],
    )
    def test_expressions(self, raw, expected):
        assert tsquery(query_parse(raw)) == expected

    def test_quotes_and_backslashes_are_escaped(self):
        assert tsquery(ParsedQuery(terms=(Term(variants=("a'b\\",)),))) == "('a''b\\\\')"


@pytest.fixture(scope="module")
def postgres():
    psycopg = pytest.importorskip("psycopg")
    try:
        connection = psycopg.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3, autocommit=True
        )
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 not reachable, tsquery syntax not checked: {exc}")
    with connection:
        yield connection


class TestTsqueryOnPostgres:
    @pytest.mark.parametrize("raw", [*HOSTILE_QUERIES, "ocmw OR hvk -fietst"])
    def test_every_expression_parses(self, postgres, raw):
        expression = tsquery(query_parse(raw))
        if expression:
            postgres.execute("SELECT to_tsquery('dutch', %s)", (expression,))

    def test_matches_what_it_means(self, postgres):
        def matches(text, raw):
            query = "SELECT to_tsvector('dutch', %s) @@ to_tsquery('dutch', %s)"
            return postgres.execute(query, (text, tsquery(query_parse(raw)))).fetchone()[0]

        assert matches("Wij fietsen naar het Huis van het Kind", 'fietst "huis van het kind"')
        assert not matches("Wij fietsen met de auto", "fietst -auto")
        assert matches("Het CLB", "caw OR clb")


class MarkupChecker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append(f"/{tag}")


def tags_of(html):
    checker = MarkupChecker()
    checker.feed(html)
    checker.close()
    return checker.tags


class TestHighlight:
    def test_marks_the_infinitive_for_a_verb_form(self):
        assert highlight("Wij fietsen naar school.", query_parse("fietst")) == "Wij <mark>fietsen</mark> naar school."

    def test_escapes_the_text(self):
        text = "<script>alert('x')</script> & wij fietsen <b>graag</b>"
        html = highlight(text, query_parse("fietst"))
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert tags_of(html) == ["mark", "/mark"]

    def test_escapes_a_matching_word_next_to_markup(self):
        html = highlight("<fietsen>", query_parse("fietsen"))
        assert html == "&lt;<mark>fietsen</mark>&gt;"

    def test_centres_on_the_first_match_and_cuts_with_ellipses(self):
        text = "begin " + "woord " * 100 + "fietsen " + "woord " * 100 + "einde"
        html = highlight(text, query_parse("fietst"), length=80)
        assert html.startswith("…")
        assert html.endswith("…")
        assert "<mark>fietsen</mark>" in html
        assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 80 + 2
        assert "woo…" not in html and "…ord" not in html  # whole words only

    def test_the_start_of_the_text_when_nothing_matches(self):
        text = "Eerste zin. " + "woord " * 100
        html = highlight(text, query_parse("fietst"), length=40)
        assert html.startswith("Eerste zin.")
        assert html.endswith("…")
        assert "<mark>" not in html

    def test_marks_every_match_phrases_compounds_and_synonyms(self):
        html = highlight("Het Huis van het Kind doet aan opvoedingsondersteuning.", query_parse("hvk opvoeding"))
        assert html == (
            "Het <mark>Huis</mark> <mark>van</mark> <mark>het</mark> <mark>Kind</mark> doet aan "
            "<mark>opvoedingsondersteuning</mark>."
        )

    @pytest.mark.parametrize("raw", HOSTILE_QUERIES)
    def test_hostile_queries_give_well_formed_html(self, raw):
        text = '<script>alert("x")</script> huis van het kind & fietsen "a" <- d'
        html = highlight(text, query_parse(raw), length=30)
        tags = tags_of(html)
        assert set(tags) <= {"mark", "/mark"}
        assert tags == ["mark", "/mark"] * (len(tags) // 2)
