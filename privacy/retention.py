"""Accounts never confirmed (docs/privacy.md, "Retention"): deleted after the register's period
(samenhuis/register.py) through the one account deletion (privacy/deletion.py), so they leave the
same traces as any other deleted account: none but an audit line.

Only accounts that the sign-up form made and nobody took further: an allauth address row, none of
them verified, never logged in, not staff or an administrator, and no link an administrator gave
them (an organisation, an intervision group, a role in the CMS). An account an administrator made
gets an unverified address row too, at its owner's first attempt to log in; its links keep it."""

import logging

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils import timezone

from community.models import GroupMembership, Membership, User
from samenhuis import register

from .deletion import account_delete

logger = logging.getLogger(__name__)


def unverified_accounts_delete(*, now=None) -> int:
    now = now or timezone.now()
    period = register.retention("unverified_accounts")
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    candidates = (
        User.objects.filter(date_joined__lt=now - period, last_login__isnull=True, is_staff=False, is_superuser=False)
        .filter(Exists(addresses))
        .exclude(Exists(addresses.filter(verified=True)))
        .exclude(Exists(Membership.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(GroupMembership.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(User.groups.through.objects.filter(user=OuterRef("pk"))))
    )
    deleted = failed = 0
    for person in candidates.iterator():
        try:  # one account's trouble never stops the others
            account_delete(person=person, actor=None)
        except Exception:
            logger.exception("Retention: account %s, never confirmed, could not be deleted.", person.pk)
            failed += 1
        else:
            deleted += 1
    logger.info(
        "Retention: %d accounts never confirmed within %d days deleted%s.",
        deleted,
        period.days,
        f", {failed} failed" if failed else "",
    )
    return deleted
