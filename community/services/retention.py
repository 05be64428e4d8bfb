"""Retention jobs for the community's data: each removes what is past the period the register of
processing gives it (samenhuis/register.py), logs one line with what it removed, and returns the
counts. Registered with the scheduler in CommunityConfig.ready(); docs/privacy.md, "Retention".
Accounts never confirmed are removed by privacy/retention.py, through the account deletion.
"""

import logging
from importlib import import_module

from allauth.account.models import EmailConfirmation
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samenhuis import register

from ..models import AuditEvent, GroupInvitation, LoginRecord, Notification

logger = logging.getLogger(__name__)


def login_records_delete(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _ = LoginRecord.objects.filter(at__lt=now - register.retention("login_records")).delete()
    logger.info("Retention: %d login records older than %d days deleted.", deleted, _days("login_records"))
    return deleted


def group_invitations_delete(*, now=None) -> int:
    """Invitations that stopped working (expired or withdrawn) longer ago than the register's period.
    The group's activity log keeps that someone was invited, with the address (`GroupActivity`
    holds its own copy, no reference to the invitation)."""
    now = now or timezone.now()
    cutoff = now - register.retention("group_invitations")
    deleted, _ = GroupInvitation.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()
    logger.info(
        "Retention: %d group invitations expired or withdrawn more than %d days ago deleted.",
        deleted,
        _days("group_invitations"),
    )
    return deleted


def notifications_delete(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _ = Notification.objects.filter(created_at__lt=now - register.retention("notifications")).delete()
    logger.info("Retention: %d notifications older than %d days deleted.", deleted, _days("notifications"))
    return deleted


def audit_events_delete(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _ = AuditEvent.objects.filter(at__lt=now - register.retention("audit_trail")).delete()
    logger.info("Retention: %d audit events older than %d days deleted.", deleted, _days("audit_trail"))
    return deleted


def sessions_clear_expired() -> dict[str, int]:
    """Django's `clearsessions` (`SessionStore.clear_expired()`, counted) and allauth's expired
    e-mail confirmations (a table only used when confirmation links are not signed)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):
        sessions, _ = store.get_model_class().objects.filter(expire_date__lt=timezone.now()).delete()
    else:
        # Sessions in the cache or in signed cookies expire by themselves; files need the sweep.
        store.clear_expired()
        sessions = 0
    confirmations, _ = EmailConfirmation.objects.all_expired().delete()
    logger.info("Retention: %d expired sessions and %d expired e-mail confirmations deleted.", sessions, confirmations)
    return {"sessions": sessions, "email_confirmations": confirmations}


def _days(key: str) -> int:
    return register.retention(key).days
