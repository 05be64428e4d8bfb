"""The knowledge app in the CMS: the taxonomy as snippets under one menu (knowledge/taxonomy.py) and
review workflows for new listings. Who may download a practice's attachments is the rule for every
document (samenhuis/documents.py). Also what knowledge shows on the home page, the knowledge hub
and the member start page (samenhuis/start.py, knowledge/start.py)."""

from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from samenhuis.start import HOME_SECTIONS, HUB_SECTIONS, MEMBER_CARDS, START_PANELS

from . import magazine_workflow, review, start
from .models import LifeDomain, MagazineIndexPage, Pillar, PracticeIndexPage, PracticePage, TargetGroup, Theme


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


@hooks.register("after_create_page")
def _workflows_for_new_sections(request, page):
    """A magazine or practice listing made by hand in the CMS gets its review workflow at once,
    not only at the next migrate."""
    specific = page.specific_class
    if specific is MagazineIndexPage:
        magazine_workflow.magazine_workflow_ensure()
    elif specific is PracticeIndexPage:
        review.practice_workflow_ensure()


def _publish_warnings(request, page) -> None:
    """A practice published without its Huis or a life domain is missing from the directory's and
    the life-domain pages' lists: say so to the editor who published it (a warning, not a refusal:
    a regional or supra-local practice may have no Huis)."""
    if not isinstance(page.specific, PracticePage) or "action-publish" not in request.POST:
        return
    practice = PracticePage.objects.filter(pk=page.pk).prefetch_related("life_domains").first()
    if practice is None or not practice.live:
        return
    if practice.house_id is None:
        messages.warning(
            request,
            gettext("“%(title)s” is published without a Huis van het Kind, so nobody finds it by Huis. Add the Huis.")
            % {"title": practice.title},
        )
    if not practice.life_domains.all():
        messages.warning(
            request,
            gettext("“%(title)s” is published without a life domain, so no life-domain page lists it. Add one.")
            % {"title": practice.title},
        )


hooks.register("after_create_page", _publish_warnings)
hooks.register("after_edit_page", _publish_warnings)

hooks.register(HOME_SECTIONS, start.home_practices)
hooks.register(HOME_SECTIONS, start.home_magazine)
hooks.register(HUB_SECTIONS, start.hub_life_domains)
hooks.register(HUB_SECTIONS, start.hub_practices)
hooks.register(HUB_SECTIONS, start.hub_magazine)
hooks.register(MEMBER_CARDS, start.member_card)
hooks.register(START_PANELS, start.start_new_practices)
