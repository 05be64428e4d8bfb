"""The database backend's ranking statistics: per scope, in how many documents each term occurs
(`SearchTerm`) and how many documents and distinct terms the scope holds (`SearchScope`). BM25
takes its inverse document frequency and average length from them (search.ranking).

They change with the index, in the same transaction: `count(keys, -1)` before entries are
replaced or deleted, `count(keys, +1)` after they are written. Writers take turns (`writers_serialise`,
one PostgreSQL advisory lock; SQLite has one writer anyway), so two of them never wait for each
other in a circle on the frequency rows, and the second writer of a new key counts out the first
one's version. `recount()` builds them from scratch (the migrations). A term is what the index holds:
on PostgreSQL the lexemes of the generated `document` column (its `dutch` configuration), on SQLite
the stems in the FTS5 table. `recount()` builds them from scratch (the migration, a rebuild).
See docs/search.md, "Ranking".
"""

from collections import Counter

from . import analysis


def terms(title: str, body: str) -> set[str]:
    """The distinct terms of an SQLite FTS5 row (stems, space-joined, as `analysis.stems` wrote them)."""
    return set(title.split()) | set(body.split())


WRITERS_LOCK = 0x5EA7C5  # the index writers' advisory lock (search.index uses 0x5EA7C4 per key)


def writers_serialise(connection) -> None:
    """PostgreSQL: wait for the other index writers' transactions to end (held until this one ends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])


def count(connection, ids: list[int], sign: int) -> None:
    """Add (sign +1) or take away (-1) the statistics of the index entries with these ids."""
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO search_searchterm (scope, term, documents) "
                "SELECT e.scope, t.term, %s * count(*) FROM search_searchentry e, "
                "unnest(tsvector_to_array(e.document)) AS t(term) WHERE e.id = ANY(%s) GROUP BY 1, 2 "
                "ON CONFLICT (scope, term) DO UPDATE SET documents = search_searchterm.documents + excluded.documents",
                [sign, ids],
            )
            cursor.execute(
                "INSERT INTO search_searchscope (scope, documents, length) "
                "SELECT scope, %s * count(*), %s * sum(length(document)) FROM search_searchentry "
                "WHERE id = ANY(%s) GROUP BY scope "
                "ON CONFLICT (scope) DO UPDATE SET documents = search_searchscope.documents + excluded.documents, "
                "length = search_searchscope.length + excluded.length",
                [sign, sign, ids],
            )
            return
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            "SELECT e.scope, f.title, f.body FROM search_searchentry e JOIN search_fts f ON f.rowid = e.id "  # noqa: S608
            f"WHERE e.id IN ({placeholders})",
            ids,
        )
        _sqlite_add(cursor, cursor.fetchall(), sign)


def _sqlite_add(cursor, rows, sign: int) -> None:
    documents: Counter = Counter()
    lengths: Counter = Counter()
    frequencies: Counter = Counter()
    for scope, title, body in rows:
        found = terms(title or "", body or "")
        documents[scope] += 1
        lengths[scope] += len(found)
        frequencies.update((scope, term) for term in found)
    cursor.executemany(
        "INSERT INTO search_searchterm (scope, term, documents) VALUES (%s, %s, %s) "
        "ON CONFLICT (scope, term) DO UPDATE SET documents = search_searchterm.documents + excluded.documents",
        [(scope, term, sign * number) for (scope, term), number in frequencies.items()],
    )
    cursor.executemany(
        "INSERT INTO search_searchscope (scope, documents, length) VALUES (%s, %s, %s) "
        "ON CONFLICT (scope) DO UPDATE SET documents = search_searchscope.documents + excluded.documents, "
        "length = search_searchscope.length + excluded.length",
        [(scope, sign * documents[scope], sign * lengths[scope]) for scope in documents],
    )


def recount(connection) -> None:
    """Build the statistics from the whole index, dropping terms no document holds any more."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_searchterm")
        cursor.execute("DELETE FROM search_searchscope")
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO search_searchterm (scope, term, documents) SELECT e.scope, t.term, count(*) "
                "FROM search_searchentry e, unnest(tsvector_to_array(e.document)) AS t(term) GROUP BY 1, 2"
            )
            cursor.execute(
                "INSERT INTO search_searchscope (scope, documents, length) "
                "SELECT scope, count(*), sum(length(document)) FROM search_searchentry GROUP BY scope"
            )
            return
        cursor.execute("SELECT e.scope, f.title, f.body FROM search_searchentry e JOIN search_fts f ON f.rowid = e.id")
        _sqlite_add(cursor, cursor.fetchall(), 1)


