"""Index build rate and query latency of the search, with facets and highlighting, per backend.

Builds a synthetic Dutch corpus (default 100,000 documents: practices, articles, events,
materials, organisations and room messages over ten life domains, six provinces, eight years and
fifty groups), projects it (compound and synonym terms, `search.analysis.index_terms`) and
rebuilds the configured backend's index with it, timing both. Then runs a set of Dutch queries as
a member of two groups would (scopes public + members + 2 groups), each a full search: count,
one page of ten hits with highlighted snippets, and the four facets. Prints p50/p95/p99 in
milliseconds and the database queries of one search.

Baseline, in the same run: Wagtail's own database search backend over the same texts as
practice pages (`--baseline` pages, default 2,000: making Wagtail pages is slow), against this
backend over the same 2,000 documents, for the ratio. Target (issue 7, PostgreSQL): p95 ≤ 50 ms,
rebuild of 100,000 documents ≤ 2 minutes.

    .venv/bin/python bench/search.py                       # SQLite file var/bench-search.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samenhuis_bench_search .venv/bin/python bench/search.py
    .venv/bin/python bench/search.py --documents 10000 --baseline 500   # quick run

`--floor` (PostgreSQL): after the queries, what an exact answer over the broadest query's
matches costs at the least, one statement at a time (docs/performance.md, docs/search.md).
"""

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import ROOT, django_ready

DEFAULT_DB = ROOT / "var" / "bench-search.sqlite3"

SUBJECTS = [
    "ouders",
    "gezinnen",
    "kinderen",
    "jongeren",
    "vaders",
    "grootouders",
    "buurtbewoners",
    "vrijwilligers",
    "coördinatoren",
    "vroedvrouwen",
    "kinderbegeleiders",
    "leerkrachten",
    "consulenten",
    "brugfiguren",
]
VERBS = [
    "fietsen",
    "spelen",
    "leren",
    "praten",
    "koken",
    "lezen",
    "ontmoeten",
    "begeleiden",
    "ondersteunen",
    "wandelen",
    "zingen",
    "knutselen",
    "bespreken",
    "organiseren",
    "verwijzen",
    "bezoeken",
]
OBJECTS = [
    "opvoedingsondersteuning",
    "kinderopvang",
    "gezinsondersteuning",
    "taalstimulering",
    "borstvoeding",
    "consultatiebureau",
    "speelotheek",
    "ontmoetingsplek",
    "huisbezoek",
    "kinderarmoede",
    "jeugdhulp",
    "vrijetijd",
    "voorlezen",
    "slaapritme",
    "voeding",
    "beweging",
    "schermtijd",
    "zwangerschap",
    "het Huis van het Kind",
    "het CAW",
    "het CLB",
    "de wijk",
    "de school",
    "de bibliotheek",
]
PLACES = ["Geel", "Turnhout", "Hasselt", "Gent", "Brugge", "Leuven", "Mechelen", "Aalst", "Kortrijk", "Schaarbeek"]
PROVINCES = ["Antwerpen", "Limburg", "Oost-Vlaanderen", "West-Vlaanderen", "Vlaams-Brabant", "Brussel"]
DOMAINS = [
    "gezondheid",
    "ouderschap",
    "sociale-cohesie",
    "onderwijs",
    "kinderopvang",
    "mentaal-welbevinden",
    "cultuur-jeugd-sport",
    "socio-economisch",
    "jeugdhulp",
    "praktische-ondersteuning",
]
TYPES = [("practice", 30), ("article", 10), ("event", 10), ("material", 10), ("organisation", 5), ("message", 35)]
QUERIES = [
    "fietsen",
    "fietst",
    "opvoeding",
    "kinderopvang geel",
    "hvk",
    "caw",
    "voorlezen ouders",
    "borstvoeding",
    "taal",
    '"huis van het kind"',
    "jeugdhulp -school",
    "speelotheek OR bibliotheek",
    "ontmoeten wijk",
    "slaapritme baby",
    "consultatiebureau turnhout",
    "vaders koken",
    "armoede",
    "gezinsondersteuning hasselt",
    "schermtijd jongeren",
    "opvoedingsvragen",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000, help="Wagtail pages for the baseline (0: none)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of every query")
    parser.add_argument("--dense", action="store_true", help="the worst case: a tiny vocabulary, queries match 10-50%%")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="PostgreSQL: also time the least any exact count over the broadest query's matches can cost",
    )
    return parser.parse_args()


