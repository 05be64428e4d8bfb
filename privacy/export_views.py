"""/account/gegevens/: ask for an export, follow its progress, download it (docs/privacy.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def data_page(request):
    raise Http404


@login_required
def export_download(request, pk, token):
    raise Http404
