"""Editors manage the taxonomy in the CMS as snippets, grouped under one menu (knowledge/taxonomy.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import LifeDomain, Pillar, TargetGroup, Theme


class TermViewSet(SnippetViewSet):
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]
    search_fields = ["name"]


class PillarViewSet(TermViewSet):
    model = Pillar


class LifeDomainViewSet(TermViewSet):
    model = LifeDomain


class ThemeViewSet(TermViewSet):
    model = Theme
    list_display = ["name", "life_domain", "sort_order"]
    list_filter = ["life_domain"]
    ordering = ["life_domain__sort_order", "sort_order", "name"]


class TargetGroupViewSet(TermViewSet):
    model = TargetGroup


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    items = (PillarViewSet, LifeDomainViewSet, ThemeViewSet, TargetGroupViewSet)
    menu_icon = "tag"
    menu_label = _("Taxonomy")
    menu_name = "taxonomy"
    menu_order = 300


register_snippet(TaxonomyViewSetGroup)
