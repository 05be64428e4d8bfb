"""The Wagtail site of a request, without a query on every request.

Wagtail looks the site up in the database on every request (`Site.find_for_request`, one query
with a CASE over the hostnames, about 3 ms on the 2-core machine). The sites change a few times
in an installation's life, so each process remembers the answer per host and port, under a
shared version (`samenhuis.versions`) that saving or deleting a site, moving or renaming any
page (a site's root page among them), or publishing a root page drops. `SiteMiddleware` hands
the answer to Wagtail, which reads `request._wagtail_site` before it would query.
"""

import copy

from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import page_published, page_slug_changed, post_page_move

from .versions import SharedVersion

SITES = SharedVersion("samenhuis:sites:version", timeout=600)
MAX_REMEMBERED_HOSTS = 64  # hosts are limited by ALLOWED_HOSTS; this bounds the memory anyway

_remembered: tuple[str | None, dict] = (None, {})


def site_for_request(request) -> Site | None:
    """Wagtail's answer for this request's host and port (None: no site matches)."""
    global _remembered
    version = SITES.current()
    if version is None or _remembered[0] != version:
        _remembered = (version, {})
    sites = _remembered[1]
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    if key not in sites:
        if len(sites) >= MAX_REMEMBERED_HOSTS:
            sites.clear()
        try:
            sites[key] = get_site_for_hostname(*key)
        except Site.DoesNotExist:
            sites[key] = None
    site = sites[key]
    return copy.copy(site) if site is not None else None


class SiteMiddleware:
    """Sets the remembered site on the request; after CommonMiddleware, so the host is allowed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = site_for_request(request)
        return self.get_response(request)


def _root_published(sender, instance, **kwargs):
    """A site's root page travels with the remembered site (breadcrumbs show its title)."""
    if instance.depth <= 2:
        SITES.bump()


post_save.connect(SITES.bump, sender=Site, dispatch_uid="sites-save")
page_published.connect(_root_published, dispatch_uid="sites-root-published")
post_delete.connect(SITES.bump, sender=Site, dispatch_uid="sites-delete")
post_page_move.connect(SITES.bump, dispatch_uid="sites-page-moved")
page_slug_changed.connect(SITES.bump, dispatch_uid="sites-page-slug")
