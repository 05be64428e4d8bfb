"""The CMS side of privacy (docs/privacy.md, "Deleting"): Wagtail's "delete user" leads to the
project's own deletion, with a reason, so messages stay readable, seats are released and the audit
trail has a line; deleting users in bulk is refused for the same reason."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from .deletion_views import admin_account_delete


@hooks.register("register_admin_urls")
def _admin_urls():
    return [path("accounts/<int:pk>/verwijderen/", admin_account_delete, name="privacy_admin_account_delete")]


@hooks.register("before_delete_user")
def _delete_through_the_service(request, user):
    return redirect(reverse("privacy_admin_account_delete", args=[user.pk]))


@hooks.register("before_bulk_action")
def _no_bulk_deletion_of_accounts(request, action_type, objects, action_class_instance):
    if action_type == "delete" and action_class_instance.model is get_user_model():
        messages.error(request, _("Delete accounts one at a time, with a reason: open the account and choose Delete."))
        return redirect(reverse("wagtailusers_users:index"))
    return None
