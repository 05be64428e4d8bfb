"""View restrictions without two queries on every page.

Wagtail asks, before it serves any page, for the view restrictions on the page and its ancestors
(two queries). Most installations have none at all, and they change rarely; so each process
remembers whether any exist, under a shared version (`samenhuis.versions`) that saving or
deleting a restriction drops. While there are none, a page answers "none" without asking; as
soon as there is one, every page asks Wagtail's way again.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction

from samenhuis.versions import SharedVersion

RESTRICTIONS = SharedVersion("knowledge:view-restrictions:version", timeout=600)
_remembered: tuple[str | None, bool] = (None, True)


def any_view_restrictions() -> bool:
    global _remembered
    version = RESTRICTIONS.current()
    if version is None:
        return True  # no cache: ask every time
    if _remembered[0] != version:
        _remembered = (version, PageViewRestriction.objects.exists())
    return _remembered[1]


class RememberedViewRestrictionsMixin:
    """For page models: Wagtail's `get_view_restrictions`, skipped while no restriction exists."""

    def get_view_restrictions(self):
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


post_save.connect(RESTRICTIONS.bump, sender=PageViewRestriction, dispatch_uid="view-restrictions-saved")
post_delete.connect(RESTRICTIONS.bump, sender=PageViewRestriction, dispatch_uid="view-restrictions-deleted")
