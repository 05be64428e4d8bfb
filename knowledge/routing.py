"""Routing an address to its page in two queries, whatever its depth.

Wagtail routes one level at a time: for /kennis/praktijken/een-praktijk/ it asks the database
for the child with each slug and then for that child's specific page, two queries per level
(about 2.5 ms of ORM work each on the 2-core machine, docs/performance.md). The site root
uses `ShortcutRouteMixin` instead: one query finds every page on the path by slug (the slug
column is indexed), the walk happens in Python, and one query loads the specific page at the
end. The walk stops at any page whose class routes on its own (a RoutablePageMixin page, say)
and hands it the rest of the path, so custom routing keeps working exactly as before; the page
at the end of the path still decides with its own `route()` (live or 404).

The pages walked through are kept on the result as `route_ancestors`, so the breadcrumbs do not
ask the database for them again. A page class may name `route_select_related` (foreign keys
its template always shows) to have them joined into that last query.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page

# What the walk and the breadcrumbs need of a page on the way; the rest stays in the database.
WALK_FIELDS = ("id", "path", "depth", "slug", "title", "url_path", "content_type_id", "live", "locale_id")


def routes_like_page(page_class) -> bool:
    """Whether a page class leaves routing to Wagtail's default (children by slug)."""
    return getattr(page_class, "route", None) is Page.route


def route_ancestors(page) -> list:
    """The ancestors of a page, outermost first: the ones routing walked through (from the site
    root down), else all of them from the database."""
    ancestors = getattr(page, "route_ancestors", None)
    return ancestors if ancestors is not None else list(page.get_ancestors())


def _page_class(page):
    return ContentType.objects.get_for_id(page.content_type_id).model_class()


class ShortcutRouteMixin:
    """For the site root page: route a whole path in two queries instead of two per level."""

    def route(self, request, path_components):
        if not path_components:
            # This object may come remembered with the site (samenhuis/sites.py) and hold an
            # older revision; the root page itself is served as the database has it now.
            fresh = type(self)._default_manager.get(pk=self.pk)
            return super(ShortcutRouteMixin, fresh).route(request, path_components)
        candidates = Page.objects.filter(
            slug__in=set(path_components),
            depth__gt=self.depth,
            depth__lte=self.depth + len(path_components),
            path__startswith=self.path,
        ).only(*WALK_FIELDS)
        children = {(page.path[: -Page.steplen], page.slug): page for page in candidates}

        walked = [self]
        remaining = list(path_components)
        while remaining:
            node = walked[-1]
            if node is not self and not routes_like_page(_page_class(node)):
                break
            child = children.get((node.path, remaining[0]))
            if child is None:
                raise Http404
            child._cached_parent_obj = node
            walked.append(child)
            remaining.pop(0)

        node = walked[-1]
        if node is self:
            return super().route(request, path_components)
        model = _page_class(node)
        page = model._default_manager.select_related(*getattr(model, "route_select_related", ())).get(pk=node.pk)
        page._cached_parent_obj = walked[-2]
        page.route_ancestors = walked[:-1]
        return page.route(request, remaining)
