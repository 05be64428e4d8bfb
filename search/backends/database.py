"""Search in the project's own database: PostgreSQL full text, or SQLite FTS5. See docs/search.md.

PostgreSQL: a generated `tsvector` column (`dutch` configuration; title A, extra terms B, context
C, text D) with a GIN index; the query is `to_tsquery('dutch', …)` built by `search.analysis`
from the visitor's words (web-search syntax, verb forms and synonyms expanded), ranked with
`ts_rank` (weights A-D), snippets from `ts_headline`, "bedoelde je …?" from `pg_trgm` similarity.
SQLite: an FTS5 table of stems made in Python (snowballstemmer's Dutch stemmer), ranked with
`bm25`, snippets and suggestions made in Python.

Scopes and facet filters are WHERE clauses of the same query, so nothing outside the visitor's
scopes is ever counted or returned.
"""

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape

from .. import analysis, ranking, statistics
from ..models import SearchEntry, SearchEntryLifeDomain, SearchWord
from .base import FACETS, BaseSearchBackend, Hit, SearchDocument, SearchRequest, SearchResults, count_limit

BATCH = 500
RERANK = 100  # candidates scored with BM25 for the first pages (docs/search.md, "Ranking")
POOL = 2000  # above the count bound: how many matches are ranked (docs/search.md, "Counting")
HIT_FIELDS = ("pk", "key", "type", "title", "url", "date", "context", "text")
HEADLINE_OPTIONS = "StartSel=\x02, StopSel=\x03, MaxFragments=1, MaxWords=35, MinWords=15, ShortWord=2"
FACET_FIELDS = {"type": "type", "province": "province", "year": "year"}
SUGGEST_BELOW = 3  # offer "bedoelde je" when fewer results than this
WORD_MIN, WORD_MAX = 4, 40
PRUNE_LIMIT = 300  # words checked after one delete


def _placeholders(values) -> str:
    """ "(%s, %s, ...)" for an IN list; "(NULL)" for none, which matches nothing."""
    return "(" + ", ".join(["%s"] * len(values)) + ")" if values else "(NULL)"


def _years(values) -> list[int]:
    return [int(value) for value in values if re.fullmatch(r"[0-9]{4}", str(value))]


@dataclass(frozen=True)
class _Counted:
    total: int
    facets: dict[str, list[tuple[str, int]]]
    total_exact: bool
    facets_exact: bool


@dataclass(frozen=True)
class _Query:
    words: list[ranking.Word]
    average_length: float
    term_idf: list[float]  # per term of the parsed query: the weight of its words


def _vocabulary(document: SearchDocument) -> set[str]:
    return {w for w in analysis.words(f"{document.title} {document.text}") if WORD_MIN <= len(w) <= WORD_MAX}


