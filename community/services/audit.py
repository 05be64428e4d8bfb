"""The audit trail (docs/privacy.md, "Audit trail"): one call per act an administrator may need to
account for later. Written in the same transaction as the act, so a rolled-back act leaves no line.

A line names no person in its words: who acted is the `actor` (shown by display name, or as a
deleted account once it is gone), whom it was about is `subject_id` (an account number), and
`target` says what in words about groups, organisations, rooms and events. Those words are written
in the site's language whoever's interface the act came from, so the trail reads as one text.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from ..models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    subject: User | int | None = None,
    target: str = "",
    reason: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Write one line. `subject` is the account it was about (kept as a number, so the line outlives
    a deleted account); `target` says what, in words that name no person. Without an actor (a
    command, a shell, a job) the line says so (`detail["system"]`), so it is not read later as the
    act of an account deleted since."""
    subject_id = subject.pk if isinstance(subject, User) else subject
    actor = actor if actor is not None and actor.pk else None
    detail = dict(detail or {})
    if actor is None:
        detail["system"] = True
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        subject_id=subject_id,
        target=target[:300],
        reason=reason,
        detail=detail,
    )


def audit_words(text, **values) -> str:
    """`text` (a lazily translated phrase with %(name)s places) in the site's language, filled in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % {name: str(value) for name, value in values.items()}


# Roles in the CMS: Wagtail's roles (Django groups) and the superuser and staff flags, recorded by the
# receivers in community/signals.py whatever changes them (the CMS's user screens, a shell).
CMS_ROLE_GIVEN = gettext_lazy("CMS role %(role)s given")
CMS_ROLE_TAKEN = gettext_lazy("CMS role %(role)s taken away")
CMS_FLAG_WORDS = {
    ("is_superuser", True): gettext_lazy("made administrator (every right in the CMS)"),
    ("is_superuser", False): gettext_lazy("administrator rights taken away"),
    ("is_staff", True): gettext_lazy("staff status given"),
    ("is_staff", False): gettext_lazy("staff status taken away"),
}


def audit_cms_role(*, actor: User | None, person: User | int, role=None, flag: str = "", on: bool) -> AuditEvent:
    """One change of someone's role in the CMS: a Wagtail role (`role`, a Django group) given or
    taken away, or a flag (`is_superuser`, `is_staff`) turned on or off."""
    if role is not None:
        words = audit_words(CMS_ROLE_GIVEN if on else CMS_ROLE_TAKEN, role=role.name)
        detail = {"cms_role": role.pk, "on": on}
    else:
        words = audit_words(CMS_FLAG_WORDS[flag, on])
        detail = {"flag": flag, "on": on}
    return audit_record(actor=actor, action=AuditEvent.Action.ROLE_CHANGED, subject=person, target=words, detail=detail)


def audit_cms_roles_of_new_account(*, actor: User, person: User) -> list[AuditEvent]:
    """A new account made in the CMS with roles: a line for each, by the administrator who made it
    (the receivers leave new accounts alone, community/signals.py)."""
    lines = [
        audit_cms_role(actor=actor, person=person, flag=flag, on=True)
        for flag in ("is_superuser", "is_staff")
        if getattr(person, flag)
    ]
    lines += [audit_cms_role(actor=actor, person=person, role=role, on=True) for role in person.groups.order_by("name")]
    return lines
