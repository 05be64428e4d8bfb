"""The public directory of organisations and the coverage overview (to be written)."""

from django.http import Http404


def organisation_list(request):
    raise Http404


def coverage(request):
    raise Http404


def organisation_detail(request, slug):
    raise Http404