def lookup(connection, words: list[str], scopes: tuple[str, ...]) -> tuple[list[set[str]], dict[str, int], int, int]:
    """In one statement: the index terms each query word is found by (its lexemes on PostgreSQL,
    where the `dutch` configuration may drop a stop word and leave none; its stem on SQLite), each
    such term's document frequency over the scopes, and the scopes' documents and total length."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "WITH w AS (SELECT w.n, t.term FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, n), "
                "unnest(tsvector_to_array(to_tsvector('dutch', w.word))) AS t(term)) "
                "SELECT w.n, w.term, coalesce((SELECT sum(s.documents) FROM search_searchterm s "
                "WHERE s.term = w.term AND s.scope = ANY(%s)), 0), 0 FROM w "
                "UNION ALL SELECT 0, '', coalesce(sum(documents), 0), coalesce(sum(length), 0) "
                "FROM search_searchscope WHERE scope = ANY(%s)",
                [words, list(scopes), list(scopes)],
            )
            rows = cursor.fetchall()
            word_terms: list[set[str]] = [set() for _ in words]
            for number, term, _documents, _length in rows:
                if number:
                    word_terms[number - 1].add(term)
        else:
            word_terms = [{analysis.stem(word)} for word in words]
            stems = sorted(set().union(*word_terms)) if word_terms else []
            scope_list, stem_list = ", ".join(["%s"] * len(scopes)), ", ".join(["%s"] * len(stems)) or "NULL"
            cursor.execute(
                "SELECT 1, term, sum(documents), 0 FROM search_searchterm "  # noqa: S608 - placeholders only
                f"WHERE scope IN ({scope_list}) AND term IN ({stem_list}) GROUP BY term "
                "UNION ALL SELECT 0, '', coalesce(sum(documents), 0), coalesce(sum(length), 0) "
                f"FROM search_searchscope WHERE scope IN ({scope_list})",
                [*scopes, *stems, *scopes],
            )
            rows = cursor.fetchall()
    frequencies: dict[str, int] = {}
    documents = length = 0
    for number, term, found, total_length in rows:
        if number:
            frequencies[term] = int(found)
        else:
            documents, length = int(found), int(total_length)
    return word_terms, frequencies, documents, length


Occurrences = dict[str, tuple[int, int]]  # term -> (in the title, elsewhere)


def frequencies_in(connection, ids: list[int], terms_wanted: set[str]) -> dict[int, tuple[Occurrences, int]]:
    """For each entry: {term: (occurrences in the title, occurrences elsewhere)} of the wanted
    terms, and its length (distinct terms), in one statement."""
    found: dict[int, tuple[Occurrences, int]] = {}
    if not ids:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT e.id, length(e.document), u.lexeme, cardinality(array_positions(u.weights, 'A')), "
                "cardinality(u.positions) FROM search_searchentry e LEFT JOIN LATERAL unnest(e.document) u "
                "ON u.lexeme = ANY(%s) WHERE e.id = ANY(%s)",
                [sorted(terms_wanted), ids],
            )
            for pk, length, term, in_title, everywhere in cursor.fetchall():
                entry = found.setdefault(pk, ({}, int(length)))
                if term is not None:
                    in_title = int(in_title or 0)
                    entry[0][term] = (in_title, max(int(everywhere or 1) - in_title, 0))
            return found
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT rowid, title, body FROM search_fts WHERE rowid IN ({placeholders})", ids)  # noqa: S608
        for pk, title, body in cursor.fetchall():
            title_terms, body_terms = Counter((title or "").split()), Counter((body or "").split())
            frequencies = {
                term: (title_terms[term], body_terms[term])
                for term in terms_wanted
                if title_terms[term] or body_terms[term]
            }
            found[pk] = (frequencies, len(title_terms.keys() | body_terms.keys()))
    return found