def setup():
    django_ready(DEFAULT_DB)


class Vocabulary:
    """Words to write with. `dense`: the short lists above, so a query matches 10-50% of the corpus
    (a worst case). Otherwise a corpus closer to real text: the domain's compounds and their
    parts, all 304 municipalities, and every list drawn with Zipf weights (a few words are
    common, most are rare), so a query matches well under 1% to a few percent."""

    def __init__(self, *, dense: bool):
        self.subjects, self.verbs, self.objects, self.places = SUBJECTS, VERBS, OBJECTS, PLACES
        if not dense:
            compounds = [
                line.replace("|", "")
                for line in (ROOT / "search" / "data" / "compounds.txt").read_text().splitlines()
                if line and not line.startswith("#")
            ]
            parts = {part for line in compounds for part in line.split("|")}
            self.objects = [*OBJECTS, *compounds, *sorted(parts)]
            self.objects += [f"{a}{b}" for a in ("gezins", "kinder", "jeugd", "ouder", "buurt") for b in NOUN_TAILS]
            municipalities = (ROOT / "community" / "data" / "municipalities-2025.csv").read_text().splitlines()
            self.places = [row.split(",")[1] for row in municipalities if row[:1].isdigit()]
        self.weights = {
            name: [1 / (rank + 1) for rank in range(len(words))]
            for name, words in (
                ("subjects", self.subjects),
                ("verbs", self.verbs),
                ("objects", self.objects),
                ("places", self.places),
            )
        }

    def pick(self, rng, name: str) -> str:
        return rng.choices(getattr(self, name), weights=self.weights[name])[0]

    def sentence(self, rng) -> str:
        return (
            f"{self.pick(rng, 'subjects').capitalize()} {self.pick(rng, 'verbs')} samen rond "
            f"{self.pick(rng, 'objects')} in {self.pick(rng, 'places')}."
        )


NOUN_TAILS = ["werking", "hulp", "plan", "dag", "project", "avond", "groep", "ruimte", "budget", "team", "traject"]


def corpus(count: int, rng, vocabulary: "Vocabulary"):
    """(type, title, text, scope, domains, province, year) tuples, the same for every backend."""
    kinds = [kind for kind, weight in TYPES for _ in range(weight)]
    for number in range(count):
        kind = rng.choice(kinds)
        scope = "public"
        if kind == "message":
            scope = "members" if rng.random() < 0.6 else f"group:{rng.randrange(50)}"
        words = rng.randrange(3, 12)
        yield (
            kind,
            f"{vocabulary.pick(rng, 'objects').capitalize()} in {vocabulary.pick(rng, 'places')} ({number})",
            " ".join(vocabulary.sentence(rng) for _ in range(words)),
            scope,
            tuple(rng.sample(DOMAINS, rng.randrange(0, 3))),
            rng.choice(PROVINCES),
            rng.randrange(2019, 2027),
        )


def documents(rows):
    from search.sources import _document

    for number, (kind, title, text, scope, domains, province, year) in enumerate(rows):
        yield _document(
            key=f"{kind}:{number}",
            type=kind,
            title=title,
            text=text,
            url=f"/bench/{number}/",
            date=datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=number % 360),
            scope=scope,
            life_domains=domains,
            province=province,
            context="",
        )


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    cut = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {cut[49]:.1f} / p95 {cut[94]:.1f} / p99 {cut[98]:.1f} ms"


