"""Editors manage the taxonomy in the CMS as snippets (docs: knowledge/taxonomy.py)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import LifeDomain


class LifeDomainViewSet(SnippetViewSet):
    model = LifeDomain
    icon = "tag"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(LifeDomainViewSet)
