"""The relevance bench's judged set is well-formed and its metrics compute what they should
(bench/relevance.py, issue 24 part 4). The figures of the real systems are the bench's business,
not the tests'."""

import importlib.util
import math
from datetime import date
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "relevance.py"


@pytest.fixture(scope="module")
def relevance():
    spec = importlib.util.spec_from_file_location("bench_relevance", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents(relevance):
    return relevance.load_documents()


@pytest.fixture(scope="module")
def queries(relevance):
    return relevance.load_queries()


class TestTheSet:
    def test_has_at_least_300_documents_of_every_kind_with_unique_ids(self, documents):
        assert len(documents) >= 300
        assert len({document["id"] for document in documents}) == len(documents)
        kinds = {document["type"] for document in documents}
        assert kinds == {"practice", "article", "event", "material", "organisation", "message"}

    def test_every_document_has_what_the_backend_needs(self, documents):
        for document in documents:
            assert document["title"].strip() and document["text"].strip(), document["id"]
            date.fromisoformat(document["date"])
            assert isinstance(document["life_domains"], list)
            assert document["subjects"], document["id"]

    def test_documents_range_from_one_line_to_several_paragraphs(self, documents):
        lengths = [len(document["text"].split()) for document in documents]
        assert min(lengths) < 15
        assert max(lengths) > 100
        assert sum("\n\n" in document["text"] for document in documents) >= 100

    def test_has_at_least_40_queries_with_unique_ids_and_texts(self, queries):
        assert len(queries) >= 40
        assert len({query["id"] for query in queries}) == len(queries)
        assert len({query["query"] for query in queries}) == len(queries)

    def test_judgments_name_existing_documents_with_grades_0_to_2(self, documents, queries):
        ids = {document["id"] for document in documents}
        for query in queries:
            assert set(query["judgments"]) <= ids, query["id"]
            assert set(query["judgments"].values()) <= {0, 1, 2}, query["id"]

    def test_every_query_has_a_relevant_document(self, queries):
        for query in queries:
            assert any(grade >= 1 for grade in query["judgments"].values()), query["query"]

    def test_has_queries_of_every_kind_the_issue_names(self, queries):
        texts = [query["query"] for query in queries]
        kinds = {query["kind"] for query in queries}
        assert {"one word", "abbreviation", "compound", "compound's parts", "question"} <= kinds
        assert any(text.count('"') == 2 for text in texts)
        assert any(" -" in text for text in texts)
        assert any(" OR " in text for text in texts)
        assert any(3 <= len(text.split()) <= 6 and '"' not in text for text in texts)
        assert any(kind.endswith("rare and common") for kind in kinds)


class TestMetrics:
    judgments = {"a": 2, "b": 1, "c": 1}

    def test_ndcg_is_one_for_the_ideal_order(self, relevance):
        assert relevance.ndcg_at(["a", "b", "c"], self.judgments) == pytest.approx(1.0)

    def test_ndcg_discounts_by_log2_of_the_rank_with_the_grade_as_gain(self, relevance):
        # Found: b (1) at rank 1, an unjudged x at rank 2, a (2) at rank 3.
        found = 1 / math.log2(2) + 0 + 2 / math.log2(4)
        ideal = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
        assert relevance.ndcg_at(["b", "x", "a"], self.judgments) == pytest.approx(found / ideal)
        assert found / ideal == pytest.approx(2 / 3.1309, abs=1e-4)  # 0.6388

    def test_ndcg_counts_only_the_first_k_and_nothing_found_is_zero(self, relevance):
        ranking = [f"x{n}" for n in range(10)] + ["a"]
        assert relevance.ndcg_at(ranking, self.judgments) == 0.0
        assert relevance.ndcg_at([], self.judgments) == 0.0

    def test_precision_at_5_counts_grade_1_as_relevant_and_empty_places_as_not(self, relevance):
        assert relevance.precision_at(["a", "x", "c"], self.judgments) == pytest.approx(2 / 5)
        assert relevance.precision_at(["a", "b", "c", "x", "y", "z"], self.judgments) == pytest.approx(3 / 5)

    def test_recall_at_10_is_over_the_relevant_that_fit_in_ten(self, relevance):
        assert relevance.recall_at(["a", "x", "c"], self.judgments) == pytest.approx(2 / 3)
        many = {f"r{n}": 1 for n in range(15)}
        assert relevance.recall_at([f"r{n}" for n in range(10)], many) == pytest.approx(1.0)
        assert relevance.recall_at([f"r{n}" for n in range(5)] + ["x"] * 5, many) == pytest.approx(0.5)
        assert relevance.recall_at([f"r{n}" for n in range(10, 15)], many) == pytest.approx(0.5)

    def test_evaluate_averages_over_the_queries_and_lists_those_without_result(self, relevance):
        queries = [
            {"id": "q1", "query": "een", "judgments": {"a": 2}},
            {"id": "q2", "query": "twee", "judgments": {"b": 1}},
        ]
        figures = relevance.evaluate({"q1": ["a"], "q2": []}, queries)
        assert figures["ndcg"] == pytest.approx(0.5)
        assert figures["p5"] == pytest.approx(0.1)
        assert figures["recall"] == pytest.approx(0.5)
        assert figures["no_result"] == ["twee"]


def test_every_query_falls_in_a_kind_the_issue_names(relevance, queries):
    named = {"one word", "abbreviation", "compound", "compound's parts", "two to six words", "question", "phrase"}
    groups = {relevance.kind_group(query["kind"]) for query in queries}
    assert groups == named | {"exclusion", "OR"}
    assert relevance.kind_group("three words, rare and common") == "two to six words"
    assert relevance.kind_group("phrase and a word") == "phrase"


class TestBaseline:
    documents = [
        {"id": "d1", "title": "Ouders en kinderen", "text": "Ouders spelen met hun kinderen. Ouders praten."},
        {"id": "d2", "title": "Kangoeroezorg", "text": "Huid op huid: kangoeroezorg voor ouders van een baby."},
        {"id": "d3", "title": "Jeugdhulp op school", "text": "Jeugdhulp en de school werken samen."},
        {"id": "d4", "title": "Jeugdhulp thuis", "text": "Jeugdhulp voor jongeren thuis."},
    ]

    def test_stems_dutch_and_drops_the_stop_words(self, relevance):
        engine = relevance.DutchBM25(self.documents)
        assert engine.analyse("de kinderen en hun ouders") == ["kinder", "ouder"]
        assert engine.search("kind") == []  # Snowball does not join "kind" and "kinderen"
        assert engine.search("het kinderen")[0] == "d1"

    def test_a_rare_word_outweighs_a_common_one(self, relevance):
        engine = relevance.DutchBM25(
            self.documents + [{"id": f"c{n}", "title": "Ouders", "text": "ouders"} for n in range(5)]
        )
        assert engine.search("ouders kangoeroezorg")[0] == "d2"

    def test_an_excluded_word_removes_its_documents_and_or_is_no_word(self, relevance):
        engine = relevance.DutchBM25(self.documents)
        assert engine.search("jeugdhulp -school") == ["d4"]
        assert set(engine.search("kangoeroezorg OR school")) == {"d2", "d3"}
