"""Writes the relevance set's fixtures, documents.jsonl and queries.json, from `topics.py`.

Run once when the set changes (`.venv/bin/python bench/relevance/compose.py`); the fixtures are
the set, this script is how they were made. Deterministic: the same files every run.

Documents: every subject's practices (each title in two places, with a different selection of
its sentences), articles in paragraphs, events, materials, an organisation and one-line room
messages, plus documents about two subjects at once (`MIXED`). Judgments: per query, a rule
over what a document is about (`subjects`, the first the main one) and, for the places,
phrases and exclusions, what it says; 2 = what the asker is after, 1 = useful, unjudged = 0.
The rules were refined once after reading the unjudged documents in both systems' first ten
(pooling, as TREC does): meeting places and parenting beyond the two subjects themselves.
"""

import json
import random
import re
from pathlib import Path

from topics import PLACES, TOPICS

HERE = Path(__file__).resolve().parent

INTROS = [
    "Het Huis van het Kind {place} startte dit initiatief in {year}.",
    "In {place} loopt dit project sinds {year}.",
    "Een praktijk uit {place}, gestart in {year} samen met de lokale partners.",
    "Sinds {year} werken de partners in {place} zo samen.",
    "Deze werking begon in {year} in {place} als klein proefproject.",
    "Het HvK {place} vertelt hoe het aanpakte.",
]
LESSONS = [
    "Wat we leerden: {sentence}",
    "Onze belangrijkste les: {sentence}",
    "Tip voor wie dit wil overnemen: {sentence}",
]
VENUES = ["het gemeentehuis", "het Huis van het Kind", "de bibliotheek", "het dienstencentrum", "het cultuurcentrum"]
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "september", "oktober", "november", "december"]
ROOMS = [
    "Coördinatoren Kempen",
    "Coördinatoren Limburg",
    "Partners Gent",
    "Vrijwilligers West-Vlaanderen",
    "Brussel-Noord",
]
DOMAINS = {
    "huiswerk": "onderwijs",
    "armoede": "socio-economisch",
    "opvoeding": "ouderschap",
    "kinderopvang": "kinderopvang",
    "borstvoeding": "gezondheid",
    "consultatiebureau": "gezondheid",
    "taal": "onderwijs",
    "jeugdhulp": "jeugdhulp",
    "intervisie": "praktische-ondersteuning",
    "vrijetijd": "cultuur-jeugd-sport",
    "gezinsondersteuning": "ouderschap",
    "school": "onderwijs",
    "zwangerschap": "gezondheid",
    "slaap": "gezondheid",
    "scheiding": "ouderschap",
    "welbevinden": "mentaal-welbevinden",
    "voeding": "gezondheid",
    "schermtijd": "ouderschap",
    "vaders": "ouderschap",
    "nieuwkomers": "sociale-cohesie",
    "ontmoeting": "sociale-cohesie",
    "logopedie": "onderwijs",
    "prematuur": "gezondheid",
    "grootouders": "ouderschap",
    "netwerk": "praktische-ondersteuning",
}

