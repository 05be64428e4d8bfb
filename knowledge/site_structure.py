"""The pages every installation has: home, the knowledge hub and the two statements.

Created after `migrate` (and after the `flush` that transactional tests run, which also
sends post_migrate), only where missing, so editors' changes are never overwritten.
Demo content on top of this comes from `manage.py load_demo`.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail import hooks
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText

from samenhuis.start import SITE_SECTIONS

HOME_INTRO = (
    "Samenhuis is de online ontmoetingsplek van de Vlaamse en Brusselse Huizen van het Kind. "
    "Coördinatoren wisselen hier praktijken uit, regionale intervisiegroepen overleggen met elkaar "
    "en partners tonen wat ze voor gezinnen doen."
)

HOME_BODY = [
    ("heading", "Waarvoor kom je naar Samenhuis?"),
    (
        "highlights",
        [
            {
                "title": "Kennis die werkt",
                "text": "Praktijkvoorbeelden uit andere Huizen, per levensdomein geordend, met wat lukte "
                "en wat je beter anders aanpakt.",
                "link": None,
                "link_url": "/kennis/",
            },
            {
                "title": "Intervisie in je regio",
                "text": "Leg een vraag uit je werk voor aan collega-coördinatoren en denk samen na volgens "
                "een vaste methode, veilig en vertrouwelijk.",
                "link": None,
                "link_url": "/gemeenschap/",
            },
            {
                "title": "Netwerknamiddagen en vormingen",
                "text": "Schrijf je in voor wat er in je regio te doen is. Presentaties en verslagen blijven "
                "achteraf beschikbaar.",
                "link": None,
                "link_url": "/agenda/",
            },
        ],
    ),
    ("heading", "Voor wie?"),
    (
        "paragraph",
        RichText(
            "<p>Voor coördinatoren en trekkers van een Huis van het Kind, voor wie intervisiegroepen "
            "begeleidt, voor de redactie van het magazine en voor bovenlokale partners zoals het CAW en "
            "het CLB. Ouders vinden hier publieke informatie en het Huis van het Kind in hun buurt.</p>"
        ),
    ),
]

KNOWLEDGE_INTRO = (
    "Hier verzamelen we wat Huizen van het Kind van elkaar leren: praktijkvoorbeelden, "
    "artikels uit het magazine en het materiaal van netwerknamiddagen, geordend volgens de drie "
    "basispijlers en de levensdomeinen."
)

PRIVACY_INTRO = "Hoe Samenhuis omgaat met jouw gegevens. Deze tekst is een voorlopige versie."
PRIVACY_BODY = [
    (
        "paragraph",
        RichText(
            "<p><strong>Voorlopige tekst.</strong> De redactie vervangt deze pagina door de definitieve "
            "privacyverklaring.</p>"
            "<p>We bewaren zo weinig persoonsgegevens als mogelijk: je e-mailadres om aan te melden, de naam "
            "die je zelf kiest en de meldingen die voor jou bestemd zijn. Andere leden zien je weergavenaam, "
            "niet je e-mailadres; alleen de beheerders van het platform zien het.</p>"
            "<p>Wat we precies bewaren, waarom, hoe lang en wie het ziet, staat in het "
            '<a href="/privacy/verwerkingen/">register van verwerkingen</a>. Een kopie van al je gegevens '
            'vraag je op via <a href="/account/gegevens/">Je gegevens</a>; je account verwijder je zelf via '
            '<a href="/account/verwijderen/">Account verwijderen</a>. Je berichten blijven dan leesbaar onder '
            "„Verwijderde gebruiker”. Lukt iets niet, mail dan de beheerders: zij handelen je vraag binnen "
            "een maand af.</p>"
        ),
    ),
]

ACCESSIBILITY_INTRO = "Samenhuis wil voor iedereen bruikbaar zijn. Deze tekst is een voorlopige versie."
ACCESSIBILITY_BODY = [
    (
        "paragraph",
        RichText(
            "<p><strong>Voorlopige tekst.</strong> De redactie vervangt deze pagina door de definitieve "
            "toegankelijkheidsverklaring.</p>"
            "<p>We bouwen Samenhuis volgens de richtlijnen WCAG 2.1 niveau AA: alles werkt met het "
            "toetsenbord, ook zonder JavaScript, en elke pagina wordt automatisch gecontroleerd. Loop je "
            "toch vast? Laat het ons weten, dan zoeken we samen een oplossing.</p>"
        ),
    ),
]


def ensure_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        site_structure_ensure()


@transaction.atomic
def site_structure_ensure() -> Page:
    from .models import FooterLinks, HomePage, KnowledgeHubPage, StandardPage

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=locale)

    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own migration leaves a plain "Welcome" page; the site gets our home page instead.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(title="Samenhuis", slug="home", locale=locale, intro=HOME_INTRO, body=HOME_BODY)
        )
    site = Site.objects.filter(is_default_site=True).first()
    # Absolute URLs (sitemap, feeds, canonical links, e-mails from the CMS) start from BASE_URL.
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    hostname, port = base.hostname or "localhost", base.port or (443 if base.scheme == "https" else 80)
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Samenhuis")
    else:
        changes = {"root_page_id": home.pk}
        if settings.DEBUG:
            # Development: the site follows the address `make run` serves on (its HOST and PORT);
            # in production an administrator may have changed it in the CMS, so it stays.
            changes |= {"hostname": hostname, "port": port}
        changed = [name for name, value in changes.items() if getattr(site, name) != value]
        if changed:
            for name in changed:
                setattr(site, name, changes[name])
            site.save(update_fields=[name.removesuffix("_id") for name in changed])

    def child(slug, title, intro, body=(), page_class=StandardPage):
        page = StandardPage.objects.filter(slug=slug).first()
        if page is None:
            home.refresh_from_db()
            page = home.add_child(
                instance=page_class(title=title, slug=slug, locale=locale, intro=intro, body=list(body))
            )
        return page

    child("kennis", "Kennis", KNOWLEDGE_INTRO, page_class=KnowledgeHubPage)
    # The sections of higher apps (the agenda: events), after the knowledge hub, in the menu's order.
    for ensure in hooks.get_hooks(SITE_SECTIONS):
        home.refresh_from_db()
        ensure(home, locale)
    privacy = child("privacy", "Privacyverklaring", PRIVACY_INTRO, PRIVACY_BODY)
    accessibility = child("toegankelijkheid", "Toegankelijkheidsverklaring", ACCESSIBILITY_INTRO, ACCESSIBILITY_BODY)

    site = Site.objects.get(is_default_site=True)
    links = FooterLinks.for_site(site)
    if links.privacy_page_id is None or links.accessibility_page_id is None:
        links.privacy_page = links.privacy_page or privacy
        links.accessibility_page = links.accessibility_page or accessibility
        links.save()
    return home
