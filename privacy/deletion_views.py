"""/account/verwijderen/: a person deletes their own account (docs/privacy.md, "Deleting")."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def account_delete(request):
    raise Http404