# Documents about two subjects: (subjects, type, title). Sentences come from both.
MIXED = [
    (("armoede", "vrijetijd"), "practice", "Vrije tijd voor kinderen uit gezinnen met een laag inkomen"),
    (("armoede", "huiswerk"), "practice", "Schoolkosten en huiswerkhulp voor gezinnen in armoede"),
    (("armoede", "kinderopvang"), "article", "Kinderopvang als hefboom tegen armoede"),
    (("armoede", "voeding"), "practice", "Gezonde maaltijden voor kinderen in armoede"),
    (("armoede", "gezinsondersteuning"), "article", "Gezinnen in armoede ondersteunen zonder te betuttelen"),
    (("armoede", "school"), "practice", "Brugfiguur tussen school en gezin"),
    (("taal", "nieuwkomers"), "practice", "Nederlands oefenen voor nieuwkomende ouders"),
    (("taal", "consultatiebureau"), "practice", "Voorlezen in de wachtzaal"),
    (("taal", "huiswerk"), "article", "Huiswerk in een meertalig gezin"),
    (("opvoeding", "vaders"), "article", "Vaders en opvoeding: een andere kijk"),
    (("opvoeding", "schermtijd"), "practice", "Opvoedingsavond over gamen en smartphones"),
    (("opvoeding", "grootouders"), "practice", "Opvoedingsvragen van grootouders"),
    (("borstvoeding", "consultatiebureau"), "practice", "Borstvoedingsspreekuur in het consultatiebureau"),
    (("borstvoeding", "zwangerschap"), "article", "Voorbereiden op borstvoeding tijdens de zwangerschap"),
    (("jeugdhulp", "school"), "practice", "Jeugdhulp op school met het CLB"),
    (("jeugdhulp", "welbevinden"), "article", "Jongeren met psychische problemen vinden moeilijk hulp"),
    (("jeugdhulp", "scheiding"), "practice", "Begeleiding van gezinnen in een vechtscheiding"),
    (("intervisie", "netwerk"), "article", "Intervisie tussen Huizen van het Kind"),
    (("slaap", "consultatiebureau"), "practice", "Slaapvragen op het consultatiebureau"),
    (("logopedie", "taal"), "article", "Taalachterstand of taalstoornis?"),
    (("logopedie", "school"), "practice", "Leerlingen met dyslexie ondersteunen"),
    (("kinderopvang", "taal"), "article", "Spelenderwijs Nederlands leren in de kinderopvang"),
    (("ontmoeting", "opvoeding"), "practice", "Opvoedingsvragen bij een kop koffie"),
    (("prematuur", "borstvoeding"), "article", "Borstvoeding voor een te vroeg geboren baby"),
    (("welbevinden", "school"), "practice", "Faalangst en examenstress op school"),
    (("gezinsondersteuning", "nieuwkomers"), "practice", "Gezinscoaching voor nieuwkomers"),
    (("vrijetijd", "school"), "practice", "Sport na school voor alle kinderen"),
    (("huiswerk", "nieuwkomers"), "practice", "Huiswerkhulp voor leerlingen uit de OKAN-klas"),
    (("voeding", "kinderopvang"), "practice", "Gezond eten in de kinderopvang"),
    (("netwerk", "armoede"), "article", "Huizen van het Kind in de strijd tegen kinderarmoede"),
]


def main() -> None:
    rng = random.Random(24)
    documents = []

    def add(subjects, kind, title, text, place=None, context=""):
        number = len(documents) + 1
        city, province = place or ("", "")
        documents.append(
            {
                "id": f"d{number:03d}",
                "type": kind,
                "title": title,
                "text": text,
                "place": city,
                "province": province,
                "date": f"{rng.randrange(2020, 2027)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                "life_domains": sorted({DOMAINS[s] for s in subjects}),
                "context": context,
                "subjects": list(subjects),
            }
        )

    def pick(subject, count):
        bank = TOPICS[subject]["sentences"]
        return rng.sample(bank, min(count, len(bank)))

    places = PLACES[:]
    rng.shuffle(places)
    place_cycle = iter(places * 40)

    for subject, topic in TOPICS.items():
        for title in topic.get("practice", []):
            for _copy in range(2):
                place = next(place_cycle)
                intro = rng.choice(INTROS).format(place=place[0], year=rng.randrange(2012, 2025))
                body = pick(subject, rng.randrange(3, 7))
                paragraphs = [" ".join([intro, *body[:2]]), " ".join(body[2:])]
                if rng.random() < 0.5:
                    paragraphs.append(rng.choice(LESSONS).format(sentence=pick(subject, 1)[0]))
                shown = rng.choice(["{title} in {place}", "{title} ({place})", "{place}: {title}", "{title}"])
                add(
                    [subject],
                    "practice",
                    shown.format(title=title, place=place[0]),
                    "\n\n".join(p for p in paragraphs if p),
                    place,
                )
        for title in topic.get("article", []):
            body = pick(subject, rng.randrange(6, 11))
            cut = sorted(rng.sample(range(2, len(body)), 1 if len(body) < 8 else 2))
            paragraphs = [" ".join(body[a:b]) for a, b in zip([0, *cut], [*cut, len(body)], strict=True)]
            add([subject], "article", title, "\n\n".join(paragraphs))
        for title in topic.get("event", []):
            place = next(place_cycle)
            when = f"{rng.choice(DAYS)} {rng.randrange(1, 29)} {rng.choice(MONTHS)}"
            text = (
                f"Op {when} om {rng.choice(['9.30', '13.30', '14 uur', '19.30'])} in {rng.choice(VENUES)} "
                f"in {place[0]}. " + " ".join(pick(subject, rng.randrange(1, 4)))
            )
            text += rng.choice([" Inschrijven kan tot een week vooraf.", " Gratis, wel graag inschrijven.", ""])
            add([subject], "event", title, text, place)
        for title in topic.get("material", []):
            text = " ".join(pick(subject, rng.randrange(1, 3)))
            text += rng.choice([" Te downloaden als PDF.", " Vrij te gebruiken en aan te passen.", ""])
            add([subject], "material", title, text)
        if "organisation" in topic:
            name, description = topic["organisation"]
            place = next(place_cycle)
            add([subject], "organisation", name, f"{description} Actief in {place[0]} en omgeving.", place)
        for line in topic.get("message", []):
            room = rng.choice(ROOMS)  # a message's title is its room's name, as search.sources gives it
            add([subject], "message", room, line, context=room)

    for subjects, kind, title in MIXED:
        body = [*pick(subjects[0], rng.randrange(2, 4)), *pick(subjects[1], rng.randrange(2, 4))]
        place = next(place_cycle) if kind == "practice" else None
        if place:
            body.insert(0, rng.choice(INTROS).format(place=place[0], year=rng.randrange(2012, 2025)))
        half = len(body) // 2
        add(list(subjects), kind, title, " ".join(body[:half]) + "\n\n" + " ".join(body[half:]), place)

    with (HERE / "documents.jsonl").open("w", encoding="utf-8") as out:
        for document in documents:
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
    queries = [
        {"id": f"q{n:02d}", "query": q, "kind": kind, "judgments": judge(documents, rule)}
        for n, (q, kind, rule) in enumerate(QUERIES, 1)
    ]
    (HERE / "queries.json").write_text(json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(documents)} documents, {len(queries)} queries")


