from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ProfileForm


def index(request):
    return render(request, "community/index.html")


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


@login_required
def profile_edit(request):
    profile = getattr(request.user, "profile", None)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("Your profile has been saved."))
        return redirect("community:profile")
    return render(request, "community/profile_form.html", {"form": form})
