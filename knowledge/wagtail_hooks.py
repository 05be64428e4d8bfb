"""The knowledge app in the CMS: the taxonomy as snippets under one menu (knowledge/taxonomy.py),
review workflows for new listings, and who may download a submitted practice's attachments."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import magazine_workflow, review
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


@hooks.register("before_serve_document")
def contributions_as_their_practice(document, request):
    """A submitted practice's attachments are readable as the practice is: once it is live, by
    whom its view restrictions let in; before that (in review, rejected, unpublished) only by
    its submitter and by whom may edit it. Their addresses are guessable (a sequential id and
    the uploader's file name)."""
    pages = list(PracticePage.objects.filter(attachments__document=document).distinct())
    if not pages:
        return None
    user = request.user
    for page in pages:
        if page.live and all(restriction.accept_request(request) for restriction in page.get_view_restrictions()):
            return None
        if user.is_authenticated and (page.submitted_by_id == user.pk or page.permissions_for_user(user).can_edit()):
            return None
    raise Http404