def judge(documents, rule) -> dict[str, int]:
    grades = {}
    for document in documents:
        grade = rule(Doc(document))
        if grade:
            grades[document["id"]] = int(grade)
    return grades


class Doc:
    """What a judging rule may ask of a document."""

    def __init__(self, document):
        self.d = document
        self.all = f"{document['title']}\n{document['text']}".lower()
        self.words = set(re.findall(r"[^\W_]+", self.all))

    def main(self, *subjects):  # is its main subject one of these
        return self.d["subjects"][0] in subjects

    def about(self, *subjects):  # is it about any of these at all
        return bool(set(self.d["subjects"]) & set(subjects))

    def says(self, *phrases):  # does it say one of these (lower-case substrings)
        return any(phrase in self.all for phrase in phrases)

    def word(self, *words):  # does it hold one of these words exactly
        return bool(self.words & set(words))

    def parenting(self):  # useful to a question about bringing up children
        return (
            self.about("opvoeding")
            or (self.main("vaders", "grootouders") and self.says("opvoed"))
            or self.says("opvoedingsondersteuning")
        )

    def meeting(self):  # a place where parents meet
        return self.about("ontmoeting") or self.says("borstvoedingscafé", "babbelkoffie")

    @property
    def kind(self):
        return self.d["type"]

    @property
    def place(self):
        return self.d["place"]


