"""/account/gegevens/: ask for an export, follow its progress, download it (docs/privacy.md, "Export")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samenhuis.files import private_file_response

from . import exports
from .models import DataExport


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def data_page(request):
    """What the export holds, the button to ask for it, and the person's latest exports. A POST
    asks for one and comes back here (also refused: the message says until when)."""
    if request.method == "POST":
        try:
            exports.export_request(request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Your request was received. We will mail you when your data is ready."))
        return redirect("privacy:data")
    latest = exports.exports_of(request.user)
    pending = [export for export in latest if export.status in (DataExport.Status.QUEUED, DataExport.Status.RUNNING)]
    return render(
        request,
        "privacy/data.html",
        {
            "exports": latest,
            "pending": bool(pending),
            "next_possible": exports.export_next_possible(request.user),
        },
    )


@login_required
@require_safe
def export_download(request, pk, token):
    """The ZIP, for its own person with the link's token, until it expires; 404 for anyone and
    anything else (also a wrong token), so a link says nothing about whose it is."""
    export = exports.export_for_download(request.user, pk, token)
    if export is None:
        raise Http404
    if request.method == "GET":
        exports.export_downloaded(export)
    return private_file_response(
        request,
        export.file,
        filename=exports.export_filename(export),
        content_type="application/zip",
        attachment=True,
        cache_control="private, no-store",
    )
