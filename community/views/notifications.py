"""The personal notification stream as plain pages (the socket is in consumers.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services


@login_required
def notifications(request):
    try:
        before = max(0, int(request.GET.get("voor", 0)))
    except ValueError:
        before = 0
    items, older = selectors.notifications_page(user=request.user, before_id=before)
    return render(request, "community/notifications.html", {"notifications": items, "older": older})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("community:notifications")


@login_required
@require_POST
def notification_test(request):
    """Lets a person check that live notifications reach this browser."""
    services.notification_create(
        recipient=request.user,
        text=_("Test notification: your notifications work."),
        url=reverse("community:notifications"),
    )
    messages.success(request, _("A test notification is on its way."))
    return redirect("community:notifications")
