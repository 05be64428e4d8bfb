"""Demo magazine for `manage.py load_demo`: the index, issue 1 and its three articles.

Idempotent: what exists (matched by slug and issue number) is left as editors changed it.
The texts are written for the demo; the cover is drawn with Pillow, nothing is downloaded.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from .magazine_workflow import EINDREDACTIE, REDACTIE, magazine_workflow_ensure

DEMO_EDITOR_EMAIL = "redactie@samenhuis.test"

MAGAZINE_INTRO = (
    "Het magazine van Samenhuis verschijnt een paar keer per jaar. Coördinatoren, partners en de "
    "redactie vertellen erin hoe Huizen van het Kind hun werk aanpakken, wat lukt en wat niet."
)

ISSUE = {
    "number": 1,
    "title": "Nummer 1: Verbinden over de levensdomeinen heen",
    "slug": "nummer-1",
    "publication_date": datetime.date(2026, 10, 1),
    "theme": "Verbinden over de levensdomeinen heen",
    "intro": (
        "Een gezin leeft niet in hokjes. In dit eerste nummer kijken we hoe Huizen van het Kind "
        "gezondheid, opvoeding, kinderopvang en onderwijs aan elkaar knopen, en wat dat vraagt van "
        "wie het netwerk trekt."
    ),
    "cover_alt": "Omslag van nummer 1: drie in elkaar grijpende cirkels in petrol en oranje op een lichte achtergrond.",
}

ARTICLES = [
    {
        "slug": "ontmoeting-als-eerste-stap",
        "title": "Ontmoeting als eerste stap",
        "authors": "Els Vermeulen, Tom De Smet",
        "lead": (
            "Ouders komen naar het consultatiebureau voor een weging en een vaccin. Wie daarna blijft "
            "plakken bij een kop koffie, vindt vaak de weg naar veel meer. Twee Huizen vertellen hoe ze "
            "van de wachtzaal een ontmoetingsplek maakten."
        ),
        "life_domains": ["sociale-cohesie", "gezondheid"],
        "body": [
            ("heading", "De wachtzaal als kans"),
            (
                "rich_text",
                "<p>In veel Huizen van het Kind zit het consultatiebureau onder hetzelfde dak als de "
                "opvoedingswinkel of het inloopteam. Toch lopen ouders vaak rechtstreeks van de parking "
                "naar de weegschaal en terug. De vraag was eenvoudig: hoe zorgen we dat een bezoek ook een "
                "ontmoeting wordt?</p>"
                "<p>Het antwoord bleek klein te beginnen. Een tafel met koffie en speelgoed, een vrijwilliger "
                "die ouders aanspreekt, en een vaste dag waarop ook een medewerker van de opvoedingswinkel "
                "aanwezig is.</p>",
            ),
            (
                "quote",
                {
                    "text": "Ik kwam voor de weging van mijn dochter en ging naar huis met het nummer van een "
                    "andere mama uit mijn straat.",
                    "attribution": "Een moeder die de koffietafel leerde kennen",
                },
            ),
            ("heading", "Wat het vraagt"),
            (
                "rich_text",
                "<p>Een ontmoetingsmoment draait niet vanzelf. De Huizen die het volhouden, spreken af wie "
                "de tafel klaarzet, wie ouders verwelkomt en wie signalen doorgeeft aan een partner. Ze "
                "evalueren na drie maanden en passen het uur aan wanneer het te stil blijft.</p>",
            ),
            (
                "key_figure",
                {
                    "figure": "3",
                    "label": "basispijlers: preventieve gezondheidszorg, opvoedingsondersteuning en ontmoeting",
                    "source": "",
                },
            ),
            (
                "tip",
                {
                    "title": "Tip",
                    "text": RichText(
                        "<p>Begin op het drukste moment van het consultatiebureau, niet op een rustige "
                        "namiddag: daar zijn de ouders al.</p>"
                    ),
                },
            ),
        ],
    },
    {
        "slug": "intervisie-collega-als-klankbord",
        "title": "Intervisie: een collega als klankbord",
        "authors": "Karim El Amrani",
        "lead": (
            "Coördinatoren van een Huis van het Kind staan vaak alleen voor lastige keuzes. In de "
            "Kempen komen ze om de zes weken samen om elkaars vragen te ontleden volgens een vaste "
            "methode. Een kijkje in zo'n sessie."
        ),
        "life_domains": ["ouderschaps-en-opvoedingsondersteuning", "mentaal-welbevinden"],
        "body": [
            ("heading", "Een vaste volgorde"),
            (
                "rich_text",
                "<p>De groep werkt met de incidentmethode. Iemand brengt een concrete situatie in, de anderen "
                "stellen eerst alleen verhelderende vragen. Pas daarna volgen analyse en advies, en de "
                "inbrenger sluit af met wat hij of zij meeneemt.</p>"
                "<p>Die volgorde voelt de eerste keer streng, maar ze voorkomt dat iedereen meteen "
                "oplossingen gaat aandragen voor een probleem dat nog niet helder is.</p>",
            ),
            (
                "key_figure",
                {
                    "figure": "8 tot 15",
                    "label": "coördinatoren per intervisiegroep, uit dezelfde regio",
                    "source": "",
                },
            ),
            (
                "quote",
                {
                    "text": "Het helpt om te horen dat een collega in een buurgemeente met precies dezelfde "
                    "vraag worstelt.",
                    "attribution": "Een coördinator uit de groep",
                },
            ),
            ("heading", "Vertrouwelijk en veilig"),
            (
                "rich_text",
                "<p>Wat in de groep besproken wordt, blijft in de groep. De gespreksleider bewaakt de tijd en "
                "de afspraken; verslagen bevatten geen namen van gezinnen of partners.</p>",
            ),
            (
                "tip",
                {
                    "title": "Tip",
                    "text": RichText(
                        "<p>Breng een vraag in waar je zelf nog mee bezig bent, geen afgerond verhaal. "
                        "Daar leert de hele groep het meest van.</p>"
                    ),
                },
            ),
        ],
    },
    {
        "slug": "brugfiguur-tussen-opvang-en-school",
        "title": "Een brugfiguur tussen opvang en school",
        "authors": "Nathalie Claes",
        "lead": (
            "De overstap van de kinderopvang naar de kleuterklas is een grote stap, zeker voor gezinnen "
            "die de school nog niet kennen. Een brugfiguur helpt ouders over die drempel en brengt "
            "opvang en onderwijs rond de tafel."
        ),
        "life_domains": ["kinderopvang", "onderwijs"],
        "body": [
            ("heading", "Een gezicht dat ouders al kennen"),
            (
                "rich_text",
                "<p>De brugfiguur komt langs in de kinderopvang en op het consultatiebureau, en is er ook op de "
                "eerste schooldag. Ouders zien zo een vertrouwd gezicht aan de schoolpoort en durven sneller "
                "een vraag te stellen over inschrijven, maaltijden of de schoolfactuur.</p>",
            ),
            (
                "key_figure",
                {
                    "figure": "2,5",
                    "label": "jaar: de leeftijd waarop een kind in Vlaanderen naar de kleuterklas mag",
                    "source": "",
                },
            ),
            ("heading", "Samen plannen"),
            (
                "rich_text",
                "<p>Opvang en school spreken af welke informatie ze met toestemming van de ouders doorgeven. "
                "Zo hoeft een gezin zijn verhaal niet twee keer te doen, en weet de juf wat een kind nodig "
                "heeft.</p>",
            ),
            (
                "quote",
                {
                    "text": "Voor het eerst zaten de begeleidster van de opvang en de kleuterjuf samen aan één tafel.",
                    "attribution": "Een directeur van een basisschool",
                },
            ),
            (
                "tip",
                {
                    "title": "Tip",
                    "text": RichText(
                        "<p>Organiseer een instapmoment op school waarop ouders samen met de brugfiguur "
                        "een kijkje nemen, vóór de eerste schooldag.</p>"
                    ),
                },
            ),
        ],
    },
]


def cover_image_ensure():
    """A simple cover drawn with Pillow: three interlocking circles in the house colours."""
    from PIL import Image as PillowImage
    from PIL import ImageDraw

    image_model = get_image_model()
    title = "Omslag magazine nummer 1"
    existing = image_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    canvas = PillowImage.new("RGB", (800, 1120), "#f4f1ea")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 800, 180), fill="#00566b")
    for x, y, colour in ((250, 560, "#00566b"), (550, 560, "#b3541e"), (400, 800, "#003d4c")):
        draw.ellipse((x - 190, y - 190, x + 190, y + 190), outline=colour, width=28)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return image_model.objects.create(title=title, file=ImageFile(buffer, name="magazine-nummer-1.png"))


@transaction.atomic
def magazine_demo_ensure():
    """The magazine under "kennis": index, issue 1 (published) and three published articles."""
    from .models import LifeDomain, MagazineArticlePage, MagazineIndexPage, MagazineIssuePage, StandardPage

    knowledge = StandardPage.objects.get(slug="kennis", depth=3)
    magazine = MagazineIndexPage.objects.first()
    if magazine is None:
        magazine = knowledge.add_child(
            instance=MagazineIndexPage(title="Magazine", slug="magazine", intro=MAGAZINE_INTRO, locale=knowledge.locale)
        )
        magazine.save_revision().publish()
    magazine_workflow_ensure()
    editor = get_user_model().objects.filter(email=DEMO_EDITOR_EMAIL).first()
    if editor is not None:
        # The demo editor can take an article through both steps of the workflow.
        editor.groups.add(*Group.objects.filter(name__in=[REDACTIE, EINDREDACTIE]))

    issue = MagazineIssuePage.objects.filter(number=ISSUE["number"]).first()
    if issue is None:
        magazine.refresh_from_db()
        issue = magazine.add_child(
            instance=MagazineIssuePage(**ISSUE, cover_image=cover_image_ensure(), locale=magazine.locale)
        )
        issue.save_revision().publish()

    domains = {domain.slug: domain for domain in LifeDomain.objects.all()}
    for article in ARTICLES:
        if MagazineArticlePage.objects.filter(slug=article["slug"]).exists():
            continue
        fields = {key: value for key, value in article.items() if key != "life_domains"}
        page = MagazineArticlePage(**fields, locale=issue.locale)
        page.life_domains.set([domains[slug] for slug in article["life_domains"] if slug in domains])
        issue.refresh_from_db()
        issue.add_child(instance=page)
        page.save_revision().publish()
    return magazine