class DatabaseSearchBackend(BaseSearchBackend):
    name = "database"
    _words_written: set | None = None

    @property
    def vendor(self) -> str:
        return connection.vendor

    def ping(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    # Writing ----------------------------------------------------------------------------------

    def documents_index(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        batch = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                count += self._write(batch)
                batch = []
        if batch:
            count += self._write(batch)
        return count

    @transaction.atomic
    def _write(self, documents: list[SearchDocument]) -> int:
        documents = list({document.key: document for document in documents}.values())  # the last one wins
        keys = [document.key for document in documents]
        rows = [
            SearchEntry(
                key=document.key,
                type=document.type,
                title=document.title[:300],
                text=document.text,
                extra=document.extra,
                url=document.url[:500],
                date=document.date,
                year=document.date.year if document.date else None,
                scope=document.scope,
                province=document.province[:40],
                region=document.region[:80],
                organisation=document.organisation[:150],
                context=document.context[:200],
                domains=json.dumps(sorted(set(document.life_domains))),
            )
            for document in documents
        ]
        # One INSERT … ON CONFLICT per batch; Django's bulk_update made a rebuild over an existing
        # index four times slower (docs/performance.md).
        fields = [f.name for f in SearchEntry._meta.concrete_fields if f.name not in ("id", "key")]
        # The ranking statistics lose what the replaced entries held and gain the new ones; index
        # writers take turns, so the entries read here are the latest (search.statistics).
        statistics.writers_serialise(connection)
        replaced = list(SearchEntry.objects.filter(key__in=keys).values_list("pk", flat=True))
        statistics.count(connection, replaced, -1)
        SearchEntry.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"], update_fields=fields)
        ids = dict(SearchEntry.objects.filter(key__in=keys).values_list("key", "pk"))
        SearchEntryLifeDomain.objects.filter(entry_id__in=ids.values()).delete()
        SearchEntryLifeDomain.objects.bulk_create(
            [SearchEntryLifeDomain(entry_id=ids[d.key], slug=slug) for d in documents for slug in set(d.life_domains)]
        )
        words = {(document.scope, word) for document in documents for word in _vocabulary(document)}
        if self._words_written is not None:  # a rebuild: each word once, not once per batch
            words -= self._words_written
            self._words_written |= words
        SearchWord.objects.bulk_create(
            [SearchWord(scope=scope, word=word) for scope, word in words], ignore_conflicts=True, batch_size=2000
        )
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in ids.values()])
                cursor.executemany(
                    "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                    [
                        (
                            ids[d.key],
                            analysis.stems(d.title),
                            analysis.stems(f"{d.extra} {d.context} {d.text}"),
                        )
                        for d in documents
                    ],
                )
        statistics.count(connection, list(ids.values()), 1)
        return len(documents)

    @transaction.atomic
    def documents_delete(self, keys: Iterable[str]) -> None:
        statistics.writers_serialise(connection)
        gone = list(SearchEntry.objects.filter(key__in=list(keys)).values_list("pk", "scope", "title", "text"))
        if not gone:
            return
        ids = [pk for pk, *_rest in gone]
        statistics.count(connection, ids, -1)
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in ids])
        SearchEntry.objects.filter(pk__in=ids).delete()
        if self._words_written is None:  # a rebuild prunes the words once, at its end
            words = {
                (scope, word)
                for _pk, scope, title, text in gone
                for word in analysis.words(f"{title} {text}")
                if WORD_MIN <= len(word) <= WORD_MAX
            }
            self._words_prune(sorted(words)[:PRUNE_LIMIT])

    def _words_prune(self, words: list[tuple[str, str]]) -> None:
        """Forget suggestion words that no remaining document of their scope contains, so a
        deleted or hidden text's words are not offered as "bedoelde je ...?"."""
        orphans = [
            (scope, word)
            for scope, word in words
            if not self._matching(analysis.ParsedQuery(terms=(analysis.Term(variants=(word,)),)), (scope,)).exists()
        ]
        for scope, word in orphans:
            SearchWord.objects.filter(scope=scope, word=word).delete()

    def rebuild(self, documents: Iterable[SearchDocument], *, progress=None) -> int:
        """Write every document (each batch its own transaction, so searches go on), then remove
        what was not written: the index is never empty while it is rebuilt."""
        seen: set[str] = set()
        batch: list[SearchDocument] = []
        self._words_written = set()
        try:
            return self._rebuild(documents, seen, batch, progress)
        finally:
            self._words_written = None

    def _rebuild(self, documents, seen: set[str], batch: list[SearchDocument], progress) -> int:
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                self._write(batch)
                seen.update(d.key for d in batch)
                if progress:
                    progress(len(seen))
                batch = []
        if batch:
            self._write(batch)
            seen.update(d.key for d in batch)
            if progress:
                progress(len(seen))
        stale = [key for key in SearchEntry.objects.values_list("key", flat=True) if key not in seen]
        for start in range(0, len(stale), BATCH):
            self.documents_delete(stale[start : start + BATCH])
        # Words of documents that are gone (or changed) since the last rebuild.
        written = self._words_written
        orphans = [
            pk
            for pk, scope, word in SearchWord.objects.values_list("pk", "scope", "word")
            if (scope, word) not in written
        ]
        for start in range(0, len(orphans), 5000):
            SearchWord.objects.filter(pk__in=orphans[start : start + 5000]).delete()
        with connection.cursor() as cursor:  # terms whose last document went
            cursor.execute("DELETE FROM search_searchterm WHERE documents <= 0")
        self._statistics_refresh()
        return len(seen)

    def _statistics_refresh(self) -> None:
        """After a rebuild the planner's statistics are stale and the table holds the rows it
        replaced; without this, PostgreSQL scanned the scope index instead of the GIN index and
        searches took 10-20 times longer (docs/performance.md)."""
        if connection.in_atomic_block:
            return  # VACUUM cannot run in a transaction (tests); autovacuum will do it
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "VACUUM (ANALYZE) search_searchentry, search_searchentrylifedomain, search_searchword, "
                    "search_searchterm, search_searchscope"
                )
            elif self.vendor == "sqlite":
                cursor.execute("ANALYZE")

    # Reading ----------------------------------------------------------------------------------

    def _term_matches(self, term: analysis.Term) -> tuple[str, list]:
        """Whether an entry contains one term, as an SQL expression worth 1 or 0."""
        if self.vendor == "postgresql":
            return "(search_searchentry.document @@ to_tsquery('dutch', %s))::int", [analysis.ts_term(term)]
        sql = "(search_searchentry.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))"
        return sql, [analysis.fts5_term(term)]

    def _words_matched(self, parsed: analysis.ParsedQuery) -> tuple[str, list]:
        """For a relaxed query: how many of its words an entry contains, as an SQL expression."""
        parts = [self._term_matches(term) for term in parsed.terms]
        return "(" + " + ".join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]

    def _matching(self, parsed: analysis.ParsedQuery, scopes: tuple[str, ...]):
        """Entries in the scopes that match the query (for a relaxed one: at least its `minimum`
        words). Safe inside subqueries (facets, counts): no clause names the outer table."""
        entries = SearchEntry.objects.filter(scope__in=scopes)
        if self.vendor == "postgresql":
            entries = entries.extra(where=["document @@ to_tsquery('dutch', %s)"], params=[analysis.tsquery(parsed)])
        else:
            match = analysis.fts5_match(parsed)
            entries = entries.filter(pk__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", (match,)))
        if parsed.minimum:
            matched, params = self._words_matched(parsed)
            # Constant SQL made here; every value is a parameter.
            entries = entries.extra(where=[f"{matched} >= %s"], params=[*params, parsed.minimum])  # noqa: S610
        return entries

    def _ranked(self, entries, parsed: analysis.ParsedQuery):
        """The same entries with a `rank` (higher is better), for the page of hits only."""
        if self.vendor == "postgresql":
            return entries.extra(
                select={"rank": "ts_rank(document, to_tsquery('dutch', %s))"},
                select_params=[analysis.tsquery(parsed)],
            )
        return entries.extra(
            select={"rank": "-bm25(search_fts, 8.0, 1.0)"},
            tables=["search_fts"],
            where=["search_fts.rowid = search_searchentry.id", "search_fts MATCH %s"],
            params=[analysis.fts5_match(parsed)],
        )

    @staticmethod
    def _filtered(entries, filters: dict[str, tuple[str, ...]], *, leave_out: str | None = None):
        for facet, values in filters.items():
            if facet == leave_out or not values:
                continue
            if facet == "life_domain":
                for slug in values:  # every chosen life domain (they combine with AND)
                    entries = entries.filter(life_domains__slug=slug)
            elif facet == "year":
                entries = entries.filter(year__in=_years(values))
            elif facet in FACET_FIELDS:
                entries = entries.filter(**{f"{FACET_FIELDS[facet]}__in": values})
        return entries

    def search(self, request: SearchRequest) -> SearchResults:
        parsed = analysis.query_parse(request.query)
        if parsed.is_empty or not request.scopes:
            return SearchResults(hits=[], total=0, facets={})
        bound = count_limit()
        counted = self._counts(parsed, request, bound)
        # Documents with every word first; when they do not fill the first page, documents with
        # most of the words below them (docs/search.md, "Matching").
        relaxed = analysis.relaxed(parsed) if counted.total < request.limit else None
        if relaxed is not None:
            relaxed_counted = self._counts(relaxed, request, bound)
            if relaxed_counted.total > counted.total:
                parsed, counted = relaxed, relaxed_counted
        chosen = self._filtered(self._matching(parsed, request.scopes), request.filters)
        if request.order == "date":
            # The newest matches, read from the scope's date index without ranking every match.
            ordering = [F("date").desc(nulls_last=True), "-pk"]
            if parsed.minimum:  # all the words before most of them, in date order too
                matched, params = self._words_matched(parsed)
                chosen = chosen.extra(select={"matched": matched}, select_params=params)  # noqa: S610
                ordering.insert(0, "-matched")
            page = chosen.order_by(*ordering).values_list("pk", flat=True)
            ids = list(page[request.offset : request.offset + request.limit])
            missing, scores = self._missing(parsed, ids), {}  # the date decides; no score to compute
        else:
            if not counted.facets_exact:
                # Above the bound, rank the first `POOL` matches the index yields: ranking every
                # match was most of a broad search's time (docs/search.md, "Counting").
                # The newest entries, so the pool is the same from one page to the next.
                pool = chosen.order_by("-pk").values_list("pk", flat=True)[:POOL]
                chosen = SearchEntry.objects.filter(pk__in=list(pool))
            ids, scores, missing = self._best(chosen, parsed, self._query_words(parsed, request.scopes), request)
        rows = {row["pk"]: row for row in SearchEntry.objects.filter(pk__in=ids).values(*HIT_FIELDS)}
        rows = [rows[pk] for pk in ids if pk in rows]
        snippets = self._snippets(rows, parsed)
        hits = [
            Hit(
                key=row["key"],
                type=row["type"],
                title=row["title"],
                url=row["url"],
                date=row["date"],
                snippet=snippets[row["pk"]],
                context=row["context"],
                score=scores.get(row["pk"], 0.0),
                missing=missing.get(row["pk"], ()),
            )
            for row in rows
        ]
        suggestion = self._suggestion(parsed, request.scopes) if counted.total < SUGGEST_BELOW else ""
        return SearchResults(
            hits=hits,
            total=counted.total,
            facets=counted.facets,
            suggestion=suggestion,
            total_exact=counted.total_exact,
            facets_exact=counted.facets_exact,
        )

    def _query_words(self, parsed: analysis.ParsedQuery, scopes: tuple[str, ...]) -> _Query:
        """The query's words with their BM25 weights over the visitor's scopes (one statement). A
        word's variants (verb forms, synonyms) count as one word; a phrase's words each as one."""
        groups: list[list[str]] = []
        owners: list[int | None] = []  # the parsed term each group belongs to
        for number, term in enumerate(parsed.terms):
            for group in [[word] for word in term.phrase] if term.is_phrase else [list(term.variants)]:
                groups.append(group)
                owners.append(number)
        for term in parsed.required:  # a relaxed query's phrases, which must match
            groups.extend([word] for word in term.phrase)
            owners.extend(None for _ in term.phrase)
        flat = [word for group in groups for word in group]
        word_terms, frequencies, documents, length = statistics.lookup(connection, flat, scopes)
        grouped, position = [], 0
        for group in groups:
            grouped.append(set().union(*word_terms[position : position + len(group)]))
            position += len(group)
        words = ranking.words(grouped, frequencies, documents)
        term_idf = [
            sum(word.idf for word, owner in zip(words, owners, strict=True) if owner == number and word.terms)
            for number in range(len(parsed.terms))
        ]
        return _Query(words=words, average_length=length / documents if documents else 0.0, term_idf=term_idf)

    def _best(self, chosen, parsed: analysis.ParsedQuery, query: _Query, request: SearchRequest):
        """The page's ids by relevance: the first `RERANK` candidates in the index's own order
        (for a relaxed query: most words first, the rarer words before the common ones) scored
        with BM25; pages beyond them keep the index's order. Returns (ids, scores, missing)."""
        ranked = self._ranked(chosen, parsed)
        ordering = ["-rank", F("date").desc(nulls_last=True), "-pk"]
        selects: dict[str, tuple[str, list]] = {}
        if parsed.minimum:
            matched, params = self._words_matched(parsed)
            selects["matched"] = (matched, params)
            weighed = [self._term_matches(term) for term in parsed.terms]
            weights = zip(weighed, query.term_idf, strict=True)
            selects["weight"] = (
                "(" + " + ".join(f"{sql} * {float(weight)!r}" for (sql, _), weight in weights) + ")",
                [p for _, params in weighed for p in params],
            )
            ranked = ranked.extra(  # noqa: S610 - constant SQL made here; every value is a parameter
                select={name: sql for name, (sql, _) in selects.items()},
                select_params=[p for _, params in selects.values() for p in params],
            )
            ordering = ["-matched", "-weight", *ordering]
        start, end = request.offset, request.offset + request.limit
        if start >= RERANK:
            ids = list(ranked.order_by(*ordering).values_list("pk", flat=True)[start:end])
            return ids, {}, self._missing(parsed, ids)
        candidates = list(ranked.order_by(*ordering).values_list("pk", *selects)[:RERANK])
        scores = self._scores([row[0] for row in candidates], query)
        matched = {row[0]: row[1] for row in candidates} if parsed.minimum else {}
        order = sorted(candidates, key=lambda row: (-matched.get(row[0], 0), -scores[row[0]]))
        ids = [row[0] for row in order[start:end]]
        return ids, scores, self._missing(parsed, ids)

    def _scores(self, ids: list[int], query: _Query) -> dict[int, float]:
        wanted = set().union(*(word.terms for word in query.words)) if query.words else set()
        found = statistics.frequencies_in(connection, ids, wanted)
        return {pk: ranking.score(query.words, *found.get(pk, ({}, 0)), query.average_length) for pk in ids}

    def _missing(self, parsed: analysis.ParsedQuery, ids: list[int]) -> dict[int, tuple[str, ...]]:
        """For a relaxed query: the words each of these entries lacks ("Ontbreekt: …")."""
        if not parsed.minimum or not ids:
            return {}
        selects = {f"has_{number}": self._term_matches(term) for number, term in enumerate(parsed.terms)}
        rows = SearchEntry.objects.filter(pk__in=ids).extra(  # noqa: S610 - constant SQL; values are parameters
            select={name: sql for name, (sql, _) in selects.items()},
            select_params=[p for _, params in selects.values() for p in params],
        )
        return {
            row["pk"]: tuple(
                analysis.term_word(term) for number, term in enumerate(parsed.terms) if not row[f"has_{number}"]
            )
            for row in rows.values("pk", *selects)
        }

    def _counts(self, parsed, request: SearchRequest, bound: int) -> _Counted:
        """The total and the four facets in one statement: the matches are found once (a CTE,
        materialised on PostgreSQL) and counted five ways, each facet with the other facets'
        choices. Six separate counts took three times as long on 100,000 documents
        (docs/performance.md). At most `bound` + 1 matches are read: above the bound the total says
        "more than" and the facets count within those matches (docs/search.md, "Counting")."""
        conditions: dict[str, tuple[str, list]] = {}
        for facet, values in request.filters.items():
            if not values:
                continue
            if facet == "life_domain":
                sql = " AND ".join(
                    "{t}.id IN (SELECT entry_id FROM search_searchentrylifedomain WHERE slug = %s)" for _ in values
                )
                conditions[facet] = (sql, list(values))
            elif facet == "year":
                conditions[facet] = (f"{{t}}.year IN {_placeholders(_years(values))}", _years(values))
            elif facet in FACET_FIELDS:
                conditions[facet] = (f"{{t}}.{FACET_FIELDS[facet]} IN {_placeholders(values)}", list(values))

        def where(leave_out: str | None, table: str = "m", joiner: str = " WHERE ") -> tuple[str, list]:
            parts = [(sql, params) for facet, (sql, params) in conditions.items() if facet != leave_out]
            if not parts:
                return "", []
            sql = " AND ".join(sql.format(t=table) for sql, _ in parts)
            return joiner + sql, [p for _, params in parts for p in params]

        if self.vendor == "postgresql":
            head = "WITH m AS MATERIALIZED"
            match, match_params = "document @@ to_tsquery('dutch', %s)", [analysis.tsquery(parsed)]
        else:
            head = "WITH m AS"
            match = "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
            match_params = [analysis.fts5_match(parsed)]
        if parsed.minimum:
            matched, matched_params = self._words_matched(parsed)
            match = f"{match} AND {matched} >= %s"
            match_params += [*matched_params, parsed.minimum]
        scan = f"FROM search_searchentry WHERE scope IN {_placeholders(request.scopes)} AND {match}"
        selects, params = [], [*request.scopes, *match_params, bound + 1]
        for facet in FACETS:
            clause, clause_params = where(facet)
            if facet == "life_domain":
                # Only constant names are spliced in; every value is a parameter.
                if self.vendor == "postgresql":
                    slugs = "json_array_elements_text(m.domains::json) AS d(slug)"
                    selects.append(f"SELECT 'life_domain', d.slug, count(*) FROM m, {slugs}{clause} GROUP BY d.slug")  # noqa: S608
                else:
                    selects.append(
                        "SELECT 'life_domain', d.value, count(*) FROM m, json_each(m.domains) AS d"  # noqa: S608
                        f"{clause} GROUP BY d.value"
                    )
            else:
                column = FACET_FIELDS[facet]
                value = f"CAST(m.{column} AS TEXT)" if facet == "year" else f"m.{column}"
                condition = f"m.{column} IS NOT NULL" + ("" if facet == "year" else f" AND m.{column} <> ''")
                clause = f"{clause} AND {condition}" if clause else f" WHERE {condition}"
                selects.append(f"SELECT '{facet}', {value}, count(*) FROM m{clause} GROUP BY m.{column}")  # noqa: S608
            params += clause_params
        clause, clause_params = where(None)
        selects.append(f"SELECT 'total', '', count(*) FROM m{clause}")  # noqa: S608
        selects.append("SELECT 'matches', '', count(*) FROM m")
        params += clause_params
        sql = f"{head} (SELECT id, type, province, year, domains {scan} LIMIT %s) " + " UNION ALL ".join(selects)
        facets: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
        total = matches = 0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for facet, value, count in cursor.fetchall():
                if facet == "total":
                    total = count
                elif facet == "matches":
                    matches = count
                else:
                    facets[facet].append((str(value), count))
            if matches > bound and conditions:
                # The filtered total, itself read only up to the bound.
                clause, clause_params = where(None, "search_searchentry", " AND ")
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 {scan}{clause} LIMIT %s) AS bounded",  # noqa: S608
                    [*request.scopes, *match_params, *clause_params, bound + 1],
                )
                total = cursor.fetchone()[0]
        for facet in facets:
            facets[facet].sort(key=lambda item: (-item[1], item[0]))
        return _Counted(
            total=min(total, bound), facets=facets, total_exact=total <= bound, facets_exact=matches <= bound
        )

    def _snippets(self, rows, parsed) -> dict[int, str]:
        if not rows:
            return {}
        if self.vendor != "postgresql":
            return {row["pk"]: analysis.highlight(row["text"], parsed) for row in rows}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, ts_headline('dutch', text, to_tsquery('dutch', %s), %s) FROM search_searchentry "
                "WHERE id = ANY(%s)",
                [analysis.tsquery(parsed), HEADLINE_OPTIONS, [row["pk"] for row in rows]],
            )
            headlines = dict(cursor.fetchall())
        # The markers are control characters, so escaping the text cannot touch them.
        return {
            pk: escape(headline).replace("\x02", "<mark>").replace("\x03", "</mark>")
            for pk, headline in headlines.items()
        }

    def _suggestion(self, parsed: analysis.ParsedQuery, scopes) -> str:
        """The query with unknown words replaced by the closest word of the visitor's scopes."""
        words = [term.variants[0] for term in parsed.terms if term.variants and not term.phrase]
        if not words:
            return ""
        known = set(SearchWord.objects.filter(scope__in=scopes, word__in=words).values_list("word", flat=True))
        replaced, changed = [], False
        for word in words:
            best = word if word in known or len(word) < WORD_MIN else self._closest(word, scopes)
            changed |= best != word
            replaced.append(best or word)
        return " ".join(replaced) if changed else ""

    def _closest(self, word: str, scopes) -> str:
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT word FROM search_searchword WHERE scope = ANY(%s) AND word %% %s "
                    "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                    [list(scopes), word, word],
                )
                row = cursor.fetchone()
            return row[0] if row else word
        candidates = SearchWord.objects.filter(
            Q(word__startswith=word[:1]),
            scope__in=scopes,
            word__regex=rf"^.{{{max(1, len(word) - 2)},{len(word) + 2}}}$",
        ).values_list("word", flat=True)[:5000]
        close = difflib.get_close_matches(word, set(candidates), n=1, cutoff=0.75)
        return close[0] if close else word

    def autocomplete(self, prefix: str, *, scopes: tuple[str, ...], limit: int = 8) -> list[tuple[str, str]]:
        prefix = " ".join(analysis.words(prefix[:60]))
        if len(prefix) < 2 or not scopes:
            return []
        pattern = re.escape(prefix)
        rows = (
            SearchEntry.objects.filter(scope__in=scopes)
            .filter(Q(title__istartswith=prefix) | Q(title__iregex=rf"(^|\s){pattern}"))
            .order_by("title")
            .values_list("title", "url")
            .distinct()[:limit]
        )
        return list(rows)


SearchBackend = DatabaseSearchBackend
