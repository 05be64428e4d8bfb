"""/privacy/verwerkingen/: the register of processing for everyone, no login needed (docs/privacy.md,
"Register of processing"). The entries are samenhuis/register.py's, the same the docs and the
retention jobs read."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from samenhuis.register import REGISTER


@require_safe
def register_page(request):
    return render(request, "privacy/register.html", {"register": REGISTER})