def measure(function, repeat: int, *, queries=QUERIES) -> list[float]:
    timings = []
    for _ in range(repeat):
        for query in queries:
            started = time.perf_counter()
            function(query)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def our_search(backend, scopes):
    from search.backends.base import SearchRequest

    def run(query):
        return backend.search(SearchRequest(query=query, scopes=scopes, limit=10))

    return run


def query_count(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function("kinderopvang geel")
    return len(captured)


def baseline(count: int, repeat: int, rng, vocabulary) -> None:
    """Wagtail's database search over `count` practice pages with the same kind of text, and this
    backend over the same texts, for the ratio."""
    from django.db import connection, transaction
    from django.test.utils import override_settings
    from wagtail.search.backends import get_search_backend as wagtail_backend

    from knowledge.models import PracticeIndexPage, PracticePage, StandardPage
    from search.backends import get_search_backend

    rows = list(corpus(count, rng, vocabulary))
    started = time.perf_counter()
    search_off = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=search_off), transaction.atomic():
        knowledge = StandardPage.objects.get(slug="kennis")
        for old in PracticePage.objects.filter(slug__startswith="bench-"):  # an earlier run's pages
            old.delete()
        index = PracticeIndexPage.objects.first() or knowledge.add_child(
            instance=PracticeIndexPage(title="Praktijken", slug="praktijken")
        )
        for number, (_kind, title, text, *_rest) in enumerate(rows):
            index.add_child(
                instance=PracticePage(title=title, slug=f"bench-{number}", summary=text[:300], approach=text)
            )
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    wagtail = wagtail_backend()
    wagtail.add_bulk(PracticePage, list(PracticePage.objects.all()))
    print(
        f"baseline: {count} Wagtail pages made in {seeded:.0f} s, "
        f"indexed by Wagtail in {time.perf_counter() - started:.1f} s"
    )

    def wagtail_search(query):
        results = PracticePage.objects.live().search(query)
        list(results[:10])
        return results.count()

    ours = get_search_backend()
    ours.rebuild(documents(rows))
    theirs = measure(wagtail_search, repeat)
    mine = measure(our_search(ours, ("public", "members", "group:1", "group:2")), repeat)
    print(f"  Wagtail database search ({connection.vendor}), results + count, no facets: {percentiles(theirs)}")
    print(f"  Samenhuis search over the same {count} texts, with facets and snippets:     {percentiles(mine)}")
    ratio = statistics.median(mine) / statistics.median(theirs)
    print(f"  ratio of medians (Samenhuis / Wagtail): {ratio:.2f}")


FLOOR_TABLE = "bench_search_floor"
SERIAL = "SET max_parallel_workers_per_gather = 0"
PARALLEL = (
    "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; "
    "SET min_parallel_table_scan_size = 0"
)


