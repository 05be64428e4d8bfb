"""Dutch text analysis shared by the search backends: tokens, stems, index-time extras, the
parsed query and its translations to SQLite FTS5 and PostgreSQL tsquery, and snippets.

Every backend tokenises and parses the same way, so a query means the same thing whichever
backend answers it. Pure Python: no database access here. See docs/search.md.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer
from django.utils.html import escape

MAX_QUERY_LENGTH = 200

DATA_DIR = Path(__file__).resolve().parent / "data"

# Deliberately short: only words that never carry meaning on their own in a search.
# fmt: off
STOP_WORDS = frozenset({
    "aan", "al", "als", "bij", "dan", "dat", "de", "den", "der", "des", "deze", "die", "dit",
    "door", "een", "en", "er", "het", "hij", "hun", "ik", "in", "is", "je", "maar", "met", "naar",
    "of", "om", "ook", "op", "over", "te", "tot", "u", "uit", "van", "voor", "was", "we", "wij",
    "ze", "zij", "zijn",
})
# fmt: on

# Words a question or a sentence typed into the box carries besides what it asks about ("waar
# vind ik hulp bij huiswerk voor mijn dochter"): when not every word can match, these need not
# match at all (`relaxed`). Snowball's Dutch stop list (which PostgreSQL's `dutch` configuration
# drops as well) and the verbs of asking and looking.
# fmt: off
FILLER_WORDS = STOP_WORDS | frozenset({
    "alles", "altijd", "andere", "ben", "daar", "doch", "doen", "dus", "eens", "ge", "geen", "geweest",
    "haar", "had", "heb", "hebben", "heeft", "hem", "hier", "hoe", "iemand", "iets", "ja", "kan", "kon",
    "kun", "kunnen", "me", "meer", "men", "mij", "mijn", "moet", "na", "niet", "niets", "nog", "nu",
    "omdat", "ons", "onder", "reeds", "tegen", "toch", "toen", "uw", "veel", "vind", "vinden", "waar",
    "waarom", "wanneer", "want", "waren", "wat", "welk", "welke", "werd", "wezen", "wie", "wil", "wordt",
    "worden", "zal", "zelf", "zich", "zo", "zoek", "zoeken", "zonder", "zou",
})
# fmt: on

# A word: letters and digits (not "_"), with apostrophes inside it ("auto's") that are dropped.
_WORD_PATTERN = "[^\\W_]+(?:['\u2019][^\\W_]+)*"
_WORD = re.compile(_WORD_PATTERN)
_APOSTROPHES = re.compile("['\u2019]")
# Query syntax: a "quoted phrase", a -word (the minus starts a token: "e-mail" is no exclusion),
# or a word. Anything else separates.
_QUERY_TOKEN = re.compile(rf'(?P<phrase>"[^"]*")|(?<![\w-])-(?P<excluded>{_WORD_PATTERN})|(?P<word>{_WORD_PATTERN})')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_WHITESPACE = re.compile(r"\s+")

_stemmers = threading.local()  # snowballstemmer's stemmer objects keep state per call


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_PLURAL_APOSTROPHE = re.compile("['\u2019]s$", re.IGNORECASE)


def _word(token: str) -> str:
    """A token as a word: a plural's apostrophe-s dropped ("baby's" -> "baby", so it meets "baby"),
    other apostrophes removed."""
    return _APOSTROPHES.sub("", _PLURAL_APOSTROPHE.sub("", token)).lower()


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents kept, a plural's apostrophe-s dropped ("auto's" -> "auto"),
    other apostrophes inside words removed ("d'r" -> "dr")."""
    return [_word(match.group()) for match in _WORD.finditer(_normalise(text))]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    stemmer = getattr(_stemmers, "dutch", None)
    if stemmer is None:
        stemmer = _stemmers.dutch = snowballstemmer.stemmer("dutch")
    return stemmer.stemWord(word)


def stems(text: str) -> str:
    """What the SQLite FTS5 index stores for a text: the stems of its words, space-joined."""
    return " ".join(stem(word) for word in words(text))


# Index time -------------------------------------------------------------------------------


