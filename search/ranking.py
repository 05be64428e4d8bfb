"""BM25, as the database backends rank with it (Elasticsearch ranks with its own BM25 and the same
title boost). Pure Python: the statistics come from search.statistics. See docs/search.md, "Ranking".

For each of the query's words w found in a document d:

    idf(w) = ln(1 + (N - n(w) + 0.5) / (n(w) + 0.5))
    tf(w, d) = TITLE_BOOST x occurrences in the title + occurrences elsewhere
    score(d) = sum over w of idf(w) x tf x (K1 + 1) / (tf + K1 x (1 - B + B x len(d) / avglen))

N is the number of documents the visitor may read, n(w) how many of them contain the word (a word
with variants, such as a verb form or a synonym, counts the documents of all its variants, at most
N), len(d) the document's number of distinct terms and avglen the average of that. The extra
index terms (compound parts, synonyms) count as occurrences outside the title.
"""

import math
from dataclasses import dataclass

K1 = 1.2  # how quickly more occurrences stop adding (Lucene's and Elasticsearch's default)
B = 0.75  # how much a long document is pulled down (idem)
TITLE_BOOST = 3.0  # as the Elasticsearch backend's "title^3"


def idf(documents: int, containing: int) -> float:
    containing = min(max(containing, 0), documents)
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


@dataclass(frozen=True)
class Word:
    """One word of the query as the index knows it: the terms it is found by, and its weight."""

    terms: frozenset[str]
    idf: float


def words(word_terms: list[set[str]], frequencies: dict[str, int], documents: int) -> list[Word]:
    """The query's words with their inverse document frequency over the visitor's documents, in
    the order given (a word the index cannot hold, such as a stop word, has no terms)."""
    return [
        Word(terms=frozenset(terms), idf=idf(documents, sum(frequencies.get(term, 0) for term in terms)))
        for terms in word_terms
    ]


def score(query: list[Word], occurrences: dict[str, tuple[int, int]], length: int, average_length: float) -> float:
    """A document's BM25 score; `occurrences` maps a term to (in the title, elsewhere)."""
    norm = K1 * (1 - B + B * (length / average_length if average_length > 0 else 1.0))
    total = 0.0
    for word in query:
        tf = 0.0
        for term in word.terms:
            in_title, elsewhere = occurrences.get(term, (0, 0))
            tf += TITLE_BOOST * in_title + elsewhere
        if tf:
            total += word.idf * tf * (K1 + 1) / (tf + norm)
    return total
