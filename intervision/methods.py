"""The methods Samenhuis ships (docs/intervision.md, "Methods"), made after every migrate by
`methods_ensure`: a method missing by its key is made; one that exists is left as an administrator
may have edited it. Groups copy and adapt them (`services.method_copy`).

Texts are Dutch: they are content people read in the session, like the life domains.
"""

from .models import Collects, Speakers

ALL, PRESENTER, OTHERS = Speakers.EVERYONE, Speakers.PRESENTER, Speakers.OTHERS
NOTHING, NOTES, QUESTIONS, ADVICE, ACTIONS, REFLECTION = (
    Collects.NOTHING,
    Collects.NOTES,
    Collects.QUESTIONS,
    Collects.ADVICE,
    Collects.ACTIONS,
    Collects.REFLECTION,
)

AGREEMENTS = (
    "Afspraken",
    "Wie doet wat, tegen wanneer? Noteer de actiepunten: ze komen terug in de volgende sessie van de "
    "groep (\u201ehoe is het verder gegaan?\u201d).",
    5,
    ALL,
    ACTIONS,
)

# key: (name, description, [(phase name, purpose, minutes, who may contribute, what it collects)])
METHODS = {
    "incident": (
        "Incidentmethode",
        "Een korte, concrete gebeurtenis uit de praktijk van de inbrenger staat centraal. De groep "
        "reconstrueert en analyseert wat er gebeurde en geeft advies; de inbrenger kiest wat hij of zij "
        "meeneemt.",
        [
            (
                "Intake van het incident",
                "De inbrenger beschrijft kort een concreet incident: wat gebeurde er, wie was erbij, op welk "
                "moment liep het mis of ontstond twijfel? Zonder namen of andere herkenbare gegevens.",
                10,
                PRESENTER,
                NOTHING,
            ),
            (
                "Verhelderingsvragen",
                "Stel informatieve vragen om het incident goed te begrijpen: feiten, geen meningen of "
                "verkapte adviezen. De vragen worden eerst verzameld en samen getoond; daarna antwoordt de "
                "inbrenger.",
                15,
                OTHERS,
                QUESTIONS,
            ),
            (
                "Reconstructie",
                "Reconstrueer samen het verloop: wat ging eraan vooraf, welke keuzes maakte de inbrenger, "
                "welke mogelijkheden waren er nog?",
                15,
                ALL,
                NOTES,
            ),
            (
                "Analyse",
                "Wat valt op? Benoem patronen, dilemma's en spanningsvelden. De inbrenger luistert.",
                15,
                OTHERS,
                NOTES,
            ),
            (
                "Advies",
                "Schrijf concrete adviezen, elk op een eigen kaart. De inbrenger duidt aan welke adviezen "
                "hij of zij meeneemt.",
                15,
                OTHERS,
                ADVICE,
            ),
            (
                "Reflectie",
                "De inbrenger vertelt wat de bespreking opleverde en wat hij of zij meeneemt. De groep "
                "blikt kort terug op het proces.",
                10,
                PRESENTER,
                REFLECTION,
            ),
            AGREEMENTS,
        ],
    ),
    "roddel": (
        "Roddelmethode",
        "De inbrenger vertelt en stapt dan even uit het gesprek: de anderen praten over de casus alsof "
        "de inbrenger er niet is. Dat geeft ruimte voor vermoedens en gevoelens die in een gewoon "
        "gesprek onuitgesproken blijven.",
        [
            (
                "Inbreng",
                "De inbrenger vertelt de casus en de vraag die hij of zij heeft.",
                10,
                PRESENTER,
                NOTHING,
            ),
            (
                "Verhelderingsvragen",
                "Stel vragen om de situatie te begrijpen. Ze worden eerst verzameld en samen getoond.",
                10,
                OTHERS,
                QUESTIONS,
            ),
            (
                "Roddelen",
                "De inbrenger zet camera en micro uit (of draait de stoel om) en leest alleen mee. De "
                "anderen praten over de casus alsof de inbrenger er niet is: vermoedens, gevoelens, ideeën. "
                "De inbrenger kan in deze fase niets schrijven.",
                20,
                OTHERS,
                NOTES,
            ),
            (
                "Reactie van de inbrenger",
                "De inbrenger komt terug en vertelt wat raakte, wat herkenbaar was en wat niet.",
                10,
                PRESENTER,
                REFLECTION,
            ),
            AGREEMENTS,
        ],
    ),
    "balint": (
        "Balintmethode",
        "Het gesprek gaat over de relatie tussen de professional en het gezin: wat roept die op, wat "
        "gebeurt er tussen hen? De groep werkt met gevoelens en associaties, niet met oplossingen.",
        [
            (
                "Vertellen",
                "De inbrenger vertelt vrij, zonder notities, over een gezin of situatie die hem of haar "
                "bezighoudt, vooral over de relatie.",
                10,
                PRESENTER,
                NOTHING,
            ),
            (
                "Vragen",
                "Korte feitelijke vragen, eerst verzameld en dan samen getoond.",
                10,
                OTHERS,
                QUESTIONS,
            ),
            (
                "Associëren",
                "De groep deelt gevoelens, beelden en associaties bij de relatie tussen de inbrenger en het "
                "gezin. De inbrenger luistert zonder te reageren.",
                25,
                OTHERS,
                NOTES,
            ),
            (
                "De inbrenger reageert",
                "De inbrenger vertelt wat de associaties bij hem of haar oproepen.",
                10,
                PRESENTER,
                REFLECTION,
            ),
            (
                "Afronding",
                "Korte nabespreking in de hele groep.",
                5,
                ALL,
                NOTHING,
            ),
        ],
    ),
    "tien-stappen": (
        "Tienstappenmethode",
        "Een stevige methode in tien stappen: van de vraag van de inbrenger, via de blik van elke "
        "deelnemer en een analyse, naar adviezen, een plan en een evaluatie.",
        [
            ("Inbreng", "De inbrenger stelt de situatie en de vraag voor.", 5, PRESENTER, NOTHING),
            ("Verhelderingsvragen", "Informatieve vragen, samen getoond.", 10, OTHERS, QUESTIONS),
            ("Kernvraag", "De inbrenger formuleert de kernvraag opnieuw, scherper.", 5, PRESENTER, NOTES),
            (
                "Elk vanuit de eigen blik",
                "Elke deelnemer schrijft hoe hij of zij de situatie ziet, alsof het de eigen situatie was.",
                10,
                OTHERS,
                NOTES,
            ),
            ("Keuze van de inbrenger", "De inbrenger kiest welke invalshoek verder helpt.", 5, PRESENTER, NOTES),
            ("Analyse", "Samen de situatie ontleden vanuit de gekozen invalshoek.", 15, ALL, NOTES),
            ("Advies", "Concrete adviezen, elk op een kaart.", 10, OTHERS, ADVICE),
            (
                "Keuze van de adviezen",
                "De inbrenger duidt aan welke adviezen hij of zij meeneemt.",
                5,
                PRESENTER,
                NOTHING,
            ),
            AGREEMENTS,
            ("Evaluatie", "Wat leverde deze sessie op, voor de inbrenger en voor de groep?", 5, ALL, REFLECTION),
        ],
    ),
    "vrij": (
        "Vrije ronde",
        "Een open ronde voor vragen en ervaringen, zonder vaste structuur.",
        [
            ("Ronde", "Ieder brengt in wat hem of haar bezighoudt; de groep reageert.", 30, ALL, NOTES),
            AGREEMENTS,
        ],
    ),
}


def methods_ensure() -> int:
    """Make the shipped methods that are missing; returns how many were made."""
    from .models import Method, MethodPhase

    made = 0
    for key, (name, description, phases) in METHODS.items():
        if Method.objects.filter(key=key, group__isnull=True).exists():
            continue
        method = Method.objects.create(key=key, name=name, description=description)
        MethodPhase.objects.bulk_create(
            MethodPhase(
                method=method, name=phase, purpose=purpose, minutes=minutes, speakers=who, collects=what, position=i
            )
            for i, (phase, purpose, minutes, who, what) in enumerate(phases)
        )
        made += 1
    return made


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default" and sender.label == "intervision":
        methods_ensure()
