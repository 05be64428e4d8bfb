from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def index(request):
    """Search the public pages. The one search over everything replaces this (docs/search.md)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_obj = None
    if query:
        results = Page.objects.live().public().specific().search(query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "search/index.html", {"query": query, "page_obj": page_obj})
