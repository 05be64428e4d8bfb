"""The audit trail (docs/privacy.md, "Audit trail"): one call per act an administrator may need to
account for later. Written in the same transaction as the act, so a rolled-back act leaves no line."""

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
    a deleted account); `target` says what, in words that name no person."""
    subject_id = subject.pk if isinstance(subject, User) else subject
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        subject_id=subject_id,
        target=target[:300],
        reason=reason,
        detail=detail or {},
    )
