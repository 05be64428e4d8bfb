"""Relevance of the search on a judged Dutch set, against a plain BM25 engine (issue 24, part 4).

The set (`bench/relevance/`, written for this bench; `compose.py` there says how): 355 documents
in the style of the platform (good practices of Huizen van het Kind, magazine articles, events,
materials, organisations, room messages) and 53 queries of every kind people type (one word, an
abbreviation, a compound, a compound's parts, three to six words, a question, a "phrase", a
-word, OR), each with graded judgments: 2 what the asker is after, 1 useful, unjudged 0.

The run indexes the set through the project's own backend (each fixture projected into a
`SearchDocument` with `search.analysis.index_terms` as `extra`, as `search_rebuild` does; scope
public) on the configured database, runs every query through `search()` (the first ten hits, as
an anonymous visitor), and, in the same run, the baseline: `bm25s` (Lucene's BM25, k1 1.2, b 0.75)
over title and text with PyStemmer's Dutch Snowball stemmer and Snowball's Dutch stop list, the
query words OR-ed (what Elasticsearch's `dutch` analyzer and a `match` query give out of the
box; quotes are ignored, a -word excludes the documents with its stem, "OR" is dropped).

Printed per system: nDCG@10 (gain = grade, log2 discount, the ideal from all judged documents),
P@5 (relevant = grade 1 or 2, over five places even when fewer hits), Recall@10 (the relevant
documents in the first ten over min(10, all relevant): most queries here have more than ten
relevant documents), and the queries without any result; `--verbose` adds a row per query,
`--json PATH` writes the figures. Target (issue 24, "Speed"): nDCG@10 ≥ 0.85 and at least 0.03
above the baseline on both databases, at most one query without a result.

    .venv/bin/python bench/relevance.py                  # SQLite file var/bench-relevance.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samenhuis_bench_relevance .venv/bin/python bench/relevance.py
    .venv/bin/python bench/relevance.py --verbose --json var/relevance.json

On PostgreSQL a database whose name holds "bench" is created when missing and dropped at the end
(`--keep-database` keeps it). See bench/README.md and docs/search.md.
"""

import argparse
import json
import logging
import math
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET_DIR = HERE / "relevance"
DEFAULT_DB = HERE.parent / "var" / "bench-relevance.sqlite3"
CUTOFF = 10

# Snowball's Dutch stop list, which Lucene's DutchAnalyzer (Elasticsearch's `dutch`) uses.
# fmt: off
DUTCH_STOP_WORDS = frozenset("""
de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem
dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb
hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer
doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen
kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
""".split())  # noqa: SIM905 - the list as Snowball prints it
# fmt: on


# The set ---------------------------------------------------------------------------------------


