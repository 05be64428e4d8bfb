"""Demo knowledge content for `manage.py load_demo`: the practice listing, a page per life
domain and a dozen published practices, all written by us in Dutch.

Idempotent: pages are matched by slug (life-domain pages by their domain) and only created
where missing, so editors' changes to demo pages survive a second run.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.rich_text import RichText

from community.models import Municipality, Organisation

from .models import (
    LifeDomain,
    LifeDomainPage,
    Pillar,
    PracticeIndexPage,
    PracticePage,
    StandardPage,
    TargetGroup,
    Theme,
)

PRACTICE_INDEX_INTRO = (
    "Wat werkt in het ene Huis van het Kind, kan een ander Huis op weg helpen. Filter de voorbeelden "
    "op levensdomein, pijler, doelgroep of regio en neem gerust contact op met wie het uitwerkte."
)

LIFE_DOMAIN_INTROS = {
    "gezondheid": "Een gezonde start begint vóór de geboorte. Hier vind je hoe Huizen van het Kind "
    "preventieve zorg, voeding en beweging dicht bij gezinnen brengen.",
    "ouderschaps-en-opvoedingsondersteuning": "Elke ouder heeft af en toe een vraag over opvoeden. "
    "Huizen van het Kind bieden een luisterend oor, informatie en begeleiding op maat, van kleine "
    "twijfels tot moeilijke periodes.",
    "sociale-cohesie": "Gezinnen die elkaar kennen, vangen elkaar op. Dit domein gaat over plekken en "
    "initiatieven waar ouders en kinderen elkaar ontmoeten en een netwerk opbouwen.",
    "onderwijs": "School is meer dan leren rekenen en lezen. Samen met scholen zorgen Huizen van het "
    "Kind voor een vlotte overgang naar de kleuterklas en een goede band tussen ouders en school.",
    "kinderopvang": "Kinderopvang ondersteunt ouders en geeft kinderen kansen. We verzamelen hier hoe "
    "Huizen van het Kind de weg naar opvang korter maken, ook voor wie die weg niet vanzelf vindt.",
    "mentaal-welbevinden": "Opgroeien en opvoeden vragen veerkracht. Hier lees je hoe lokale netwerken "
    "stress vroeg opmerken en ouders en kinderen sterker maken, rond de geboorte en daarna.",
    "cultuur-jeugd-en-sport": "Spelen, sporten en cultuur beleven horen bij elke kindertijd. Dit domein "
    "toont hoe Huizen van het Kind drempels naar vrije tijd verlagen, samen met jeugdwerk en bibliotheek.",
    "socio-economische-determinanten": "Wonen, werk en inkomen bepalen mee hoe kinderen opgroeien. Hier "
    "staan aanpakken die armoede aanpakken en gezinnen helpen hun rechten te kennen en op te nemen.",
    "jeugdhulp": "Wanneer het moeilijk wordt, telt snelle en nabije hulp. Dit domein gaat over vroeg "
    "signaleren, laagdrempelige hulp en een goede doorverwijzing zonder dat gezinnen hun verhaal telkens "
    "opnieuw moeten doen.",
    "praktische-ondersteuning": "Soms helpt een paar extra handen het meest. Hier vind je kraamzorg, "
    "gezinszorg en materiële hulp die jonge gezinnen door een drukke periode loodsen.",
}


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


# Each practice: slug, title, house (demo organisation name), NIS codes, life domains, pillars,
# themes, target groups, offer level, started (year, month), fields in Dutch, days since publication.
PRACTICES = [
    {
        "slug": "babyborrel-geel",
        "title": "Babyborrel voor nieuwe ouders",
        "house": "Huis van het Kind Geel (demo)",
        "nis": ["13008"],
        "domains": ["gezondheid", "sociale-cohesie"],
        "pillars": ["preventieve-gezondheidszorg", "ontmoeting-en-sociale-cohesie"],
        "themes": ["borstvoeding", "ontmoetingsplekken"],
        "groups": ["0-3-jaar", "ouders-en-opvoedingsverantwoordelijken"],
        "offer": "basic",
        "started": (2022, 9),
        "summary": "Elke maand nodigen we ouders van een baby jonger dan zes maanden uit voor een informele "
        "borrel met een vroedvrouw en een medewerker van het consultatiebureau.",
        "context": _p(
            "Jonge ouders in Geel vertelden ons dat de eerste maanden eenzaam kunnen voelen, zeker voor wie "
            "geen familie in de buurt heeft."
        ),
        "approach": _p(
            "We sturen een uitnodiging mee met het eerste huisbezoek. De borrel vindt plaats op "
            "zaterdagvoormiddag, zodat ook werkende ouders kunnen komen. Er is koffie, een speelhoek en "
            "telkens één kort gesprek over een thema dat de ouders zelf kiezen."
        ),
        "results": _p(
            "Gemiddeld komen er twaalf gezinnen. Een derde van hen spreekt elkaar daarna ook buiten de borrel af."
        ),
        "lessons": _p(
            "Houd het thema klein en laat ouders vooral met elkaar praten. Een vaste dag in de maand werkt "
            "beter dan wisselende data."
        ),
        "contact": ("An Peeters", "coordinator@samenhuis.test"),
        "days_ago": 5,
        "body": [
            ("key_figure", {"figure": "12", "label": "gezinnen per borrel, gemiddeld", "source": ""}),
            (
                "tip",
                {
                    "title": "Tip",
                    "text": RichText("<p>Vraag een vader om mee te organiseren: dan komen er meer vaders.</p>"),
                },
            ),
        ],
    },
    {
        "slug": "opvoedingswinkel-op-wieltjes",
        "title": "Opvoedingswinkel op wieltjes",
        "house": "Huis van het Kind Middenkempen (demo)",
        "nis": ["13011", "13017"],
        "domains": ["ouderschaps-en-opvoedingsondersteuning"],
        "pillars": ["opvoedingsondersteuning"],
        "themes": ["opvoedingswinkel", "opvoedingsvragen"],
        "groups": ["ouders-en-opvoedingsverantwoordelijken", "3-6-jaar"],
        "offer": "basic",
        "started": (2021, 4),
        "summary": "Een omgebouwde bestelwagen brengt de opvoedingswinkel naar markten, schoolpoorten en "
        "speelpleinen in Herentals en Kasterlee.",
        "context": _p(
            "In landelijke deelgemeenten vinden ouders de weg naar de opvoedingswinkel in het centrum "
            "moeilijk. Het openbaar vervoer rijdt er weinig."
        ),
        "approach": _p(
            "Twee opvoedingsondersteuners rijden op vaste momenten rond. Ze hebben boekjes, spelmateriaal "
            "en tijd voor een gesprek bij. Wie meer nodig heeft, krijgt een afspraak aan huis."
        ),
        "results": _p(
            "In het eerste jaar spraken we 640 ouders aan, van wie de helft nog nooit bij de opvoedingswinkel "
            "was geweest."
        ),
        "lessons": _p("Kondig de route aan via de scholen en de gemeentelijke nieuwsbrief, niet alleen online."),
        "partners": ["CAW Kempen (demo)"],
        "contact": ("Joke Van Dyck", ""),
        "days_ago": 12,
    },
    {
        "slug": "ouders-in-scheiding-hasselt",
        "title": "Praatgroep voor ouders in scheiding",
        "house": "Huis van het Kind Hasselt (demo)",
        "nis": ["71072"],
        "domains": ["ouderschaps-en-opvoedingsondersteuning", "mentaal-welbevinden"],
        "pillars": ["opvoedingsondersteuning"],
        "themes": ["ouders-in-scheiding", "stress-bij-ouders"],
        "groups": ["ouders-en-opvoedingsverantwoordelijken", "6-12-jaar"],
        "offer": "supplementary",
        "started": (2023, 1),
        "summary": "Zes avonden waarop ouders in een scheiding onder begeleiding ervaringen delen over hoe ze "
        "hun kinderen buiten het conflict houden.",
        "context": _p("Ouders in scheiding zoeken vaak pas hulp wanneer de spanningen al hoog opgelopen zijn."),
        "approach": _p(
            "Een psycholoog en een ervaringsdeskundige begeleiden samen een groep van hoogstens tien ouders. "
            "Elke avond heeft een thema, zoals communiceren met de ex-partner of nieuwe gezinsvormen."
        ),
        "results": _p("Deelnemers zeggen dat ze rustiger met hun kinderen over de scheiding kunnen praten."),
        "lessons": _p("Laat beide ouders niet in dezelfde groep deelnemen; bied hen elk een andere reeks aan."),
        "contact": ("Lotte Claes", "lotte.claes@example.org"),
        "days_ago": 20,
    },
    {
        "slug": "brugfiguur-kleuterinstap-gent",
        "title": "Brugfiguren bij de instap in de kleuterklas",
        "house": "Huis van het Kind Gent (demo)",
        "nis": ["44021"],
        "domains": ["onderwijs"],
        "pillars": ["opvoedingsondersteuning", "ontmoeting-en-sociale-cohesie"],
        "themes": ["instap-in-de-kleuterklas", "brugfiguren", "ouderbetrokkenheid"],
        "groups": ["3-6-jaar", "ouders-en-opvoedingsverantwoordelijken"],
        "offer": "basic",
        "started": (2020, 9),
        "summary": "Brugfiguren gaan op huisbezoek bij gezinnen van wie de peuter binnenkort naar school gaat "
        "en begeleiden de eerste schooldagen mee.",
        "context": _p("Sommige kinderen starten pas laat in de kleuterklas, vaak omdat ouders de school niet kennen."),
        "approach": _p(
            "Brugfiguren van vijf scholen bellen aan bij gezinnen, tonen foto's van de klas en nodigen uit "
            "voor een doe-moment op school. Op de eerste schooldag staan ze aan de poort."
        ),
        "results": _p("Meer kinderen starten op hun eerste instapdatum en ouders spreken de juf sneller aan."),
        "lessons": _p("Werk met tolken of sleutelfiguren uit de buurt: een vertrouwd gezicht opent deuren."),
        "contact": ("Yasmina El Idrissi", ""),
        "days_ago": 33,
    },
    {
        "slug": "occasionele-opvang-brugge",
        "title": "Occasionele opvang voor sollicitaties en opleiding",
        "house": "Huis van het Kind Brugge (demo)",
        "nis": ["31005"],
        "domains": ["kinderopvang", "socio-economische-determinanten"],
        "pillars": ["ontmoeting-en-sociale-cohesie"],
        "themes": ["occasionele-opvang", "inkomen-en-werk"],
        "groups": ["0-3-jaar", "3-6-jaar"],
        "offer": "supplementary",
        "started": (2022, 2),
        "summary": "Ouders die een sollicitatiegesprek, cursus of afspraak hebben, kunnen hun kind op korte termijn "
        "enkele uren in een kinderopvang laten opvangen.",
        "context": _p("Wie werk zoekt, heeft vaak geen vaste opvang en kan daardoor niet op een gesprek ingaan."),
        "approach": _p(
            "Drie kinderopvanglocaties houden samen elke dag twee plaatsen vrij. Het gezinsloket van het Huis "
            "boekt de plaats en regelt een kennismaking."
        ),
        "results": _p("In twee jaar maakten 180 gezinnen er gebruik van; 40 ouders vonden intussen werk."),
        "lessons": _p("Een korte kennismaking vooraf maakt het afscheid voor kind en ouder veel lichter."),
        "contact": ("Pieter Desmet", "pieter.desmet@example.org"),
        "days_ago": 41,
    },
    {
        "slug": "perinataal-netwerk-schaarbeek",
        "title": "Perinataal netwerk rond kwetsbare zwangere vrouwen",
        "house": "Huis van het Kind Schaarbeek (demo)",
        "nis": ["21015"],
        "domains": ["mentaal-welbevinden", "gezondheid"],
        "pillars": ["preventieve-gezondheidszorg"],
        "themes": ["perinatale-mentale-gezondheid", "consultatiebureau"],
        "groups": ["aanstaande-ouders"],
        "offer": "supplementary",
        "started": (2021, 10),
        "summary": "Vroedvrouwen, huisartsen en het consultatiebureau overleggen maandelijks over zwangere vrouwen "
        "die extra steun nodig hebben, met hun toestemming.",
        "context": _p(
            "Zwangere vrouwen zonder netwerk of met psychische kwetsbaarheid vallen tussen de mazen van de zorg."
        ),
        "approach": _p(
            "Eén vaste contactpersoon volgt de vrouw op van de zwangerschap tot het kind een jaar is. Het "
            "netwerkoverleg verdeelt wie wat doet."
        ),
        "results": _p(
            "Minder vrouwen missen prenatale consultaties en de overgang naar het consultatiebureau loopt vlot."
        ),
        "lessons": _p("Leg vooraf op papier vast welke informatie partners mogen delen."),
        "contact": ("Sara Janssens", ""),
        "days_ago": 55,
    },
    {
        "slug": "vrijetijdspas-kempen",
        "title": "Eén vrijetijdspas voor elk kind",
        "house": "Huis van het Kind Middenkempen (demo)",
        "nis": ["13011"],
        "domains": ["cultuur-jeugd-en-sport", "socio-economische-determinanten"],
        "pillars": ["ontmoeting-en-sociale-cohesie"],
        "themes": ["vrije-tijd-voor-elk-kind", "kinderarmoede", "jeugdwerk"],
        "groups": ["6-12-jaar", "12-18-jaar"],
        "offer": "supplementary",
        "started": (2019, 6),
        "summary": "Gezinnen met een laag inkomen krijgen een pas met korting op sportclubs, jeugdbewegingen, "
        "de academie en kampen; het Huis helpt bij het inschrijven.",
        "context": _p("Lidgeld en materiaal houden kinderen weg uit clubs, ook als ouders dat graag anders zien."),
        "approach": _p(
            "De gemeente, het OCMW en de verenigingen spraken één kortingstarief af. Medewerkers van het Huis "
            "gaan mee naar de eerste training als een kind dat wil."
        ),
        "results": _p("Het aantal kinderen met de pas dat bij een club is aangesloten, verdubbelde op drie jaar."),
        "lessons": _p("Vraag clubs om een vast aanspreekpunt; dan voelen gezinnen zich sneller welkom."),
        "partners": ["CAW Kempen (demo)"],
        "contact": ("Joke Van Dyck", ""),
        "days_ago": 70,
    },
    {
        "slug": "voorleesmoment-bibliotheek-hasselt",
        "title": "Voorleesmomenten in de bibliotheek en het consultatiebureau",
        "house": "Huis van het Kind Hasselt (demo)",
        "nis": ["71072"],
        "domains": ["cultuur-jeugd-en-sport", "onderwijs"],
        "pillars": ["opvoedingsondersteuning", "ontmoeting-en-sociale-cohesie"],
        "themes": ["samenwerking-met-de-bibliotheek"],
        "groups": ["0-3-jaar", "3-6-jaar"],
        "offer": "basic",
        "started": (2018, 3),
        "summary": "Vrijwilligers lezen voor in de wachtzaal van het consultatiebureau en nodigen gezinnen uit "
        "voor een wekelijks voorleesuur in de bibliotheek.",
        "context": _p("Veel ouders weten niet dat voorlezen aan baby's de taalontwikkeling stimuleert."),
        "approach": _p(
            "Bij elke consultatie krijgen ouders een boekje mee. In de bibliotheek kiezen ze samen met een "
            "bibliothecaris nieuwe boeken."
        ),
        "results": _p("Het aantal jonge leden van de bibliotheek steeg met een vijfde."),
        "lessons": _p("Kies boeken in meerdere talen; ouders lezen het liefst voor in hun eigen taal."),
        "contact": ("Lotte Claes", ""),
        "days_ago": 90,
    },
    {
        "slug": "buddywerking-gent",
        "title": "Buddy's voor gezinnen die nieuw zijn in de stad",
        "house": "Huis van het Kind Gent (demo)",
        "nis": ["44021"],
        "domains": ["sociale-cohesie"],
        "pillars": ["ontmoeting-en-sociale-cohesie"],
        "themes": ["buddywerking", "netwerk-rond-het-gezin"],
        "groups": ["ouders-en-opvoedingsverantwoordelijken"],
        "offer": "supplementary",
        "started": (2022, 11),
        "summary": "Een vrijwillige buddy trekt een half jaar op met een gezin dat net naar Gent verhuisde en "
        "wijst de weg naar school, opvang en vrije tijd.",
        "context": _p("Nieuwkomers kennen het aanbod voor gezinnen niet en hebben weinig mensen om raad te vragen."),
        "approach": _p(
            "We koppelen gezinnen en buddy's op basis van taal en interesses. Elke maand komen alle buddy's "
            "samen voor intervisie."
        ),
        "results": _p("Na zes maanden kennen de gezinnen gemiddeld vier diensten bij naam."),
        "lessons": _p("Een duidelijk einde na zes maanden voorkomt dat vrijwilligers overbelast raken."),
        "contact": ("Yasmina El Idrissi", "yasmina@example.org"),
        "days_ago": 110,
    },
    {
        "slug": "vroeg-signaleren-kinderopvang-brugge",
        "title": "Kinderopvang als vindplaats voor vroege hulp",
        "house": "Huis van het Kind Brugge (demo)",
        "nis": ["31005"],
        "domains": ["jeugdhulp", "kinderopvang"],
        "pillars": ["opvoedingsondersteuning"],
        "themes": ["vroeg-signaleren", "kinderopvang-als-vindplaats", "laagdrempelige-hulp"],
        "groups": ["0-3-jaar"],
        "offer": "supplementary",
        "started": (2023, 5),
        "summary": "Kinderbegeleiders leren zorgen bij gezinnen vroeg herkennen en kunnen rechtstreeks een "
        "gezinscoach van het Huis inschakelen.",
        "context": _p(
            "Kinderbegeleiders zien gezinnen dagelijks, maar weten vaak niet waar ze met een zorg heen kunnen."
        ),
        "approach": _p(
            "Na een korte opleiding bespreken begeleiders een zorg met de ouder en bellen samen de gezinscoach. "
            "Binnen een week volgt een gesprek in de opvang zelf."
        ),
        "results": _p("Hulp start gemiddeld twee maanden vroeger dan voordien."),
        "lessons": _p("Bespreek altijd eerst met de ouder; zonder hun akkoord wordt het wantrouwen groter."),
        "contact": ("Pieter Desmet", ""),
        "days_ago": 130,
    },
    {
        "slug": "kraampakket-schaarbeek",
        "title": "Kraampakket en huisbezoek na de bevalling",
        "house": "Huis van het Kind Schaarbeek (demo)",
        "nis": ["21015"],
        "domains": ["praktische-ondersteuning", "gezondheid"],
        "pillars": ["preventieve-gezondheidszorg"],
        "themes": ["kraamzorg", "materiele-hulp-voor-jonge-gezinnen"],
        "groups": ["aanstaande-ouders", "0-3-jaar"],
        "offer": "basic",
        "started": (2020, 1),
        "summary": "Elk gezin met een pasgeborene krijgt een kraampakket met luiers, een slaapzak en informatie "
        "over het aanbod in de buurt, persoonlijk gebracht bij een huisbezoek.",
        "context": _p("Na de bevalling is er veel te regelen en weten ouders niet bij wie ze terechtkunnen."),
        "approach": _p(
            "Een medewerker brengt het pakket binnen de drie weken na de geboorte en neemt de tijd voor vragen. "
            "Partners leveren de inhoud."
        ),
        "results": _p("Negen op de tien gezinnen laten de medewerker binnen; velen komen daarna naar het Huis."),
        "lessons": _p("Het pakket is de aanleiding, het gesprek is het doel: plan er genoeg tijd voor."),
        "contact": ("Sara Janssens", ""),
        "days_ago": 150,
    },
    {
        "slug": "rechtenverkenning-geel",
        "title": "Rechtenverkenning aan het gezinsloket",
        "house": "Huis van het Kind Geel (demo)",
        "nis": ["13008"],
        "domains": ["socio-economische-determinanten", "praktische-ondersteuning"],
        "pillars": ["ontmoeting-en-sociale-cohesie", "opvoedingsondersteuning"],
        "themes": ["rechtenverkenning", "huisvesting"],
        "groups": ["ouders-en-opvoedingsverantwoordelijken"],
        "offer": "supplementary",
        "started": (2021, 1),
        "summary": "Aan het gezinsloket overlopen we samen met ouders op welke toelagen, kortingen en premies "
        "ze recht hebben, en helpen we bij de aanvraag.",
        "context": _p("Gezinnen laten geld liggen omdat regels ingewikkeld zijn en elk loket iets anders vraagt."),
        "approach": _p(
            "Met een vaste vragenlijst verkennen we in één gesprek alle rechten. Het CAW neemt de complexe "
            "dossiers over, zonder dat het gezin opnieuw moet beginnen."
        ),
        "results": _p("Gemiddeld vinden we per gezin twee rechten die nog niet werden opgenomen."),
        "lessons": _p("Plan een tweede afspraak in; één gesprek is zelden genoeg om alles af te ronden."),
        "partners": ["CAW Kempen (demo)"],
        "contact": ("An Peeters", "coordinator@samenhuis.test"),
        "days_ago": 170,
    },
    {
        "slug": "jongerenpunt-hasselt",
        "title": "Inloop voor jonge ouders tot 24 jaar",
        "house": "Huis van het Kind Hasselt (demo)",
        "nis": ["71072"],
        "domains": ["jeugdhulp", "ouderschaps-en-opvoedingsondersteuning"],
        "pillars": ["opvoedingsondersteuning", "ontmoeting-en-sociale-cohesie"],
        "themes": ["laagdrempelige-hulp", "beleving-van-het-ouderschap"],
        "groups": ["18-24-jaar", "0-3-jaar"],
        "offer": "supplementary",
        "started": (2022, 3),
        "summary": "Een wekelijkse inloop voor ouders jonger dan 24 jaar, met een jeugdhulpverlener en een "
        "opvoedingsondersteuner die tijd maken voor elke vraag.",
        "context": _p("Jonge ouders voelen zich bekeken in het gewone aanbod en haken snel af."),
        "approach": _p(
            "De inloop vindt plaats in het jeugdhuis, niet in een kantoor. Er is eten, opvang voor de kinderen "
            "en geen verplichte agenda."
        ),
        "results": _p("Een vaste groep van vijftien jonge ouders komt elke week terug."),
        "lessons": _p("Laat jonge ouders zelf mee bepalen wat er gebeurt; zo blijven ze komen."),
        "contact": ("Lotte Claes", ""),
        "days_ago": 200,
    },
]


def _by_slug(model, slugs):
    found = {term.slug: term for term in model.objects.filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


@transaction.atomic
def knowledge_demo_ensure() -> None:
    """The practice listing, one page per life domain and the demo practices, where missing."""
    from community.demo import demo_accounts_ensure, demo_community_ensure

    if not Organisation.objects.filter(name="Huis van het Kind Geel (demo)").exists():
        demo_accounts_ensure()
        demo_community_ensure()
    knowledge = StandardPage.objects.get(slug="kennis", depth=3)

    index = PracticeIndexPage.objects.first()
    if index is None:
        index = knowledge.add_child(
            instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken", intro=PRACTICE_INDEX_INTRO)
        )
        index.save_revision().publish()

    for domain in LifeDomain.objects.all():
        if LifeDomainPage.objects.filter(life_domain=domain).exists():
            continue
        knowledge.refresh_from_db()
        page = knowledge.add_child(
            instance=LifeDomainPage(
                title=domain.name,
                slug=domain.slug,
                life_domain=domain,
                intro=LIFE_DOMAIN_INTROS.get(domain.slug, ""),
            )
        )
        page.save_revision().publish()

    existing = set(PracticePage.objects.values_list("slug", flat=True))
    now = timezone.now()
    for item in PRACTICES:
        if item["slug"] in existing:
            continue
        contact_name, contact_email = item["contact"]
        practice = PracticePage(
            title=item["title"],
            slug=item["slug"],
            summary=item["summary"],
            context=item["context"],
            approach=item["approach"],
            results=item["results"],
            lessons=item["lessons"],
            body=item.get("body", []),
            house=Organisation.objects.filter(name=item["house"]).first(),
            contact_name=contact_name,
            contact_email=contact_email,
            offer_level=item["offer"],
            started_on=datetime.date(*item["started"], 1),
            first_published_at=now - datetime.timedelta(days=item["days_ago"]),
        )
        practice.municipalities = list(Municipality.objects.filter(nis_code__in=item["nis"]))
        practice.partners = list(Organisation.objects.filter(name__in=item.get("partners", [])))
        practice.life_domains = _by_slug(LifeDomain, item["domains"])
        practice.pillars = _by_slug(Pillar, item["pillars"])
        practice.themes = _by_slug(Theme, item["themes"])
        practice.target_groups = _by_slug(TargetGroup, item["groups"])
        index.refresh_from_db()
        index.add_child(instance=practice)
        practice.save_revision().publish()