@cache
def _compounds() -> dict[str, tuple[str, ...]]:
    """The joined compound -> its parts, from data/compounds.txt."""
    compounds = {}
    for line in (DATA_DIR / "compounds.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            parts = tuple(part.strip().lower() for part in line.split("|") if part.strip())
            if len(parts) > 1:
                compounds["".join(parts)] = parts
    return compounds


@cache
def _synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each group from data/synonyms.txt as a tuple of variants, each variant a tuple of words."""
    groups = []
    for line in (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            variants = tuple(dict.fromkeys(tuple(words(variant)) for variant in line.split(",")))
            variants = tuple(variant for variant in variants if variant)
            if len(variants) > 1:
                groups.append(variants)
    return tuple(groups)


def _compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a known compound, also in a plural or inflected form ("kinderopvangen",
    "ontmoetingsplekken"); () for any other word."""
    compounds = _compounds()
    if word in compounds:
        return compounds[word]
    for suffix in ("en", "s", "e", "n"):
        if word.endswith(suffix) and word[: -len(suffix)] in compounds:
            return compounds[word[: -len(suffix)]]
    if len(word) > 4 and word.endswith("en") and word[-3] == word[-4] and word[:-3] in compounds:
        return compounds[word[:-3]]  # a doubled consonant before the plural: plek -> plekken
    return ()


def _compound_terms(parts: tuple[str, ...]) -> list[str]:
    """The parts, each non-final part also without its linking s or e (opvoedings -> opvoeding)."""
    terms = []
    for i, part in enumerate(parts):
        terms.append(part)
        if i < len(parts) - 1 and part[-1] in "se" and len(part) > 3:
            terms.append(part[:-1])
    return terms


def _find_sequence(haystack: list[str], needle: tuple[str, ...]) -> int:
    """The position of the first occurrence of needle as consecutive items of haystack, or -1."""
    size = len(needle)
    for i in range(len(haystack) - size + 1):
        if haystack[i] == needle[0] and tuple(haystack[i : i + size]) == needle:
            return i
    return -1


def index_terms(text: str) -> str:
    """Extra words to index with a document, never shown: the parts of the known compounds in the
    text, and the other variants of every synonym group one of whose variants occurs in it.

    Synonyms are matched on stems, so "Huizen van het Kind" matches as well as "Huis van het Kind".
    Deduplicated, in a stable order: compound parts in text order, then synonyms in file order.
    """
    text_words = words(text)
    extra: dict[str, None] = {}
    for word in text_words:
        for term in _compound_terms(_compound_parts(word)):
            extra[term] = None
    text_stems = [stem(word) for word in text_words]
    for group in _synonym_groups():
        found = [_find_sequence(text_stems, tuple(stem(w) for w in variant)) >= 0 for variant in group]
        if any(found):
            for variant, variant_found in zip(group, found, strict=True):
                if not variant_found:
                    extra.update(dict.fromkeys(variant))
    return " ".join(extra)


# Query time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing a match must contain: any of `variants` (words, not stems), or, for a quoted
    phrase, the words of `phrase` in order (then `variants` is empty)."""

    variants: tuple[str, ...] = ()
    phrase: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return bool(self.phrase)


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()  # all must match (AND), or any of them when any_of
    excluded: tuple[str, ...] = ()  # words that must not match
    any_of: bool = False  # the user wrote OR between the terms
    # A relaxed query (`relaxed`): `terms` are the meaningful words, at least `minimum` of which
    # must match, and `required` (quoted phrases) must all match. 0: an ordinary query.
    minimum: int = 0
    required: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No positive term: exclusions alone select nothing (FTS5 and tsquery cannot negate alone)."""
        return not self.terms


def _single_word_synonyms(word: str) -> list[str]:
    synonyms = []
    for group in _synonym_groups():
        if (word,) in group:
            synonyms.extend(variant[0] for variant in group if len(variant) == 1 and variant[0] != word)
    return synonyms


def _variants(word: str) -> tuple[str, ...]:
    """The word, Dutch verb forms that stem like it, and its single-word synonyms.

    Snowball leaves "fietst" as "fietst", so a third-person verb also looks for its stem without
    the "t" ("fiets"); when snowball takes that bare stem for an inflected form ("fiets" -> "fiet",
    while "fietsen" -> "fiets"), the infinitive ("fietsen") is added too.
    """
    variants = [word]
    if len(word) > 4 and word.endswith("t") and word.isalpha():
        bare = word[:-1]
        variants.append(bare)
        if stem(bare) != bare:
            variants.append(bare + "en")
    elif 3 < len(word) <= 30 and word.isalpha() and not word.endswith(("en", "e")) and stem(word + "en") != stem(word):
        # A noun's singular and plural can stem apart too ("fiets" -> "fiet", "fietsen" -> "fiets").
        variants.append(word + "en")
    variants.extend(_single_word_synonyms(word))
    variants.extend(_sub_compounds(word))
    return tuple(dict.fromkeys(variants))


def _sub_compounds(word: str) -> list[str]:
    """The known compounds inside a longer one: "jeugdhulpverlening" is also looked for as
    "jeugdhulp" and "hulpverlening", which texts write far more often."""
    parts = _compound_parts(word)
    compounds = _compounds()
    found = []
    for start in range(len(parts)):
        for end in range(start + 2, len(parts) + 1):
            joined = "".join(parts[start:end])
            if (end - start) < len(parts) and joined in compounds:
                found.append(joined)
    return found


def query_parse(raw: str) -> ParsedQuery:
    """Web-search-like syntax: words are ANDed, "a quoted phrase", -word excludes, OR (upper-case)
    anywhere makes the whole query an OR query. Every other character separates words, so
    operators of SQL, FTS5 or tsquery never reach a backend. Never raises."""
    raw = _normalise(raw[:MAX_QUERY_LENGTH]).translate(_QUOTES)
    plain: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    saw_or = False
    for match in _QUERY_TOKEN.finditer(raw):
        if match.group("phrase") is not None:
            phrase = tuple(words(match.group("phrase")[1:-1]))
            if phrase:
                phrases.append(phrase)
        elif match.group("excluded") is not None:
            excluded.append(_word(match.group("excluded")))
        elif match.group("word") == "OR":
            saw_or = True
        else:
            plain.append(_word(match.group("word")))
    # Filler ("waar vind ik …", "mijn") need not match once a word that carries meaning is left,
    # as the large engines treat a question typed into the box; all-filler queries keep their words.
    meaningful = [word for word in plain if word not in FILLER_WORDS]
    if meaningful or phrases:
        plain = meaningful
    elif any(word not in STOP_WORDS for word in plain):
        plain = [word for word in plain if word not in STOP_WORDS]
    terms = [Term(variants=_variants(word)) for word in dict.fromkeys(plain)]
    for phrase in dict.fromkeys(phrases):  # a quoted single word is that word, without variants
        terms.append(Term(variants=phrase) if len(phrase) == 1 else Term(phrase=phrase))
    terms = list(dict.fromkeys(terms))
    excluded = [word for word in dict.fromkeys(excluded) if word not in STOP_WORDS]
    return ParsedQuery(terms=tuple(terms), excluded=tuple(excluded), any_of=saw_or and len(terms) > 1)


def without_filler(raw: str) -> str:
    """The query as typed without its filler words, for an engine that parses the syntax itself
    (Elasticsearch's `simple_query_string`): the same words `query_parse` keeps must match."""
    raw = _normalise(raw[:MAX_QUERY_LENGTH]).translate(_QUOTES)
    tokens = list(_QUERY_TOKEN.finditer(raw))
    plain = [_word(m.group("word")) for m in tokens if m.group("word") not in (None, "OR")]
    # Rebuilt from the tokens `query_parse` reads, so an operator it ignores ("|", "*", brackets)
    # means nothing on Elasticsearch either.
    if not any(word not in FILLER_WORDS for word in plain) and not any(m.group("phrase") for m in tokens):
        return " ".join(m.group() for m in tokens)
    kept = [
        m.group()
        for m in tokens
        if m.group("word") is None or m.group("word") == "OR" or _word(m.group("word")) not in FILLER_WORDS
    ]
    return " ".join(kept)


def minimum_should_match(count: int) -> int:
    """How many of `count` meaningful words a document must contain when not all of them match, as
    large engines count it (Elasticsearch's `minimum_should_match`): all of two, two of three,
    three of four, 75 % (rounded down) above."""
    if count <= 2:
        return count
    if count <= 4:
        return count - 1
    return count * 3 // 4


def relaxed(parsed: ParsedQuery) -> ParsedQuery | None:
    """The query that lets a document miss some words (docs/search.md, "Matching"): its meaningful
    words (not `FILLER_WORDS`), at least `minimum_should_match` of them; quoted phrases and
    excluded words keep their strict meaning. None when relaxing would not change what matches:
    an OR query, or fewer than three meaningful words (all of two must match)."""
    if parsed.any_of or parsed.minimum:
        return None
    words = [term for term in parsed.terms if not term.is_phrase and term.variants[0] not in FILLER_WORDS]
    required = tuple(term for term in parsed.terms if term.is_phrase)
    if len(words) < 3:
        return None
    return ParsedQuery(
        terms=tuple(words),
        excluded=parsed.excluded,
        minimum=minimum_should_match(len(words)),
        required=required,
    )


def term_word(term: Term) -> str:
    """The word as the visitor wrote it (for "Ontbreekt: …")."""
    return " ".join(term.phrase) if term.is_phrase else term.variants[0]


def _fts5_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def fts5_match(parsed: ParsedQuery) -> str:
    """An SQLite FTS5 MATCH expression over the stems that `stems()` indexes; "" when empty."""
    parts = [fts5_term(term) for term in parsed.terms]
    if not parts:
        return ""
    expression = (" OR " if parsed.any_of or parsed.minimum else " AND ").join(parts)
    if parsed.minimum:
        expression = " AND ".join([f"({expression})", *(fts5_term(term) for term in parsed.required)])
    if parsed.excluded:
        if parsed.any_of:
            expression = f"({expression})"  # FTS5's NOT binds tighter than OR
        for excluded_stem in dict.fromkeys(stem(word) for word in parsed.excluded):
            expression += f" NOT {_fts5_string(excluded_stem)}"
    return expression


def fts5_term(term: Term) -> str:
    """One term as an FTS5 expression: its stems OR-ed, or its phrase."""
    if term.is_phrase:
        return _fts5_string(" ".join(stem(word) for word in term.phrase))
    term_stems = dict.fromkeys(stem(word) for word in term.variants)
    return "(" + " OR ".join(_fts5_string(s) for s in term_stems) + ")"


def ts_term(term: Term) -> str:
    """One term as the source of a tsquery: its variants OR-ed, or its phrase."""
    if term.is_phrase:
        return " <-> ".join(_lexeme(word) for word in term.phrase)
    return "(" + " | ".join(_lexeme(word) for word in term.variants) + ")"


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(parsed: ParsedQuery) -> str:
    """The source of PostgreSQL's `to_tsquery('dutch', ...)`: PostgreSQL stems the words and
    drops its own stop words (also inside phrases); "" when empty."""
    parts = [ts_term(term) for term in parsed.terms]
    if not parts:
        return ""
    expression = (" | " if parsed.any_of or parsed.minimum else " & ").join(parts)
    if parsed.minimum:
        expression = " & ".join([f"({expression})", *(f"({ts_term(term)})" for term in parsed.required)])
    if parsed.excluded:
        if parsed.any_of:
            expression = f"({expression})"  # & binds tighter than |
        expression += "".join(f" & !{_lexeme(word)}" for word in parsed.excluded)
    return expression


# Snippets ---------------------------------------------------------------------------------


def _highlight_targets(parsed: ParsedQuery) -> tuple[set[str], set[tuple[str, ...]]]:
    """The stems to mark as single words, and the stem sequences to mark together (phrases and
    the multi-word synonyms of a query word, like "huis van het kind" for "hvk")."""
    singles: set[str] = set()
    sequences: set[tuple[str, ...]] = set()
    for term in parsed.terms:
        if term.is_phrase:
            sequences.add(tuple(stem(word) for word in term.phrase))
            continue
        for word in term.variants:
            singles.add(stem(word))
            for group in _synonym_groups():
                if (word,) in group:
                    sequences.update(tuple(stem(w) for w in variant) for variant in group if len(variant) > 1)
    return singles, sequences


def _word_stems(word: str) -> set[str]:
    """The stems a word of the text answers to: its own and, for a compound, its parts'."""
    return {stem(word)} | {stem(term) for term in _compound_terms(_compound_parts(word))}


def _marked_spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    singles, sequences = _highlight_targets(parsed)
    tokens = list(_WORD.finditer(text))
    token_stems = [stem(_word(token.group())) for token in tokens]
    marked = [bool(singles & _word_stems(_word(token.group()))) for token in tokens]
    for sequence in sequences:
        size = len(sequence)
        for i in range(len(tokens) - size + 1):
            if token_stems[i] == sequence[0] and tuple(token_stems[i : i + size]) == sequence:
                marked[i : i + size] = [True] * size
    return [(token.start(), token.end()) for token, is_marked in zip(tokens, marked, strict=True) if is_marked]


def highlight(text: str, parsed: ParsedQuery, *, length: int = 240) -> str:
    """HTML: at most about `length` characters of the text, escaped, centred on the first match,
    with every matching word in <mark>; "…" where the text was cut. The start of the text when
    nothing matches."""
    text = _WHITESPACE.sub(" ", _normalise(text)).strip()
    spans = _marked_spans(text, parsed)
    start, end = 0, min(len(text), length)
    if spans:
        first_start, first_end = spans[0]
        start = max(0, (first_start + first_end) // 2 - length // 2)
        end = min(len(text), start + length)
        start = max(0, end - length)
        if start > 0:  # do not begin inside a word
            space = text.find(" ", start, first_start)
            start = space + 1 if space >= 0 else start
    if end < len(text):  # do not end inside a word
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end + 1)
        end = space if space > start else end
    html = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        html.append(escape(text[position:span_start]))
        html.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    html.append(escape(text[position:end]))
    if end < len(text):
        html.append("…")
    return "".join(html)
