"""A page's view restrictions in one query, asked of the database on every request.

Wagtail asks, before it serves a page, for the view restrictions on the page and its ancestors:
one query for the ancestors (to resolve aliases to their source pages), one for the restrictions.
The ancestors' paths follow from the page's own `path` (treebeard's materialised path: the first
4, 8, 12, ... characters), so one query over those paths answers the same question, aliases
included: an alias on the path counts with its source page's restrictions, never its own.

Nothing is remembered between requests. Whether a page may be seen rests on the database alone,
so a restriction made anywhere (the CMS, a shell, a migration, a bulk insert that sends no
signal, another process) holds on the next request. Remembering per process whether any
restriction existed saved a query on most pages, but left a restriction made without a signal,
or in another process with the embedded cache, unenforced for up to ten minutes.
See docs/knowledge.md.
"""

from django.db.models import Q, QuerySet
from wagtail.models import Page, PageViewRestriction


def ancestor_paths(page: Page) -> list[str]:
    """The paths of the page's ancestors from the root down, and its own."""
    path, steplen = page.path or "", page.steplen
    return [path[:length] for length in range(steplen, len(path) + 1, steplen)]


def view_restrictions_for(page: Page) -> QuerySet[PageViewRestriction]:
    """The restrictions that apply to the page, as Wagtail's `Page.get_view_restrictions`."""
    paths = ancestor_paths(page)
    alias_sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of_id")
    return PageViewRestriction.objects.filter(
        Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page_id__in=alias_sources)
    )


class RememberedViewRestrictionsMixin:
    """For page models: `get_view_restrictions` in one query.

    The name is older than the behaviour (it remembered whether any restriction existed); it
    stays because the page models and events' first migration import it by this name.
    """

    def get_view_restrictions(self):
        return view_restrictions_for(self)