def floor(query: str, scopes: tuple[str, ...], repeat: int) -> None:
    """What an exact answer over the broadest query's matches costs at the least, statement by
    statement: the matches counted on the index table as it is, and on a copy stripped to the
    columns a count by type needs (scope, type and the tsvector), on one core and with two
    parallel workers; then the newest 10,000 matches only, as a capped count would read them."""
    from django.db import connection

    from search import analysis

    tsquery = analysis.tsquery(analysis.query_parse(query))
    match = f"scope IN ({', '.join(['%s'] * len(scopes))}) AND document @@ to_tsquery('dutch', %s)"
    params = [*scopes, tsquery]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} AS SELECT id, scope, type, date, document FROM search_searchentry"  # noqa: S608
        )
        cursor.execute(f"CREATE INDEX {FLOOR_TABLE}_document ON {FLOOR_TABLE} USING GIN (document)")
        cursor.execute(f"VACUUM (ANALYZE) {FLOOR_TABLE}")
        cursor.execute(
            "SELECT pg_relation_size('search_searchentry') / 1048576, "  # noqa: S608 - constant names only
            f"pg_relation_size('{FLOOR_TABLE}') / 1048576, count(*) FILTER (WHERE {match}) "
            "FROM search_searchentry",
            params,
        )
        wide, narrow, matches = cursor.fetchone()
        print(f"floor: the broadest query, {query!r}, matches {matches} documents visible to the member")
        print(f"  index table {wide} MB; stripped copy (id, scope, type, date, tsvector) {narrow} MB")
        statements = [
            ("count, index table, one core", SERIAL, f"SELECT count(*) FROM search_searchentry WHERE {match}"),  # noqa: S608
            (
                "count by type, stripped copy, one core",
                SERIAL,
                f"SELECT type, count(*) FROM {FLOOR_TABLE} WHERE {match} GROUP BY type",  # noqa: S608
            ),
            (
                "count by type, stripped copy, two parallel workers",
                PARALLEL,
                f"SELECT type, count(*) FROM {FLOOR_TABLE} WHERE {match} GROUP BY type",  # noqa: S608
            ),
            (
                "ten best by ts_rank, stripped copy, one core",
                SERIAL,
                f"SELECT id FROM {FLOOR_TABLE} WHERE {match} "  # noqa: S608
                "ORDER BY ts_rank(document, to_tsquery('dutch', %s)) DESC LIMIT 10",
            ),
            (
                "the newest 10,000 matches only (a capped count)",
                SERIAL,
                f"SELECT count(*) FROM (SELECT id FROM search_searchentry WHERE {match} "  # noqa: S608
                "ORDER BY date DESC LIMIT 10000) AS capped",
            ),
        ]
        for label, settings, sql in statements:
            cursor.execute(settings)
            arguments = [*params, tsquery] if "ts_rank" in sql else params
            timings = []
            for _ in range(repeat + 1):
                started = time.perf_counter()
                cursor.execute(sql, arguments)
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
            print(f"  {label}: {percentiles(timings[1:])}")
        cursor.execute("RESET ALL")
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")


def main():
    args = parse_args()
    setup()
    from django.db import connection

    from search.backends import get_search_backend

    rng = random.Random(7)
    backend = get_search_backend()
    corpus_name = "dense (worst case)" if args.dense else "Zipf-distributed vocabulary"
    print(f"backend: {backend.name} on {connection.vendor}; {args.documents} documents, {corpus_name}")

    started = time.perf_counter()
    vocabulary = Vocabulary(dense=args.dense)
    docs = list(documents(corpus(args.documents, rng, vocabulary)))
    projected = time.perf_counter() - started
    started = time.perf_counter()
    backend.rebuild(iter(docs))
    written = time.perf_counter() - started
    print(
        f"projection (compounds, synonyms): {projected:.1f} s ({len(docs) / projected:.0f} documents/s); "
        f"rebuild: {written:.1f} s ({len(docs) / written:.0f} documents/s); together {projected + written:.1f} s"
    )
    del docs

    member = our_search(backend, ("public", "members", "group:1", "group:2"))
    anonymous = our_search(backend, ("public",))
    measure(member, 1)  # warm-up
    print(f"queries per search (count, page, snippets, 4 facets, suggestion when few): {query_count(member)}")
    print(f"member search, {len(QUERIES)} queries x {args.repeat}: {percentiles(measure(member, args.repeat))}")
    print(f"anonymous search:                     {percentiles(measure(anonymous, args.repeat))}")
    totals = {query: member(query).total for query in QUERIES}
    print(
        f"  results per query: median {statistics.median(totals.values()):.0f}, "
        f"largest {max(totals.values())} of {args.documents}"
    )
    limit = args.documents // 20
    for label, chosen in (
        (f"queries matching at most 5% ({limit})", [q for q, total in totals.items() if total <= limit]),
        ("queries matching more", [q for q, total in totals.items() if total > limit]),
    ):
        if chosen:
            timings = measure(member, args.repeat, queries=chosen)
            print(f"  {label}, {len(chosen)} queries: {percentiles(timings)}")

    if args.floor and connection.vendor == "postgresql":
        floor(max(totals, key=totals.get), ("public", "members", "group:1", "group:2"), args.repeat)
    if args.baseline:
        baseline(args.baseline, max(1, args.repeat // 2), rng, vocabulary)


if __name__ == "__main__":
    main()
