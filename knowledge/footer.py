"""The footer's links to the privacy and accessibility statements, without a query per page.

Every page renders them; Wagtail's site setting costs a query (and two page URLs) each time. The
addresses change only when an editor picks other pages or a page's address changes, so they are
remembered per site under a shared version (`samenhuis.versions`) that those changes drop:
saving or deleting the setting; publishing, unpublishing, moving, renaming or deleting a page.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from samenhuis.versions import SharedVersion

from .models import FooterLinks

FOOTER = SharedVersion("knowledge:footer:version", timeout=600)


def footer_links(request) -> dict[str, str]:
    """{"privacy": url, "accessibility": url} for the request's site; a missing or unpublished
    statement is left out."""
    site = Site.find_for_request(request)
    if site is None:
        return {}
    version = FOOTER.current()
    key = f"knowledge:footer:{version}:{site.pk}"
    links = cache.get(key) if version else None
    if links is None:
        setting = FooterLinks.for_site(site)
        pages = {"privacy": setting.privacy_page, "accessibility": setting.accessibility_page}
        links = {name: page.get_url(request) for name, page in pages.items() if page is not None and page.live}
        if version:
            cache.set(key, links, FOOTER.timeout)
    return links


def context(request) -> dict:
    """Context processor: `footer_links`, looked up only when a template shows it."""
    return {"footer_links": SimpleLazyObject(lambda: footer_links(request))}


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        FOOTER.bump()


for _signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
    _signal.connect(FOOTER.bump, dispatch_uid=f"footer-{id(_signal)}")
post_delete.connect(_page_deleted, dispatch_uid="footer-page-deleted")
post_save.connect(FOOTER.bump, sender=FooterLinks, dispatch_uid="footer-setting-saved")
post_delete.connect(FOOTER.bump, sender=FooterLinks, dispatch_uid="footer-setting-deleted")
