"""Intervision group pages and actions. Thin: the rules are in `community.permissions`, the
changes in `community.services`; a refused change comes back as a message, never a 500, and a
refused form that carried text (a request's message) as its own page with the text to copy
(samenhuis/refusals.py); a form posted after losing the right to it is the 403 page with the text.

Every group URL goes through `group_view`: unknown and secret-to-you groups are 404, anonymous
visitors of other groups are sent to log in, management actions need a facilitator (403).
"""

from functools import wraps

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from samenhuis.refusals import kept_from_form, refusal_response
from samenhuis.start import GROUP_SECTIONS, sections

from .. import permissions, services
from ..forms.groups import GroupCreateForm, GroupForm, InvitationForm, JoinRequestForm
from ..models import GroupInvitation, JoinRequest, Region, User
from ..selectors import groups as selectors

INVITATION_SESSION_KEY = "samenhuis_group_invitation"


def group_view(*, methods=("GET",), manage=False):
    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            group = selectors.group_by_slug(slug=slug)
            if group is None:
                raise Http404
            access = permissions.group_access(request.user, group)
            if not permissions.can_view_group(access):
                raise Http404
            if permissions.must_log_in_to_view_group(access):
                return redirect_to_login(request.get_full_path())
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if manage and not permissions.can_manage(access):
                raise PermissionDenied
            return view(request, group, access, *args, **kwargs)

        return wrapper

    return decorator


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Listing and creating -----------------------------------------------------------------------------


@login_required
def group_list(request):
    # An odd value (a NUL byte PostgreSQL cannot compare) is no region, like an unknown one.
    region = Region.objects.filter(slug=request.GET.get("regio", "").replace("\x00", "")).first()
    return render(
        request,
        "community/groups/group_list.html",
        {
            "groups": selectors.group_list(user=request.user, region=region),
            "regions": Region.objects.exclude(kind=Region.Kind.PRIMARY_CARE_ZONE).order_by("kind", "name"),
            "region": region,
            "can_create": permissions.can_create_group(request.user),
        },
    )


