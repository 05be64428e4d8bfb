"""Profiles and the member directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..forms import ProfileForm


def index(request):
    return render(request, "community/index.html")


@login_required
def profile_edit(request):
    profile = getattr(request.user, "profile", None)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("Your profile has been saved."))
        return redirect("community:profile")
    return render(request, "community/profile_form.html", {"form": form})


def member_list(request):
    raise Http404


def member_detail(request, pk):
    raise Http404


def member_avatar(request, pk):
    raise Http404
