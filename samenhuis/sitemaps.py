"""The sitemap (/sitemap.xml) and robots.txt: what crawlers may read, and where to find it.

The sitemap lists every page anyone may read without an account: the live, public Wagtail pages
(knowledge, magazine, the agenda and its events; a page with a view restriction is left out by
Wagtail's `public()`), the organisations' directory pages, and the exchange's public offers that
are still valid. Pages for members only (groups, rooms, sessions, needs, members-only offers,
profiles) are never listed. Every address starts from the Wagtail site's root URL (BASE_URL), as
the pages' canonical links do, whatever host the request came in on.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.models import Site

# Areas without public content: the CMS, accounts, search (endless query pages), the members'
# pages of the community, the rooms and the sessions, personal agenda feeds, and the exchange's
# needs, roadmaps and forms. `Allow` keeps the public pages inside them crawlable (RFC 9309: the
# longest matching rule wins; `$` ends a path, `*` matches any characters).
ROBOTS_RULES = [
    ("Disallow", "/cms/"),
    ("Disallow", "/accounts/"),
    ("Disallow", "/i18n/"),
    ("Disallow", "/healthz"),
    ("Disallow", "/zoeken/"),
    ("Disallow", "/gemeenschap/"),
    ("Allow", "/gemeenschap/$"),
    ("Allow", "/gemeenschap/organisaties/"),
    ("Disallow", "/intervisie/"),
    ("Disallow", "/agenda/mijn/"),
    ("Disallow", "/agenda/kalender/"),
    ("Disallow", "/agenda/groepen/"),
    ("Disallow", "/agenda/*/inschrijven/"),
    ("Disallow", "/agenda/*/annuleren/"),
    ("Disallow", "/agenda/*/deelnemers"),
    ("Disallow", "/kennis/delen/"),
    ("Disallow", "/kennis/mijn-bijdragen/"),
    ("Disallow", "/uitwisseling/"),
    ("Allow", "/uitwisseling/$"),
    ("Allow", "/uitwisseling/aanbod/"),
    ("Disallow", "/uitwisseling/aanbod/nieuw/"),
    ("Disallow", "/uitwisseling/aanbod/*/bewerken/"),
]
ROBOTS_MAX_AGE = 60 * 60 * 24


def site_for(request) -> Site:
    return Site.find_for_request(request) or Site.objects.select_related("root_page").get(is_default_site=True)


class SiteAddressSitemap(Sitemap):
    """A sitemap of objects with `get_absolute_url`, its addresses on the Wagtail site's root URL."""

    def __init__(self, request=None):
        self.request = request
        self.root = urlsplit(site_for(request).root_url)

    def get_protocol(self, protocol=None):
        return self.root.scheme

    def get_domain(self, site=None):
        return self.root.netloc

    def lastmod(self, item):
        return item.updated_at


class OrganisationSitemap(SiteAddressSitemap):
    """Every organisation's directory page: public for everyone (community/views/directory.py)."""

    def items(self):
        from community.models import Organisation

        return Organisation.objects.order_by("slug").only("slug", "updated_at")


class OfferSitemap(SiteAddressSitemap):
    """The exchange's offers an anonymous visitor may read and that lists still show."""

    def items(self):
        from django.contrib.auth.models import AnonymousUser

        from exchange import permissions, selectors

        offers = permissions.offers_visible_to(AnonymousUser())
        return selectors.offers_valid(offers).order_by("pk").only("pk", "updated_at")


@require_safe
def sitemap(request):
    sections = {
        "pages": PageSitemap(request),
        "organisations": OrganisationSitemap(request),
        "offers": OfferSitemap(request),
    }
    return sitemap_views.sitemap(request, sections)


@require_safe
@cache_control(public=True, max_age=ROBOTS_MAX_AGE)
def robots_txt(request):
    lines = ["User-agent: *", *(f"{rule}: {path}" for rule, path in ROBOTS_RULES)]
    lines += ["", f"Sitemap: {site_for(request).root_url}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
