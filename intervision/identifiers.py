"""Flag likely identifiers in a case text before it is saved (issue 16: pseudonymised at the source).

Intervision discusses families; the writer should replace names, numbers and addresses before a
case or a contribution is stored. `identifiers_find` lists what looks identifying, and
`identifiers_summary` turns that into one sentence for a form error; the writer may still save
after confirming. The checks lean on well-kept libraries rather than home-made rules:

- ``national_number``: Belgian national register numbers, checksum-validated by python-stdnum
  (``stdnum.be.nn``), with or without separators (85.07.30-033.28, 85073003328);
- ``iban``: account numbers validated by ``stdnum.iban`` (check digits and each country's length and
  layout; spaces allowed);
- ``email``: e-mail addresses;
- ``phone``: Belgian and international phone numbers, ``phonenumbers.PhoneNumberMatcher`` (region BE);
- ``address``: a street name with a house number (``Kerkstraat 12``, ``Grote Markt 5 bus 2``), and
  deduce's street annotations;
- ``postcode``: a postcode with a municipality (``2440 Geel``, ``Geel 2440``), from the postcode and
  municipality lists in ``community/data/`` (Flanders and Brussels; any four-digit code before a
  listed municipality name);
- ``first_name``: a first name from ``intervision/data/first_names.txt``, as a whole word with its
  capital (``Roos`` is flagged, ``roos`` is not); names that are mostly ordinary words at the start
  of a sentence (``Ben je ...``, ``Mag ik ...``) are in ``FIRST_NAME_STOP_WORDS`` and not flagged alone;
- ``name``: a person's name as deduce recognises it (``Yusuf El Amrani``, ``mevrouw Janssens``);
- ``date_of_birth`` / ``date``: a date deduce recognises, as a date of birth when the words before it
  say so (``geboren op``, ``geb.``, ``°``).

deduce 3 (Dutch medical de-identification) brings the names, streets and dates. Its lookup tables
take about a minute to build; `make install` builds them once (``intervision/build_identifier_tables.py``).
This module only loads them, lazily, once per process, and never builds them: when they are missing
it logs a warning and the other checks still run. Loading costs the first call about 7 s and the
process about 1.1 GB of memory (deduce's Dutch street, place and name lists).

Speed, measured on the development machine (2 cores) with a 4,000-character case text once warm:
median 10 ms a text, slowest of 50 runs 30 ms (deduce most of it, phonenumbers about 2 ms, the
other checks about 1.5 ms together).

See docs/privacy.md, "Case texts: identifiers flagged before saving".
"""

import csv
import functools
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.be import nn as stdnum_be_nn

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNITY_DATA_DIR = Path(__file__).resolve().parent.parent / "community" / "data"

KIND_LABELS = {
    "national_number": _("national register number"),
    "iban": _("bank account number"),
    "email": _("e-mail address"),
    "phone": _("phone number"),
    "address": _("street address"),
    "postcode": _("postcode and municipality"),
    "first_name": _("first name"),
    "name": _("name"),
    "date_of_birth": _("date of birth"),
    "date": _("date"),
}

# When two findings overlap, the kind with the lower rank wins, then the longer one, then the kind
# listed first: a checksum-validated number beats a phone number, an e-mail address beats the first
# name in it, "Jan Van Damme" (a name) beats "Jan" (a first name), and both dates count alike.
KIND_PRIORITY = {
    "national_number": 0,
    "iban": 1,
    "email": 2,
    "phone": 3,
    "address": 4,
    "postcode": 5,
    "name": 6,
    "first_name": 6,
    "date_of_birth": 7,
    "date": 7,
}
_KIND_ORDER = {kind: order for order, kind in enumerate(KIND_LABELS)}

# First names that are far more often an ordinary Dutch word, capitalised at the start of a
# sentence ("Ben je ...", "Wil je ...", "Mag ik ...", "Hoop doet leven", "Frans" the language,
# "Staf" the staff). They stay in first_names.txt but are not flagged on their own.
FIRST_NAME_STOP_WORDS = frozenset({"Ben", "Wil", "Mag", "Hoop", "Staf", "Frans"})

SUMMARY_MAX_ITEMS = 10

