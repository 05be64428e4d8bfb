"""Which practices a list shows, remembered until the set of published practices changes.

The filtered, counted, sorted query behind the listing is the most expensive part of the
knowledge pages (10-20 ms with 10,000 practices, docs/performance.md), and its answer, a count
and a dozen ids, only changes when practices or places change. So the answer is kept in the
cache under the version of "the practices", and every write that can change an answer drops the
version (`samenhuis.versions`): a practice saved, published, unpublished, moved or deleted; a
view restriction; an organisation saved or deleted; a region's municipalities or an organisation's areas set. The
pages themselves are always read fresh, by id, so titles and summaries are never stale; a change
that sends no signal at all (raw SQL) shows after at most ten minutes.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from community.models import Organisation, Region
from community.services.places import places_changed
from samenhuis.versions import SharedVersion

from .models import PracticePage

T = TypeVar("T")

PRACTICES = SharedVersion("knowledge:practices:version", timeout=600)


def remembered(name: str, parts, compute: Callable[[], T]) -> T:
    """`compute()`, or its earlier answer for the same name and parts under the current version."""
    version = PRACTICES.current()
    if version is None:
        return compute()
    key = f"knowledge:{name}:{version}:" + ":".join(str(part) for part in parts)
    answer = cache.get(key)
    if answer is None:
        answer = compute()
        cache.set(key, answer, PRACTICES.timeout)
    return answer


_PRACTICE_SIGNALS = {
    "save": post_save,
    "delete": post_delete,
    "published": page_published,
    "unpublished": page_unpublished,
}
for _name, _signal in _PRACTICE_SIGNALS.items():
    _signal.connect(PRACTICES.bump, sender=PracticePage, dispatch_uid=f"practices-{_name}")
# Any move: moving the listing or a section above it (into a members-only part, say) moves practices.
post_page_move.connect(PRACTICES.bump, dispatch_uid="practices-moved")
for _model in (PageViewRestriction, Organisation):
    post_save.connect(PRACTICES.bump, sender=_model, dispatch_uid=f"practices-save-{_model.__name__}")
    post_delete.connect(PRACTICES.bump, sender=_model, dispatch_uid=f"practices-delete-{_model.__name__}")
post_delete.connect(PRACTICES.bump, sender=Region, dispatch_uid="practices-delete-Region")
places_changed.connect(PRACTICES.bump, dispatch_uid="practices-places")