def load_documents(directory: Path = SET_DIR) -> list[dict]:
    with (directory / "documents.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_queries(directory: Path = SET_DIR) -> list[dict]:
    return json.loads((directory / "queries.json").read_text(encoding="utf-8"))


# Metrics (pure functions: tests/search/test_relevance_set.py) ------------------------------------


def dcg(gains: list[int]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at(ranking: list[str], judgments: dict[str, int], k: int = CUTOFF) -> float:
    """nDCG@k with the grade as gain and a log2 discount; the ideal ranks every judged document
    by grade. 0 when nothing is relevant."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(key, 0) for key in ranking[:k]]) / ideal


def precision_at(ranking: list[str], judgments: dict[str, int], k: int = 5) -> float:
    """The share of the first k places that hold a relevant document (grade ≥ 1); an empty place
    counts as not relevant."""
    return sum(1 for key in ranking[:k] if judgments.get(key, 0) >= 1) / k


def recall_at(ranking: list[str], judgments: dict[str, int], k: int = CUTOFF) -> float:
    """The relevant documents among the first k, over as many as could fit there: min(k, all
    relevant) (BEIR's capped recall), so 1.0 means the first page is all relevant documents or
    all of them."""
    relevant = {key for key, grade in judgments.items() if grade >= 1}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / min(k, len(relevant))


def evaluate(rankings: dict[str, list[str]], queries: list[dict]) -> dict:
    """The figures of one system: `rankings` maps a query's id to the document ids it returned."""
    rows = []
    for query in queries:
        ranking, judgments = rankings[query["id"]], query["judgments"]
        rows.append(
            {
                "id": query["id"],
                "query": query["query"],
                "results": len(ranking),
                "ndcg": ndcg_at(ranking, judgments),
                "p5": precision_at(ranking, judgments),
                "recall": recall_at(ranking, judgments),
                "top": ranking[:CUTOFF],
            }
        )
    count = len(rows)
    return {
        "ndcg": sum(row["ndcg"] for row in rows) / count,
        "p5": sum(row["p5"] for row in rows) / count,
        "recall": sum(row["recall"] for row in rows) / count,
        "no_result": [row["query"] for row in rows if row["results"] == 0],
        "queries": rows,
    }


# The baseline: BM25 with Dutch analysis ----------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
_EXCLUDED = re.compile(r"(?<![\w-])-([^\W_]+)")


class DutchBM25:
    """bm25s over title and text, analysed as Elasticsearch's `dutch` analyzer does: lower case,
    Snowball's Dutch stop words out, Snowball's Dutch stemmer."""

    def __init__(self, documents: list[dict]):
        import bm25s
        import Stemmer

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it announces every index it builds
        self._stemmer = Stemmer.Stemmer("dutch")
        self.ids = [document["id"] for document in documents]
        corpus = [self.analyse(f"{document['title']}\n{document['text']}") for document in documents]
        self.index = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        self.index.index(corpus, show_progress=False)
        self._stems = [set(tokens) for tokens in corpus]

    def analyse(self, text: str) -> list[str]:
        words = [word for word in _TOKEN.findall(text.lower()) if word not in DUTCH_STOP_WORDS]
        return self._stemmer.stemWords(words)

    def search(self, query: str, limit: int = CUTOFF) -> list[str]:
        excluded = set(self.analyse(" ".join(_EXCLUDED.findall(query))))
        positive = _EXCLUDED.sub(" ", query).replace(" OR ", " ")
        tokens = [token for token in dict.fromkeys(self.analyse(positive)) if token in self.index.vocab_dict]
        if not tokens:
            return []
        scores = self.index.get_scores(tokens)
        ranked = sorted(
            (index for index, score in enumerate(scores) if score > 0 and not excluded & self._stems[index]),
            key=lambda index: -scores[index],
        )
        return [self.ids[index] for index in ranked[:limit]]


# The project's backend -----------------------------------------------------------------------------


def search_documents(documents: list[dict]):
    """The fixtures as the backend gets them from `search.sources`: `extra` from `index_terms`
    over title, text and context; every document public."""
    from search.analysis import index_terms
    from search.backends.base import SearchDocument

    for document in documents:
        text = document["text"]
        yield SearchDocument(
            key=f"{document['type']}:{document['id']}",
            type=document["type"],
            title=document["title"],
            text=text,
            url=f"/bench/relevance/{document['id']}/",
            date=datetime.fromisoformat(document["date"]).replace(tzinfo=UTC),
            scope="public",
            life_domains=tuple(document["life_domains"]),
            province=document["province"],
            context=document["context"],
            extra=index_terms(" ".join((document["title"], text, document["context"]))),
        )


def backend_rankings(backend, queries: list[dict]) -> dict[str, list[str]]:
    from search.backends.base import SearchRequest

    rankings = {}
    for query in queries:
        results = backend.search(SearchRequest(query=query["query"], scopes=("public",), limit=CUTOFF))
        rankings[query["id"]] = [hit.key.partition(":")[2] for hit in results.hits]
    return rankings


# Databases -----------------------------------------------------------------------------------------


def _postgres_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def database_create(url: str) -> bool:
    """Creates the PostgreSQL bench database when missing; True when this run created it."""
    import psycopg

    name = _postgres_name(url)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def database_drop(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_postgres_name(url)}" WITH (FORCE)')


# Output -----------------------------------------------------------------------------------------------


def summary_table(systems: dict[str, dict]) -> str:
    lines = [
        "| system | nDCG@10 | P@5 | Recall@10 | queries with 0 results |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, figures in systems.items():
        lines.append(
            f"| {name} | {figures['ndcg']:.3f} | {figures['p5']:.3f} | {figures['recall']:.3f} "
            f"| {len(figures['no_result'])} |"
        )
    return "\n".join(lines)


def per_query_table(systems: dict[str, dict], queries: list[dict]) -> str:
    names = list(systems)
    header = "id   " + "".join(f"{'nDCG':>6} {'P@5':>4} {'R@10':>5} {'n':>3} | " for _ in names) + "query"
    lines = ["systems: " + " | ".join(names), header]
    for number, query in enumerate(queries):
        cells = ""
        for name in names:
            row = systems[name]["queries"][number]
            cells += f"{row['ndcg']:6.2f} {row['p5']:4.1f} {row['recall']:5.2f} {row['results']:3d} | "
        relevant = sum(1 for grade in query["judgments"].values() if grade >= 1)
        lines.append(f"{query['id']:<5}{cells}{query['query']}  ({relevant} relevant; {query['kind']})")
    return "\n".join(lines)


def kind_group(kind: str) -> str:
    """The query's kind as the issue lists them ("three words, rare and common" -> "two to six words")."""
    if kind.startswith(("one word", "abbreviation", "compound's parts", "compound", "question", "phrase")):
        return kind.split(",")[0].replace(" and a word", "")
    if kind in ("exclusion", "OR"):
        return kind
    return "two to six words"


def kind_table(systems: dict[str, dict], queries: list[dict]) -> str:
    groups: dict[str, list[int]] = {}
    for number, query in enumerate(queries):
        groups.setdefault(kind_group(query["kind"]), []).append(number)
    lines = ["nDCG@10 by kind of query (" + " | ".join(systems) + "):"]
    for group, numbers in groups.items():
        means = [sum(figures["queries"][n]["ndcg"] for n in numbers) / len(numbers) for figures in systems.values()]
        lines.append(f"  {group:<18} {len(numbers):>2} queries: " + " | ".join(f"{mean:.3f}" for mean in means))
    return "\n".join(lines)


def targets(ours: dict, baseline: dict) -> list[str]:
    return [
        f"{'PASS' if ours['ndcg'] >= 0.85 else 'FAIL'}: nDCG@10 ≥ 0.85 ({ours['ndcg']:.3f})",
        f"{'PASS' if ours['ndcg'] >= baseline['ndcg'] + 0.03 else 'FAIL'}: nDCG@10 at least 0.03 above the "
        f"baseline ({ours['ndcg'] - baseline['ndcg']:+.3f})",
        f"{'PASS' if len(ours['no_result']) <= 1 else 'FAIL'}: at most one query without a result "
        f"({len(ours['no_result'])})",
    ]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="a row per query: nDCG@10, P@5, Recall@10, hits")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures (and every ranking) here")
    parser.add_argument("--backend", default="default", help="the alias in SAMENHUIS_SEARCH_BACKENDS")
    parser.add_argument("--keep-database", action="store_true", help="PostgreSQL: do not drop the bench database")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    created = False
    if url.startswith("postgres"):
        if "bench" not in _postgres_name(url):
            sys.exit(f"DATABASE_URL names {_postgres_name(url)!r}; give the bench a database of its own (…_bench_…).")
        created = database_create(url)
    sys.path.insert(0, str(HERE))
    from common import django_ready

    django_ready(DEFAULT_DB)
    from django.db import connection

    from search.backends import get_search_backend

    documents, queries = load_documents(), load_queries()
    backend = get_search_backend(args.backend)
    indexed = backend.rebuild(search_documents(documents))
    ours_name = f"Samenhuis, {backend.name} backend on {connection.vendor}"
    print(f"{len(documents)} documents ({indexed} indexed by {ours_name}), {len(queries)} queries")

    systems = {
        ours_name: evaluate(backend_rankings(backend, queries), queries),
        "BM25 baseline (bm25s, Dutch Snowball stemmer and stop list, words OR-ed)": evaluate(
            _baseline_rankings(documents, queries), queries
        ),
    }
    ours, baseline = systems.values()
    best = sum(max(a["ndcg"], b["ndcg"]) for a, b in zip(ours["queries"], baseline["queries"], strict=True))
    print()
    print(summary_table(systems))
    print(f"\nthe better of the two per query: nDCG@10 {best / len(queries):.3f}")
    print(kind_table(systems, queries))
    for name, figures in systems.items():
        if figures["no_result"]:
            print(f"no result, {name}: " + "; ".join(figures["no_result"]))
    lost = [
        (a["ndcg"] - b["ndcg"], a["id"], a["query"])
        for a, b in zip(baseline["queries"], ours["queries"], strict=True)
        if a["ndcg"] - b["ndcg"] >= 0.1
    ]
    if lost:
        print("queries the baseline answers better (nDCG@10 difference ≥ 0.1):")
        for difference, identifier, query in sorted(lost, reverse=True):
            print(f"  {identifier} {difference:+.2f}  {query}")
    if args.verbose:
        print()
        print(per_query_table(systems, queries))
    print()
    print("\n".join(targets(ours, baseline)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"database": connection.vendor, "documents": len(documents), "systems": systems},
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"figures written to {args.json}")
    if url.startswith("postgres") and not args.keep_database:
        database_drop(url)
        print(f"dropped {_postgres_name(url)}" + ("" if created else " (it existed before this run)"))


def _baseline_rankings(documents: list[dict], queries: list[dict]) -> dict[str, list[str]]:
    engine = DutchBM25(documents)
    return {query["id"]: engine.search(query["query"]) for query in queries}


if __name__ == "__main__":
    main()
