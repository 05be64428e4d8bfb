"""The public directory of organisations and the coverage overview. Public pages: they show
what organisations publish about themselves, and people only to logged-in members who may see them."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from samenhuis.start import sections

from ..forms.organisations import DirectoryForm
from ..sections import ORGANISATION_SECTIONS
from ..selectors import organisations as selectors

ORGANISATIONS_PER_PAGE = 20


@require_safe
def organisation_list(request):
    form = DirectoryForm(request.GET or None)
    criteria = form.criteria()
    page = Paginator(selectors.directory_search(**criteria), ORGANISATIONS_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "community/directory/organisation_list.html",
        {
            "form": form,
            "page_obj": page,
            "is_filtered": form.is_filtered,
            "nearby": selectors.municipalities_nearby(query=criteria.get("query", "")),
            "official_finder_url": settings.SAMENHUIS_OFFICIAL_FINDER_URL,
        },
    )


@require_safe
def organisation_detail(request, slug):
    organisation = selectors.organisation_by_slug(slug=slug)
    if organisation is None:
        raise Http404
    return render(
        request,
        "community/directory/organisation_detail.html",
        {
            "organisation": organisation,
            "people": selectors.organisation_people(organisation=organisation, viewer=request.user),
            "works_here": request.user.is_authenticated
            and organisation.memberships.filter(person=request.user).exists(),
            # What higher apps show of the organisation (its offers): community/sections.py.
            "sections": sections(ORGANISATION_SECTIONS, request, organisation),
        },
    )


@require_safe
def coverage(request):
    areas = selectors.coverage_overview()
    return render(
        request,
        "community/directory/coverage.html",
        {
            "areas": areas,
            "covered": sum(len(area.covered) for area in areas),
            "total": sum(area.total for area in areas),
        },
    )
