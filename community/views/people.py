"""Profiles, the member directory, member pages and their photos.

Who may see a profile is decided by `community.permissions.profiles_visible_to`, through the
selectors; a profile you may not see answers 404, the same as one that does not exist. Photos
are served by `member_avatar` with the same check, never by a media URL (docs/privacy.md).
"""

import hashlib
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samenhuis import start as registry
from samenhuis.files import private_file_response

from .. import permissions, services
from ..forms.accounts import ProfileForm
from ..forms.people import MemberFilterForm
from ..models import Profile
from ..selectors import people as selectors

AVATAR_MAX_AGE = 3600  # seconds a browser may keep a photo; the URL changes with the photo


def avatar_url(profile: Profile) -> str:
    """The permission-checked address of the photo, or "" without one. The `v` parameter
    changes when the photo does, so a cached old photo is never shown; it is a digest, so
    the stored file name stays unknown."""
    if not profile.avatar:
        return ""
    version = hashlib.sha256(profile.avatar.name.encode()).hexdigest()[:12]
    return reverse("community:member_avatar", kwargs={"pk": profile.user_id}) + f"?v={version}"


def index(request):
    # Cards of higher apps (the rooms, the knowledge base) are theirs to register (samenhuis/start.py).
    cards = registry.cards(registry.MEMBER_CARDS, request) if request.user.is_authenticated else []
    return render(
        request,
        "community/index.html",
        {"cards": [card for card in cards if not card.yours], "your_cards": [card for card in cards if card.yours]},
    )


@login_required
def profile_edit(request):
    profile = selectors.own_profile(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, profile=profile)
    else:
        form = ProfileForm(profile=profile)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                user=request.user,
                display_name=data["display_name"],
                function=data["function"],
                bio=data["bio"],
                expertise=data["expertise"],
                visibility=data["visibility"],
                share_email=data["share_email"],
                avatar=data["avatar"],
                remove_avatar=data.get("remove_avatar", False),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("community:profile")
    return render(
        request,
        "community/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "avatar_url": avatar_url(profile) if profile is not None else "",
            "memberships": selectors.memberships_of(person=request.user),
        },
    )


@login_required
@require_safe
def member_list(request):
    form = MemberFilterForm(request.GET)
    profiles = selectors.member_directory(viewer=request.user, **form.filters())
    page = Paginator(profiles, selectors.MEMBER_PAGE_SIZE).get_page(request.GET.get("pagina"))
    for profile in page:
        profile.avatar_url = avatar_url(profile)
    return render(request, "community/people/member_list.html", {"form": form, "page_obj": page})


@require_safe
def member_detail(request, pk):
    profile = selectors.member_profile(viewer=request.user, user_id=pk)
    if profile is None:
        # Visitors without an account only see public profiles; whether another exists is not told.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return render(
        request,
        "community/people/member_detail.html",
        {
            "profile": profile,
            "person": profile.user,
            "avatar_url": avatar_url(profile),
            "show_email": permissions.can_see_email(request.user, profile),
            "is_self": profile.user_id == request.user.pk,
        },
    )


@require_safe
def member_avatar(request, pk):
    profile = selectors.member_profile(viewer=request.user, user_id=pk, details=False)
    if profile is None or not profile.avatar:
        raise Http404
    return private_file_response(
        request,
        profile.avatar,
        filename=profile.avatar.name.rsplit("/", 1)[-1],
        content_type=mimetypes.guess_type(profile.avatar.name)[0] or "application/octet-stream",
        attachment=False,
        cache_control=f"private, max-age={AVATAR_MAX_AGE}",
    )
