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

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from wagtail.models import ModelLogEntry

from community import services as community_services
from community.models import (
    AuditEvent,
    GroupActivity,
    GroupInvitation,
    GroupMembership,
    IntervisionGroup,
    Notification,
    User,
)
from community.services.audit import audit_words
from events import services as event_services
from events.models import Registration
from rooms.models import Message, MessageRevision
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


# How the audit trail says who deleted (in the site's language, community.services.audit_words).
BY_THEMSELVES = gettext_lazy("by the person themselves")
BY_ADMINISTRATOR = gettext_lazy("by an administrator")
BY_RETENTION = gettext_lazy("by the retention job: never confirmed")


@transaction.atomic
def account_delete(
    *, person: User, actor: User | None, reason: str = "", handovers: dict[int, User] | None = None
) -> None:
    """Delete `person`'s account. `actor` is the person themselves, a platform administrator (the
    callers check: the views, with the password or the administrator's permission), or None for a
    retention job; `handovers` maps a group id from `handovers_needed` to the member who becomes its
    facilitator, and a group left out goes to its longest-standing member. The platform's last
    administrator is refused (ValidationError), so the platform always has one."""
    if (
        person.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=person.pk).exists()
    ):
        raise ValidationError(
            _("You are the only administrator of the platform. Make someone else an administrator first."),
            code="last_administrator",
        )
    person_id, name = person.pk, person.display_name
    by_themselves = actor is not None and actor.pk == person_id
    addresses = {person.email.lower(), *(a.lower() for a in person.emailaddress_set.values_list("email", flat=True))}
    _groups_hand_over(person, actor=actor if actor is not None and not by_themselves else person, chosen=handovers)
    _registrations_release(person)
    _addresses_forget(addresses)
    _mentions_forget(person)
    _notifications_without_name(person, name)
    _cms_log_without_name(person_id)
    sessions = list(person.login_records.exclude(session_key="").values_list("session_key", flat=True))
    files = [export.file.name for export in person.data_exports.exclude(file="")]
    counts = _counts(person)
    words = BY_THEMSELVES if by_themselves else BY_ADMINISTRATOR if actor is not None else BY_RETENTION
    community_services.audit_record(
        actor=None if by_themselves else actor,
        action=AuditEvent.Action.ACCOUNT_DELETED,
        subject=person_id,
        target=audit_words(words),
        reason=reason,
        detail=counts,
    )
    # Open sockets close on deactivation (community/signals.py), before the row is gone.
    person.is_active = False
    person.save(update_fields=["is_active"])
    person.delete()
    Session.objects.filter(session_key__in=sessions).delete()
    transaction.on_commit(lambda: [private_storage().delete(file) for file in files])
    logger.info(
        "Account %s deleted (%s): %s.",
        person_id,
        "self" if by_themselves else "administrator" if actor is not None else "retention",
        counts,
    )


def _groups_hand_over(person: User, *, actor: User, chosen: dict[int, User] | None) -> None:
    """Each group that would lose its last facilitator gets the chosen member, or the longest-standing
    one. An administrator hands over as themselves (the person may be deactivated already); the
    person's own handover sends them no confirmation, since their address is about to go."""
    chosen = chosen or {}
    for handover in handovers_needed(person):
        successor = chosen.get(handover.group.pk)
        if successor is None or successor.pk not in {c.pk for c in handover.candidates}:
            successor = handover.default
        community_services.group_facilitator_hand_over(
            actor=actor, group=handover.group, to_person=successor, mail_actor=actor.pk != person.pk
        )


def _addresses_forget(addresses: set[str]) -> None:
    """Invitations to any of their addresses go, whatever their state; a group's log keeps that
    someone was invited, without the address."""
    matching = Q()
    for address in addresses:
        matching |= Q(email__iexact=address)
    GroupInvitation.objects.filter(matching).delete()
    activity = Q()
    for address in addresses:
        activity |= Q(subject_email__iexact=address)
    GroupActivity.objects.filter(activity).update(subject_email="")


def _cms_log_without_name(person_id: int) -> None:
    """Wagtail's history of the account (edits and roles in the CMS) keeps the events; its label, the
    display name when it was written, becomes "Verwijderde gebruiker"."""
    with override(settings.LANGUAGE_CODE):
        label = _("Deleted user")
    ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(person_id)).update(
        label=label
    )


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
    with override(settings.LANGUAGE_CODE):
        return f'<span class="mention-deleted">@{escape(_("deleted user"))}</span>'


def _mentions_forget(person: User) -> None:
    """Other people's messages keep their words; a mention of the person loses its id and name: in
    the page's HTML, in the text as its author wrote it (their edit form) and in the earlier
    versions moderators read. Open pages show the old HTML until they are loaded again."""
    span = re.compile(rf'<span data-person="{person.pk}">@[^<]*</span>')
    replacement = deleted_mention_html()
    with override(settings.LANGUAGE_CODE):
        plain = "@" + _("deleted user")
    names = {person.display_name, *([person.profile.display_name] if hasattr(person, "profile") else [])}
    written = re.compile(
        "|".join(
            [rf"@\*\*[^*|]*\|{person.pk}\*\*"]
            + [rf"@{re.escape(name)}(?!\w)" for name in sorted(names, key=len, reverse=True) if name]
        ),
        re.IGNORECASE,
    )
    messages = list(Message.objects.filter(mentions=person).only("pk", "body", "body_html"))
    for message in messages:
        message.body_html = span.sub(replacement, message.body_html)
        message.body = written.sub(plain, message.body)
    Message.objects.bulk_update(messages, ["body", "body_html"])
    revisions = list(MessageRevision.objects.filter(message__in=messages).only("pk", "body"))
    for revision in revisions:
        revision.body = written.sub(plain, revision.body)
    MessageRevision.objects.bulk_update(revisions, ["body"])


def _notifications_without_name(person: User, name: str) -> None:
    """Notifications of others that named the person (as who acted, or mentioned in an excerpt)."""
    if not name:
        return
    with override(settings.LANGUAGE_CODE):
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