# (query, kind, rule: Doc -> 0, 1 or 2). Judged as a coordinator would: by what a document is
# about and whether it answers the asker, not by whether it holds the query's words.
QUERIES = [
    # one word
    ("huiswerkbegeleiding", "one word", lambda d: 2 if d.main("huiswerk") else (1 if d.about("huiswerk") else 0)),
    ("borstvoeding", "one word", lambda d: 2 if d.main("borstvoeding") else (1 if d.about("borstvoeding") else 0)),
    ("intervisie", "one word", lambda d: 2 if d.main("intervisie") else (1 if d.about("intervisie") else 0)),
    ("speelotheek", "one word", lambda d: 2 if d.says("speelotheek") else (1 if d.main("ontmoeting") else 0)),
    (
        "kangoeroezorg",
        "one word, rare",
        lambda d: 2 if d.says("kangoeroezorg", "huid op huid") else (1 if d.about("prematuur") else 0),
    ),
    (
        "lactatiekundige",
        "one word, rare",
        lambda d: 2 if d.says("lactatiekundige") else (1 if d.main("borstvoeding") and d.kind != "message" else 0),
    ),
    # abbreviations
    (
        "HvK",
        "abbreviation",
        lambda d: (
            2
            if d.main("netwerk")
            else (
                1
                if d.about("netwerk")
                or (d.says("huis van het kind", "huizen van het kind", "hvk") and d.kind in ("organisation", "article"))
                else 0
            )
        ),
    ),
    (
        "CLB",
        "abbreviation",
        lambda d: (
            2
            if d.says("clb", "centrum voor leerlingenbegeleiding") and d.about("school")
            else (1 if d.says("clb") else 0)
        ),
    ),
    (
        "CAW",
        "abbreviation",
        lambda d: 2 if d.says("caw") and d.about("jeugdhulp", "scheiding") else (1 if d.says("caw") else 0),
    ),
    ("OCMW", "abbreviation", lambda d: 2 if d.says("ocmw") and d.about("armoede") else (1 if d.says("ocmw") else 0)),
    (
        "kind en gezin",
        "name of three words",
        lambda d: (
            2
            if d.main("consultatiebureau") and d.kind in ("organisation", "article", "practice")
            else (1 if d.says("kind en gezin") else 0)
        ),
    ),
    # compounds
    ("kinderarmoede", "compound", lambda d: 2 if d.main("armoede") else (1 if d.about("armoede") else 0)),
    ("opvoedingsondersteuning", "compound", lambda d: 2 if d.main("opvoeding") else (1 if d.parenting() else 0)),
    ("ontmoetingsplek", "compound", lambda d: 2 if d.main("ontmoeting") else (1 if d.meeting() else 0)),
    ("taalstimulering", "compound", lambda d: 2 if d.main("taal") else (1 if d.about("taal") else 0)),
    (
        "jeugdhulpverlening",
        "compound, not in the list",
        lambda d: 2 if d.main("jeugdhulp") else (1 if d.about("jeugdhulp") else 0),
    ),
    ("vrijetijdsaanbod", "compound", lambda d: 2 if d.main("vrijetijd") else (1 if d.about("vrijetijd") else 0)),
    (
        "gezinscoach",
        "compound",
        lambda d: (
            2
            if d.main("gezinsondersteuning") and d.says("coach", "thuisbegeleiding", "huisbezoek")
            else (1 if d.about("gezinsondersteuning") else 0)
        ),
    ),
    # a compound's parts
    ("armoede kinderen", "compound's parts", lambda d: 2 if d.main("armoede") else (1 if d.about("armoede") else 0)),
    (
        "ondersteuning opvoeding",
        "compound's parts",
        lambda d: 2 if d.main("opvoeding") else (1 if d.parenting() or d.main("gezinsondersteuning") else 0),
    ),
    (
        "opvang baby",
        "compound's parts",
        lambda d: 2 if d.main("kinderopvang") and d.says("baby") else (1 if d.about("kinderopvang") else 0),
    ),
    (
        "begeleiding huiswerk",
        "compound's parts",
        lambda d: 2 if d.main("huiswerk") else (1 if d.about("huiswerk") else 0),
    ),
    (
        "plek ontmoeting ouders",
        "compound's parts",
        lambda d: 2 if d.main("ontmoeting") else (1 if d.meeting() else 0),
    ),
    # three to six words
    (
        "kinderopvang hasselt",
        "two words, a place",
        lambda d: (
            2
            if d.about("kinderopvang") and d.place == "Hasselt"
            else (1 if d.main("kinderopvang") and d.kind != "message" else 0)
        ),
    ),
    (
        "vrijwilligers huiswerkklas",
        "two words",
        lambda d: 2 if d.main("huiswerk") and d.says("vrijwillig") else (1 if d.main("huiswerk") else 0),
    ),
    (
        "gratis vaccinaties baby",
        "three words",
        lambda d: (
            2
            if d.says("vaccin") and d.about("consultatiebureau", "school")
            else (1 if d.main("consultatiebureau") else 0)
        ),
    ),
    (
        "ouders dyslexie hulpmiddelen",
        "three words, rare and common",
        lambda d: 2 if d.says("dyslexie") else (1 if d.main("logopedie") else 0),
    ),
    (
        "kangoeroezorg baby ouders",
        "three words, one rare and two common",
        lambda d: 2 if d.says("kangoeroezorg", "huid op huid") else (1 if d.about("prematuur") else 0),
    ),
    ("kleuter stottert", "two words, rare", lambda d: 2 if d.says("stotter") else (1 if d.main("logopedie") else 0)),
    (
        "lotgenoten ouders prematuren",
        "three words, rare and common",
        lambda d: 2 if d.main("prematuur") and d.says("lotgenot") else (1 if d.about("prematuur") else 0),
    ),
    (
        "netwerknamiddag kinderarmoede partners",
        "three words",
        lambda d: (
            2
            if d.main("armoede") and d.kind == "event"
            else (
                1
                if (d.about("armoede") and d.says("partners", "overleg", "samenwerking", "netwerk"))
                or (d.main("netwerk") and d.kind == "event")
                else 0
            )
        ),
    ),
    (
        "kookworkshop gezond goedkoop",
        "three words",
        lambda d: 2 if d.says("kookworkshop", "kookdemo") else (1 if d.main("voeding") else 0),
    ),
    (
        "faalangst examens jongeren",
        "three words",
        lambda d: 2 if d.says("faalangst") else (1 if d.main("welbevinden") else 0),
    ),
    (
        "papagroep activiteiten zaterdag",
        "three words",
        lambda d: 2 if d.main("vaders") and d.says("papagroep") else (1 if d.about("vaders") else 0),
    ),
    (
        "praatgroep kinderen gescheiden ouders",
        "four words",
        lambda d: 2 if d.main("scheiding") and d.says("praatgroep") else (1 if d.about("scheiding") else 0),
    ),
    (
        "wachtlijst jeugdhulp gezin begeleiding",
        "four words",
        lambda d: 2 if d.about("jeugdhulp") and d.says("wacht") else (1 if d.main("jeugdhulp") else 0),
    ),
    (
        "intervisie casus coördinatoren huis van het kind",
        "six words",
        lambda d: 2 if d.main("intervisie") else (1 if d.about("intervisie") else 0),
    ),
    (
        "tweedehands kinderkleding speelgoed beurs gezinnen",
        "five words",
        lambda d: 2 if d.says("tweedehandsbeurs", "tweedehandsbeurzen") else (1 if d.main("armoede") else 0),
    ),
    # questions
    (
        "waar vind ik hulp bij huiswerk voor mijn dochter",
        "question",
        lambda d: 2 if d.main("huiswerk") and d.kind != "message" else (1 if d.about("huiswerk") else 0),
    ),
    (
        "hoe vind ik een plaats in de kinderopvang",
        "question",
        lambda d: 2 if d.main("kinderopvang") and d.says("aanmeld", "plaats") else (1 if d.main("kinderopvang") else 0),
    ),
    (
        "mijn baby slaapt niet door wat kan ik doen",
        "question",
        lambda d: 2 if d.main("slaap") and d.says("baby", "huil") else (1 if d.about("slaap") else 0),
    ),
    (
        "waar kan ik terecht met vragen over de opvoeding van mijn peuter",
        "question",
        lambda d: (
            2
            if d.main("opvoeding") and d.kind in ("practice", "organisation", "article")
            else (1 if d.parenting() else 0)
        ),
    ),
    (
        "wie helpt jongeren met stress en faalangst",
        "question",
        lambda d: 2 if d.main("welbevinden") else (1 if d.about("welbevinden") else 0),
    ),
    (
        "hoeveel schermtijd is gezond voor kinderen",
        "question",
        lambda d: 2 if d.main("schermtijd") else (1 if d.about("schermtijd") else 0),
    ),
    (
        "hoe help ik mijn kind met huiswerk als ik geen nederlands spreek",
        "question",
        lambda d: (
            2 if d.about("huiswerk") and d.says("taal", "nederlands", "meertalig") else (1 if d.main("huiswerk") else 0)
        ),
    ),
    (
        "zwanger zonder huisarts waar kan ik terecht",
        "question",
        lambda d: (
            2
            if d.main("zwangerschap") and d.says("huisarts", "prenatale", "vroedvrouw")
            else (1 if d.about("zwangerschap") else 0)
        ),
    ),
    # quoted phrases
    (
        '"huis van het kind" netwerknamiddag',
        "phrase and a word",
        lambda d: (
            2
            if d.main("netwerk") and d.kind == "event"
            else (1 if (d.kind == "event" and d.says("netwerknamiddag")) or d.main("netwerk") else 0)
        ),
    ),
    (
        '"kind en gezin" vaccinaties',
        "phrase and a word",
        lambda d: 2 if d.main("consultatiebureau") and d.says("vaccin") else (1 if d.about("consultatiebureau") else 0),
    ),
    (
        '"prenatale consultaties"',
        "phrase",
        lambda d: 2 if d.says("prenatale consultaties") else (1 if d.main("zwangerschap") else 0),
    ),
    # exclusions
    (
        "jeugdhulp -school",
        "exclusion",
        lambda d: (
            0 if d.word("school", "scholen") else (2 if d.main("jeugdhulp") else (1 if d.about("jeugdhulp") else 0))
        ),
    ),
    (
        "opvoeding -peuters",
        "exclusion",
        lambda d: 0 if d.word("peuter", "peuters") else (2 if d.main("opvoeding") else (1 if d.parenting() else 0)),
    ),
    # OR
    (
        "speelotheek OR ontmoetingsplek",
        "OR",
        lambda d: 2 if d.main("ontmoeting") else (1 if d.meeting() else 0),
    ),
    ("logopedist OR dyslexie", "OR", lambda d: 2 if d.main("logopedie") else (1 if d.about("logopedie") else 0)),
]


if __name__ == "__main__":
    main()
