"""Deleting an account (GDPR art. 17; docs/privacy.md, "Deleting").

The account row goes, and with it everything that only describes the person (profile, e-mail
addresses, two-factor data, memberships, registrations, meeting answers, the calendar feed, read
positions, notifications, login records, exports). What they wrote for others stays readable without
their name: room messages and intervision contributions point to no author (`SET_NULL`) and render
as "verwijderde gebruiker"; a mention of them in someone else's message, and a notification that
named them, are rewritten without the name. What they published as an editor (pages, documents,
needs and offers) stays with its organisation. One service, for a person deleting themselves and for
an administrator deleting someone, with the reason in the audit trail.
"""

import logging
import re
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from community import services as community_services
from community.models import AuditEvent, GroupInvitation, GroupMembership, IntervisionGroup, Notification, User
from events import services as event_services
from events.models import Registration
from rooms.models import Message
from samenhuis.files import private_storage

logger = logging.getLogger(__name__)

Role = GroupMembership.Role


@dataclass(frozen=True)
class Handover:
    """A group the person is the only facilitator of, with the members who could take over, the
    longest-standing first (who takes over when the person does not choose)."""

    group: IntervisionGroup
    candidates: list[User]

    @property
    def default(self) -> User:
        return self.candidates[0]


def handovers_needed(person: User) -> list[Handover]:
    """The groups that would lose their last facilitator, in two queries. A group where the person
    is the only member needs no handover: it stays without members, for an administrator."""
    theirs = GroupMembership.objects.filter(person=person, role=Role.FACILITATOR).values("group_id")
    sole = (
        IntervisionGroup.objects.filter(pk__in=theirs)
        .annotate(facilitators=Count("memberships", filter=Q(memberships__role=Role.FACILITATOR)))
        .filter(facilitators=1)
        .order_by("name")
    )
    groups = {group.pk: group for group in sole}
    candidates: dict[int, list[User]] = {}
    others = (
        GroupMembership.objects.filter(group_id__in=groups, person__is_active=True)
        .exclude(person=person)
        .select_related("person__profile")
        .order_by("joined_at", "id")
    )
    for membership in others:
        candidates.setdefault(membership.group_id, []).append(membership.person)
    return [Handover(group=groups[pk], candidates=candidates[pk]) for pk in groups if pk in candidates]


@transaction.atomic
def account_delete(*, person: User, actor: User, reason: str = "", handovers: dict[int, User] | None = None) -> None:
    """Delete `person`'s account. `actor` is the person themselves or a platform administrator
    (the caller checks which: the views do, with the password or the administrator's permission);
    `handovers` maps a group id from `handovers_needed` to the member who becomes its facilitator,
    and a group left out goes to its longest-standing member. The platform's last administrator
    is refused (ValidationError), so the platform always has one."""
    if (
        person.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=person.pk).exists()
    ):
        raise ValidationError(
            _("You are the only administrator of the platform. Make someone else an administrator first."),
            code="last_administrator",
        )
    chosen = handovers or {}
    person_id, name = person.pk, person.display_name
    for handover in handovers_needed(person):
        successor = chosen.get(handover.group.pk)
        if successor is None or successor.pk not in {c.pk for c in handover.candidates}:
            successor = handover.default
        community_services.group_facilitator_hand_over(actor=person, group=handover.group, to_person=successor)
    _registrations_release(person)
    GroupInvitation.objects.filter(
        email__iexact=person.email, accepted_at__isnull=True, revoked_at__isnull=True
    ).delete()
    _mentions_forget(person)
    _notifications_without_name(person, name)
    sessions = list(person.login_records.exclude(session_key="").values_list("session_key", flat=True))
    files = [export.file.name for export in person.data_exports.exclude(file="")]
    counts = _counts(person)
    community_services.audit_record(
        actor=None if actor.pk == person_id else actor,
        action=AuditEvent.Action.ACCOUNT_DELETED,
        subject=person_id,
        target=_("by the person themselves") if actor.pk == person_id else _("by an administrator"),
        reason=reason,
        detail=counts,
    )
    # Open sockets close on deactivation (community/signals.py), before the row is gone.
    person.is_active = False
    person.save(update_fields=["is_active"])
    person.delete()
    Session.objects.filter(session_key__in=sessions).delete()
    transaction.on_commit(lambda: [private_storage().delete(file) for file in files])
    logger.info("Account %s deleted (%s): %s.", person_id, "self" if actor.pk == person_id else "administrator", counts)


def _registrations_release(person: User) -> None:
    """Seats of coming events go back, and the waitlist moves up, as when they cancel themselves;
    no mail goes to the person, whose address is about to go."""
    now = timezone.now()
    coming = Registration.objects.filter(
        person=person,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        event__ends_at__gt=now,
    ).select_related("event")
    events = []
    for registration in coming:
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
        registration.save(update_fields=["status", "cancelled_at"])
        events.append(registration.event)
    for event in events:
        event_services.event_waitlist_promote(event=event)


def deleted_mention_html() -> str:
    """A mention of a deleted person, in the site's language: no id, so nothing looks them up."""
    with override("nl"):
        return f'<span class="mention-deleted">@{escape(_("deleted user"))}</span>'


def _mentions_forget(person: User) -> None:
    """Other people's messages keep their words; a mention of the person loses its id and name."""
    span = re.compile(rf'<span data-person="{person.pk}">@[^<]*</span>')
    replacement = deleted_mention_html()
    for message in Message.objects.filter(mentions=person).only("pk", "body_html"):
        Message.objects.filter(pk=message.pk).update(body_html=span.sub(replacement, message.body_html))


def _notifications_without_name(person: User, name: str) -> None:
    """Notifications of others that named the person (as who acted, or mentioned in an excerpt)."""
    if not name:
        return
    with override("nl"):
        deleted = _("A deleted user")
        mentioned = "@" + _("deleted user")
    word = re.compile(rf"(?<![\w@]){re.escape(name)}(?!\w)")
    at = re.compile(rf"@{re.escape(name)}(?!\w)")
    changed = []
    candidates = Notification.objects.filter(Q(actor=person) | Q(text__contains=f"@{name}")).exclude(recipient=person)
    for notification in candidates.only("pk", "text", "actor_id"):
        text = at.sub(mentioned, notification.text)
        if notification.actor_id == person.pk:
            text = word.sub(deleted, text)
        if text != notification.text:
            notification.text = text[:300]
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["text"])


def _counts(person: User) -> dict:
    """What goes and what stays, in numbers for the audit trail and the log (names no one)."""
    return {
        "messages_kept": Message.objects.filter(author=person).count(),
        "group_memberships": person.group_memberships.count(),
        "registrations": person.registrations.count(),
        "notifications": person.notifications.count(),
    }
