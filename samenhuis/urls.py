from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .files import public_media
from .health import healthz
from .sitemaps import robots_txt, sitemap

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # Wagtail's own login form would bypass allauth's verification, 2FA and rate limits.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
    path("gemeenschap/", include("community.urls")),
    path("gemeenschap/", include("rooms.urls")),
    path("agenda/", include("events.urls")),
    path("intervisie/", include("intervision.urls")),
    path("uitwisseling/", include("exchange.urls")),
    path("zoeken/", include("search.urls")),
    path("", include("privacy.urls")),
    path("feeds/", include("knowledge.feeds")),
    path("kennis/", include("knowledge.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]

# Public uploads only (samenhuis/files.py); answered when SAMENHUIS_SERVE_MEDIA is on.
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", public_media, name="public_media"))
urlpatterns.append(path("", include(wagtail_urls)))

# In the site's layout and in Dutch; for a POST with the person's text to copy (samenhuis/errors.py).
handler400 = "samenhuis.errors.bad_request"
handler403 = "samenhuis.errors.permission_denied"
handler404 = "samenhuis.errors.page_not_found"
handler500 = "samenhuis.errors.server_error"