_NATIONAL_NUMBER = re.compile(r"(?<![\w.-])\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}[. ]?\d{2}(?![\w-]|\.\d)")
_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)")
_STREET = re.compile(
    r"(?<![\w-])"
    r"(?:(?:Grote|Kleine|Oude|Nieuwe|Lange|Korte|Hoge|Koning|Koningin|Prins|Sint|Generaal|Burgemeester|Pastoor"
    r"|Dokter|Kardinaal|Onze-Lieve-Vrouw) )?"
    r"[A-ZÀ-Þ][\w'-]*?(?:straat|laan|lei|plein|weg|baan|dreef|kaai|markt|dijk|vest|singel|hof|pad|dries|veld"
    r"|berg|wegel|gang|park|rei|reke|hoek|kouter|bos|boulevard|steenweg)"
    r",? \d{1,4}(?: ?[a-zA-Z](?!\w))?(?:(?: bus|/) ?\d{1,4}[a-zA-Z]?)?(?![\w-])"
)
_YEARS_START, _YEARS_END = 1900, 2099
_FOUR_DIGITS = re.compile(r"(?<![\w.,/-])[1-9]\d{3}(?![\w-]|[.,]\d)")
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-Þ][^\W\d_]*(?:['-][^\W\d_]+)*")
_BIRTH_CUE = re.compile(r"(?:geboren|geb\.|geboortedatum|geboortedag|°|born)\W{0,3}(?:op|in|:)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """A stretch of the text that looks identifying: ``text == source[start:end]``."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self):
        return KIND_LABELS[self.kind]


def identifiers_find(text: str) -> list[Finding]:
    """Every likely identifier in `text`, by position; where checks overlap, only the strongest finding."""
    if not text or not text.strip():
        return []
    candidates = [
        *_national_numbers(text),
        *_ibans(text),
        *_emails(text),
        *_phones(text),
        *_streets(text),
        *_postcodes(text),
        *_first_names(text),
        *_deduce_findings(text),
    ]
    candidates.sort(key=lambda f: (KIND_PRIORITY[f.kind], -(f.end - f.start), _KIND_ORDER[f.kind], f.start))
    taken: list[Finding] = []
    for candidate in candidates:
        if not any(candidate.start < kept.end and kept.start < candidate.end for kept in taken):
            taken.append(candidate)
    return sorted(taken, key=lambda f: f.start)


def identifiers_summary(findings) -> str:
    """One sentence for a form error: what was found, each with its kind and its text."""
    findings = list(findings)
    if not findings:
        return ""
    unique = list(dict.fromkeys((f.kind, f.text) for f in findings))
    shown = unique[:SUMMARY_MAX_ITEMS]
    items = [gettext("%(label)s “%(text)s”") % {"label": KIND_LABELS[kind], "text": text} for kind, text in shown]
    hidden = len(unique) - len(shown)
    if hidden:
        items.append(ngettext("and %(count)d more", "and %(count)d more", hidden) % {"count": hidden})
    return ngettext(
        "Possibly identifying detail: %(items)s.", "Possibly identifying details: %(items)s.", len(unique)
    ) % {"items": ", ".join(items)}


def _finding(kind: str, text: str, start: int, end: int) -> Finding:
    return Finding(kind=kind, text=text[start:end], start=start, end=end)


def _national_numbers(text: str):
    for match in _NATIONAL_NUMBER.finditer(text):
        if stdnum_be_nn.is_valid(match.group()):
            yield _finding("national_number", text, match.start(), match.end())


def _ibans(text: str):
    for match in _IBAN.finditer(text):
        # The pattern may run on into a following block of capitals or digits: drop blocks from the end.
        candidate = match.group()
        while candidate:
            # check_country=False: the checksum and each country's length and layout, not python-stdnum's
            # list of Belgian bank codes (an account at a bank missing from it must still be flagged).
            if stdnum_iban.is_valid(candidate, check_country=False):
                yield _finding("iban", text, match.start(), match.start() + len(candidate))
                break
            candidate = candidate[: max(candidate.rfind(" "), 0)] if " " in candidate else ""


def _emails(text: str):
    for match in _EMAIL.finditer(text):
        yield _finding("email", text, match.start(), match.end())


def _phones(text: str):
    for match in phonenumbers.PhoneNumberMatcher(text, "BE"):
        start = match.start
        # "(0475 12 34 56)": the matcher keeps the opening bracket of a bracketed number.
        if match.raw_string.startswith("(") and ")" not in match.raw_string:
            start += 1
        yield _finding("phone", text, start, match.end)


def _streets(text: str):
    for match in _STREET.finditer(text):
        yield _finding("address", text, match.start(), match.end())


def _postcodes(text: str):
    postcodes, municipalities = _places()
    for match in _FOUR_DIGITS.finditer(text):
        code = match.group()
        after = re.match(r"[ \t]+", text[match.end() :])
        if after:
            place_start = match.end() + after.end()
            place_end = _municipality_end(text, place_start, municipalities)
            # A code that could be a year ("in 2020 Organiseerden ...") needs a listed municipality.
            if place_end is None and code in postcodes and not _YEARS_START <= int(code) <= _YEARS_END:
                word = _CAPITALISED_WORD.match(text, place_start)
                place_end = word.end() if word else None
            if place_end is not None:
                yield _finding("postcode", text, match.start(), place_end)
                continue
        if code in postcodes:
            before = text[: match.start()].rstrip(" \t,")
            for name in municipalities:
                if before.endswith(name) and (len(before) == len(name) or not before[-len(name) - 1].isalnum()):
                    yield _finding("postcode", text, len(before) - len(name), match.end())
                    break


def _municipality_end(text: str, start: int, municipalities) -> int | None:
    """End of the longest listed municipality name that starts at `start`, as a whole word."""
    for name in municipalities:
        end = start + len(name)
        if text.startswith(name, start) and (end == len(text) or not (text[end].isalnum() or text[end] == "-")):
            return end
    return None


def _first_names(text: str):
    names = _first_name_list()
    for match in _WORD.finditer(text):
        word = match.group()
        if word in FIRST_NAME_STOP_WORDS:
            continue
        if word in names or ("-" in word and all(part in names for part in word.split("-"))):
            yield _finding("first_name", text, match.start(), match.end())


def _deduce_findings(text: str):
    model = _deduce_model()
    if model is None:
        return
    document = model.deidentify(text, disabled=_DEDUCE_UNUSED_PROCESSORS)
    for annotation in document.annotations:
        start, end = annotation.start_char, annotation.end_char
        found = text[start:end]
        if annotation.tag in {"persoon", "patient"}:
            # deduce joins names across a sentence end ("mevrouw Janssens. Kim"): judge each part alone.
            for part in _NAME_PART.finditer(found):
                part_start, part_end = start + part.start(), start + part.end()
                if _deduce_name_plausible(text, part_start, part_end):
                    yield _finding("name", text, part_start, part_end)
        elif annotation.tag == "locatie":
            # Street names (with or without a number); a bare town or country is ordinary context.
            if any(ch.isdigit() for ch in found) or _STREET_NAME_END.search(found):
                yield _finding("address", text, start, end)
        elif annotation.tag == "datum":
            kind = "date_of_birth" if _BIRTH_CUE.search(text[max(0, start - 30) : start]) else "date"
            yield _finding(kind, text, start, end)


def _deduce_name_plausible(text: str, start: int, end: int) -> bool:
    """Drop what deduce, made for Dutch (Netherlands) hospital notes, takes for a name in Flemish text.

    Flemish surnames write their particle with a capital ("mevrouw De Smet", "Jan Van Damme"), so a
    "name" that starts with a lowercase word other than a title ("de Kempen", "in het Huis van het
    Kind") is a place or a phrase; a municipality, a piece of a hyphenated word ("Spel" in
    "Spel-o-theek") or a word from the stop list is not a name either.
    """
    found = text[start:end]
    first_word = found.split(maxsplit=1)[0]
    if first_word[0].islower() and first_word.lower().rstrip(".") not in _NAME_TITLES:
        return False
    if found in FIRST_NAME_STOP_WORDS or found in _places()[1] or "van het Kind" in found:
        return False
    return not (text[end : end + 1] == "-" or (text[start - 1 : start] == "-" and start > 0))


_NAME_PART = re.compile(r"[^\s.!?;:,](?:[^.!?;:,]*[^\s.!?;:,])?")
_NAME_TITLES = frozenset(
    {"mevrouw", "mevr", "meneer", "mijnheer", "dhr", "mr", "juf", "juffrouw", "meester", "dokter", "dr"}
)
_STREET_NAME_END = re.compile(
    r"(?:straat|laan|lei|plein|weg|baan|dreef|kaai|markt|dijk|vest|singel|steenweg|boulevard)\b", re.IGNORECASE
)
# deduce's own checks for what this module does with stdnum and phonenumbers, or does not flag.
_DEDUCE_UNUSED_PROCESSORS = {"institutions", "ages", "identifiers", "phone_numbers", "email_addresses", "urls"}
_deduce_lock = threading.Lock()


@functools.cache
def _first_name_list() -> frozenset[str]:
    lines = (DATA_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _places() -> tuple[frozenset[str], tuple[str, ...]]:
    """Postcodes of Flanders and Brussels, and municipality names (longest first, for matching)."""
    postcodes, names = set(), set()
    with open(COMMUNITY_DATA_DIR / "postcodes-2025.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(line for line in rows if not line.startswith("#")):
            postcodes.add(row["postcode"])
            names.add(row["municipality_nl"])
    with open(COMMUNITY_DATA_DIR / "municipalities-2025.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(line for line in rows if not line.startswith("#")):
            names.update(name for name in (row["name_nl"], row["name_fr"]) if name)
    return frozenset(postcodes), tuple(sorted(names, key=len, reverse=True))


def identifiers_warm_up() -> threading.Thread:
    """Load deduce's tables (about 7 s, 1.1 GB) in the background, so the first case text a
    serving process checks does not wait for them (IntervisionConfig.serving)."""
    thread = threading.Thread(target=_deduce_model, name="identifiers-warm-up", daemon=True)
    thread.start()
    return thread


def _deduce_model():
    """deduce, loaded once per process; None when its tables were not built at install time."""
    with _deduce_lock:
        return _load_deduce()


@functools.cache
def _load_deduce():
    try:
        from deduce import Deduce
        from deduce.deduce import _LOOKUP_LIST_PATH
    except ImportError:
        logger.warning("deduce is not installed: names, streets and dates in case texts are not flagged.")
        return None
    if not (_LOOKUP_LIST_PATH / "cache" / "lookup_structs.pickle").exists():
        logger.warning(
            "deduce's lookup tables are not built (run `make install`): names, streets and dates in case "
            "texts are not flagged."
        )
        return None
    return Deduce()