@login_required
def group_create(request):
    if not permissions.can_create_group(request.user):
        raise PermissionDenied
    form = GroupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                actor=request.user,
                name=data["name"],
                description=data["description"],
                region=data["region"],
                visibility=data["visibility"],
                member_cap=data["member_cap"],
                facilitators=[data["facilitator"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group has been created."))
            return redirect(group)
    return render(request, "community/groups/group_form.html", {"form": form, "group": None})


# The group page --------------------------------------------------------------------------------------


@group_view()
def group_detail(request, group, access):
    context = {
        "group": group,
        "access": access,
        "facilitators": selectors.group_facilitators(group=group, viewer=request.user),
        "member_count": selectors.group_member_count(group=group),
        "can_see_members": permissions.can_see_members(access),
        "can_join": permissions.can_join(access),
        "can_request": permissions.can_request_to_join(access),
        "can_withdraw": permissions.can_withdraw_request(access),
        "can_leave": permissions.can_leave(access),
        "can_manage": permissions.can_manage(access),
    }
    if context["can_see_members"]:
        context["members"] = selectors.group_members(group=group, viewer=request.user)
    # What higher apps show of the group (its meetings, its room): samenhuis/start.py, GROUP_SECTIONS.
    context["sections"] = sections(GROUP_SECTIONS, request, group, access)
    if context["can_manage"]:
        context["pending_count"] = len(selectors.group_pending_requests(group=group))
    return render(request, "community/groups/group_detail.html", context)


@group_view(methods=("GET", "POST"), manage=True)
def group_edit(request, group, access):
    initial = {
        "name": group.name,
        "description": group.description,
        "region": group.region,
        "visibility": group.visibility,
        "member_cap": group.member_cap,
    }
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group has been saved."))
            return redirect(group)
    return render(request, "community/groups/group_form.html", {"form": form, "group": group})


@group_view(methods=("POST",))
def group_join(request, group, access):
    try:
        services.group_member_join(actor=request.user, group=group)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Welcome to %(group)s.") % {"group": group})
    return redirect(group)


def _request_refused(request, group, form, reason: str):
    """A request to join that the group's state refuses now (already a member, already asked,
    the group full): 409 with the message to the facilitators kept."""
    return refusal_response(
        request,
        status=409,
        title=_("Your request was not sent"),
        reason=reason,
        kept=kept_from_form(form),
        back=group.get_absolute_url(),
    )


@group_view(methods=("GET", "POST"))
def group_request(request, group, access):
    form = JoinRequestForm(request.POST or None)
    if not permissions.can_request_to_join(access):
        if access.is_member or access.pending_request is not None:
            reason = _("You are already a member or have already asked to join.")
            if request.method == "POST":
                return _request_refused(request, group, form, reason)
            messages.info(request, reason)
            return redirect(group)
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_request(actor=request.user, group=group, motivation=form.cleaned_data["motivation"])
        except ValidationError as error:
            return _request_refused(request, group, form, " ".join(error.messages))
        else:
            messages.success(request, _("Your request has been sent to the facilitators."))
            return redirect(group)
    return render(request, "community/groups/group_request.html", {"group": group, "form": form})


@group_view(methods=("POST",))
def group_request_withdraw(request, group, access):
    try:
        services.group_request_withdraw(actor=request.user, group=group)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect(group)


@group_view(methods=("GET", "POST"))
def group_leave(request, group, access):
    if not access.is_member:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.group_member_leave(actor=request.user, group=group)
        except ValidationError as error:
            _refused(request, error)
            return redirect(group)
        messages.success(request, _("You have left %(group)s.") % {"group": group})
        return redirect("community:groups")
    return render(request, "community/groups/group_leave.html", {"group": group, "access": access})


# Management (facilitators and administrators) -------------------------------------------------------


def _manage_page(request, group, access, *, invitation_form=None, status=200):
    return render(
        request,
        "community/groups/group_manage.html",
        {
            "group": group,
            "access": access,
            "members": selectors.group_members(group=group),
            "member_count": selectors.group_member_count(group=group),
            "requests": selectors.group_pending_requests(group=group),
            "invitations": selectors.group_open_invitations(group=group),
            "invitation_form": invitation_form or InvitationForm(),
        },
        status=status,
    )


@group_view(manage=True)
def group_manage(request, group, access):
    return _manage_page(request, group, access)


@group_view(methods=("POST",), manage=True)
def group_invite(request, group, access):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.group_member_invite(actor=request.user, group=group, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("community:group_manage", slug=group.slug)
    return _manage_page(request, group, access, invitation_form=form, status=400)


@group_view(methods=("POST",), manage=True)
def group_request_decide(request, group, access, pk):
    join_request = get_object_or_404(JoinRequest, pk=pk, group=group)
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose to approve or decline the request."))
        return redirect("community:group_manage", slug=group.slug)
    try:
        services.group_request_decide(actor=request.user, join_request=join_request, approve=decision == "approve")
    except ValidationError as error:
        _refused(request, error)
    else:
        if decision == "approve":
            messages.success(request, _("%(person)s is now a member.") % {"person": join_request.person})
        else:
            messages.success(request, _("The request of %(person)s was declined.") % {"person": join_request.person})
    return redirect("community:group_manage", slug=group.slug)


@group_view(methods=("POST",), manage=True)
def group_invitation_revoke(request, group, access, pk):
    invitation = get_object_or_404(GroupInvitation, pk=pk, group=group)
    try:
        services.group_invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("community:group_manage", slug=group.slug)


@group_view(methods=("POST",), manage=True)
def group_member_remove(request, group, access, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        services.group_member_remove(actor=request.user, group=group, person=person)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(person)s is no longer a member.") % {"person": person})
    return redirect("community:group_manage", slug=group.slug)


@group_view(methods=("POST",), manage=True)
def group_member_role(request, group, access, pk):
    person = get_object_or_404(User, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "hand_over":
            services.group_facilitator_hand_over(actor=request.user, group=group, to_person=person)
        elif action == "add_facilitator":
            services.group_facilitator_add(actor=request.user, group=group, person=person)
        else:
            raise ValidationError(_("Choose what to do with this member."))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(person)s is now a facilitator.") % {"person": person})
    if permissions.can_manage(permissions.group_access(request.user, group)):
        return redirect("community:group_manage", slug=group.slug)
    return redirect(group)


@group_view(manage=True)
def group_activity(request, group, access):
    return render(
        request,
        "community/groups/group_activity.html",
        {"group": group, "activity": selectors.group_activity(group=group)},
    )


# Invitations -------------------------------------------------------------------------------------------


def invitation(request, token):
    """The link in an invitation mail. Visitors without an account sign up with the invited
    address (proven by this link, so no second verification mail) and land in the group."""
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        landed = services.invitation_accepted_by(token=token, user=request.user)
        if landed is not None:
            return redirect(landed.group)
        return render(request, "community/groups/invitation.html", {"error": error.messages[0]}, status=410)

    if not request.user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        here = request.get_full_path()
        signup_url = reverse("account_signup") + "?" + urlencode({"email": invitation.email, "next": here})
        login_url = reverse("account_login") + "?" + urlencode({"next": here})
        return render(
            request,
            "community/groups/invitation.html",
            {"invitation": invitation, "signup_url": signup_url, "login_url": login_url},
        )

    if request.method == "POST":
        try:
            services.group_invitation_accept(user=request.user, token=token)
        except ValidationError as error:
            _refused(request, error)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(request, _("Welcome to %(group)s.") % {"group": invitation.group})
            return redirect(invitation.group)
    return render(request, "community/groups/invitation.html", {"invitation": invitation, "can_accept": True})


def invitation_accept_after_login(request, user) -> None:
    """Called when someone logs in (also right after signing up): an invitation they opened
    before they had a session is accepted now, so they land in the group."""
    token = request.session.pop(INVITATION_SESSION_KEY, None)
    if not token:
        return
    try:
        membership = services.group_invitation_accept(user=user, token=token)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Welcome to %(group)s.") % {"group": membership.group})
