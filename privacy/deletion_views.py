"""Deleting an account: the person at /account/verwijderen/, an administrator in the CMS
(docs/privacy.md, "Deleting"). Both call `deletion.account_delete`."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.users.utils import user_can_delete_user

from community import permissions as community_permissions
from community.models import User
from events.models import Registration
from rooms.models import Message

from . import deletion
from .deletion_forms import AccountDeleteForm, AdminAccountDeleteForm


def _what_changes(person: User) -> dict:
    """The numbers the page shows: what goes, and what stays without a name (one query each)."""
    registrations = Registration.objects.filter(person=person).aggregate(
        coming=Count("pk", filter=Q(status__in=["confirmed", "waitlisted"]))
    )
    return {
        "messages": Message.objects.filter(author=person, deleted_at__isnull=True).count(),
        "registrations": registrations["coming"],
        "groups": person.group_memberships.count(),
    }


@login_required
def account_delete(request):
    person = request.user
    handovers = deletion.handovers_needed(person)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, person=person, handovers=handovers)
    if request.method == "POST" and not ratelimit.consume(request, action="reauthenticate", user=person):
        # The same limit as allauth's re-authentication: no unlimited guessing of a password or code.
        form.is_valid()
        form.add_error(None, _("Too many attempts. Wait a minute and try again."))
        return render(request, "privacy/account_delete.html", _context(form, handovers, person), status=429)
    if request.method == "POST" and form.is_valid():
        try:
            deletion.account_delete(person=person, actor=person, handovers=form.handover_choices())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Thank you for taking part."))
            return redirect("/")
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/account_delete.html", _context(form, handovers, person), status=status)


def _context(form, handovers, person) -> dict:
    return {"form": form, "handovers": handovers, "counts": _what_changes(person)}


def admin_account_delete(request, pk):
    """The CMS's "delete user" comes here (privacy/wagtail_hooks.py), so an administrator's
    deletion takes the same path as a person's own, with a reason in the audit trail."""
    if not community_permissions.is_platform_admin(request.user):
        raise PermissionDenied
    person = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    if person.pk == request.user.pk:
        messages.error(request, _("Delete your own account on your account page, with your password."))
        return redirect("privacy:delete")
    # Wagtail's own rule too: the right to delete users, and only a superuser deletes a superuser.
    if not user_can_delete_user(request.user, person):
        raise PermissionDenied
    handovers = deletion.handovers_needed(person)
    form = AdminAccountDeleteForm(request.POST if request.method == "POST" else None, handovers=handovers)
    if request.method == "POST" and form.is_valid():
        number = person.pk
        deletion.account_delete(
            person=person, actor=request.user, reason=form.cleaned_data["reason"], handovers=form.handover_choices()
        )
        messages.success(request, _("Account %(number)s has been deleted.") % {"number": number})
        return redirect(reverse("wagtailusers_users:index"))
    context = {"form": form, "handovers": handovers, "person": person, "counts": _what_changes(person)}
    return render(
        request, "privacy/admin_account_delete.html", context, status=400 if request.method == "POST" else 200
    )
