"""Intervision groups: every change of who is in a group, and how people get in.

Each function checks the rule in `community.permissions`, locks the group row while it counts
members (so two people cannot take the last place), writes an activity line, and tells the
people concerned by e-mail and in-app notification after commit. A refused change raises
`ValidationError` (a rule of the group) or `PermissionDenied` (not yours to do) and changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions, signals
from ..mail import absolute_url, mail_send_on_commit
from ..models import AuditEvent, GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest, User
from .audit import audit_record, audit_words
from .notifications import notification_create
from .slugs import slug_unique

INVITATION_SALT = "samenhuis.group-invitation"
Verb = GroupActivity.Verb
Role = GroupMembership.Role


def _log(group, actor, verb, *, subject=None, subject_email=""):
    GroupActivity.objects.create(group=group, actor=actor, verb=verb, subject=subject, subject_email=subject_email)


# What the audit trail says about a change of role in a group (docs/privacy.md, "Audit trail"): being
# made facilitator, taking the role over, and being removed by someone else. Joining, leaving and
# admitting by request or invitation are the group's everyday business, kept in its activity log.
FACILITATOR_ADDED = gettext_lazy("group %(group)s: made facilitator")
FACILITATOR_HANDED_OVER = gettext_lazy("group %(group)s: took over the facilitator role")
MEMBER_REMOVED = gettext_lazy("group %(group)s: removed from the group")


def _audit_role(actor, group, person, words, **detail) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ROLE_CHANGED,
        subject=person,
        target=audit_words(words, group=group.name),
        detail={"group": group.pk, **detail},
    )


def _lock(group: IntervisionGroup) -> IntervisionGroup:
    return IntervisionGroup.objects.select_for_update().get(pk=group.pk)


def _facilitators(group) -> list[User]:
    return list(
        User.objects.filter(group_memberships__group=group, group_memberships__role=Role.FACILITATOR, is_active=True)
    )


def _tell(people, *, group, template: str, text: str, url: str, **context) -> None:
    """E-mail and an in-app notification for each person (both after commit)."""
    people = [person for person in people if person is not None and person.is_active]
    for person in people:
        # The person the text names, if any, is the mail's `person`: deleting them takes the name out.
        notification_create(recipient=person, text=text, url=url, actor=context.get("person"))
    mail_send_on_commit(
        to=[person.email for person in people],
        template=template,
        context={"group": group, "group_url": absolute_url(group.get_absolute_url()), **context},
    )


def _tell_joined(group: IntervisionGroup, person: User) -> None:
    """The facilitators hear that someone joined, by one-click join or an accepted invitation."""
    _tell(
        _facilitators(group),
        group=group,
        template="group_joined",
        text=_("%(person)s joined %(group)s.") % {"person": person, "group": group},
        url=group.get_absolute_url(),
        person=person,
    )


def _ensure_room(group: IntervisionGroup, *, adding: int = 1) -> None:
    count = GroupMembership.objects.filter(group=group).count()
    if count + adding > group.member_cap:
        raise ValidationError(
            _("%(group)s is full: it has room for %(cap)s members.") % {"group": group.name, "cap": group.member_cap},
            code="full",
        )


def _add_member(group, person, role=Role.MEMBER) -> GroupMembership:
    if GroupMembership.objects.filter(group=group, person=person).exists():
        raise ValidationError(_("%(person)s is already a member of this group.") % {"person": person}, code="member")
    _ensure_room(group)
    # A pending request is settled by joining in any other way.
    JoinRequest.objects.filter(group=group, person=person, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.APPROVED, decided_at=timezone.now()
    )
    return GroupMembership.objects.create(group=group, person=person, role=role)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this in this group."))


# Creating and editing ---------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    region=None,
    visibility: str,
    member_cap: int | None = None,
    facilitators: list[User],
) -> IntervisionGroup:
    _require(permissions.can_create_group(actor))
    facilitators = list(dict.fromkeys(facilitators))
    if not facilitators:
        raise ValidationError(_("A group needs at least one facilitator."), code="no_facilitator")
    group = IntervisionGroup(
        name=name.strip(),
        description=description.strip(),
        region=region,
        visibility=visibility,
        member_cap=member_cap or settings.SAMENHUIS_GROUP_MEMBER_CAP,
    )
    group.slug = slug_unique(group, name, fallback="groep")
    group.full_clean()
    group.save()
    _log(group, actor, Verb.CREATED)
    for person in facilitators:
        _add_member(group, person, Role.FACILITATOR)
        _log(group, actor, Verb.FACILITATOR_ADDED, subject=person)
        _audit_role(actor, group, person, FACILITATOR_ADDED, role=Role.FACILITATOR)
    signals.group_created.send(sender=IntervisionGroup, group=group)
    _tell(
        [person for person in facilitators if person != actor],
        group=group,
        template="group_facilitator",
        text=_("You are a facilitator of %(group)s.") % {"group": group},
        url=group.get_absolute_url(),
    )
    return group


@transaction.atomic
def group_update(
    *, actor: User, group: IntervisionGroup, name: str, description: str, region, visibility: str, member_cap: int
) -> IntervisionGroup:
    group = _lock(group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    count = GroupMembership.objects.filter(group=group).count()
    if member_cap < count:
        raise ValidationError(
            _("The group already has %(count)s members; the maximum cannot be lower.") % {"count": count},
            code="cap_below_members",
        )
    group.name, group.description, group.region = name.strip(), description.strip(), region
    group.visibility, group.member_cap = visibility, member_cap
    group.full_clean()
    group.save()
    _log(group, actor, Verb.UPDATED)
    return group


# Joining ------------------------------------------------------------------------------------------


@transaction.atomic
def group_member_join(*, actor: User, group: IntervisionGroup) -> GroupMembership:
    """Join an open group."""
    group = _lock(group)
    access = permissions.group_access(actor, group)
    if access.is_member:
        raise ValidationError(_("You are already a member of this group."), code="member")
    _require(permissions.can_join(access))
    membership = _add_member(group, actor)
    _log(group, actor, Verb.JOINED, subject=actor)
    _tell_joined(group, actor)
    return membership


@transaction.atomic
def group_member_request(*, actor: User, group: IntervisionGroup, motivation: str = "") -> JoinRequest:
    """Ask to join a closed group; the facilitators decide."""
    group = _lock(group)
    access = permissions.group_access(actor, group)
    if access.is_member:
        raise ValidationError(_("You are already a member of this group."), code="member")
    if access.pending_request is not None:
        raise ValidationError(_("You have already asked to join; the facilitators will decide."), code="pending")
    _require(permissions.can_request_to_join(access))
    _ensure_room(group)
    join_request = JoinRequest.objects.create(group=group, person=actor, motivation=motivation.strip()[:1000])
    _log(group, actor, Verb.REQUESTED, subject=actor)
    _tell(
        _facilitators(group),
        group=group,
        template="group_requested",
        text=_("%(person)s asks to join %(group)s.") % {"person": actor, "group": group},
        url=reverse("community:group_manage", kwargs={"slug": group.slug}),
        person=actor,
        motivation=join_request.motivation,
        manage_url=absolute_url(reverse("community:group_manage", kwargs={"slug": group.slug})),
    )
    return join_request


@transaction.atomic
def group_request_withdraw(*, actor: User, group: IntervisionGroup) -> None:
    group = _lock(group)
    updated = JoinRequest.objects.filter(group=group, person=actor, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now(), decided_by=actor
    )
    if not updated:
        raise ValidationError(_("There is no open request to withdraw."), code="no_request")
    _log(group, actor, Verb.REQUEST_WITHDRAWN, subject=actor)


@transaction.atomic
def group_request_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    group = _lock(join_request.group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."), code="handled")
    person = join_request.person
    if approve:
        _add_member(group, person)
    join_request.refresh_from_db()
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_at, join_request.decided_by = timezone.now(), actor
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    _log(group, actor, Verb.APPROVED if approve else Verb.DECLINED, subject=person)
    if approve:
        text = _("Welcome: your request to join %(group)s was approved.") % {"group": group}
    else:
        text = _("Your request to join %(group)s was declined.") % {"group": group}
    _tell(
        [person],
        group=group,
        template="group_request_approved" if approve else "group_request_declined",
        text=text,
        url=group.get_absolute_url() if approve else reverse("community:groups"),
    )
    return join_request


# Invitations -------------------------------------------------------------------------------------


def invitation_token(invitation: GroupInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=INVITATION_SALT, compress=True)


def invitation_url(invitation: GroupInvitation) -> str:
    return reverse("community:invitation", kwargs={"token": invitation_token(invitation)})


def invitation_from_token(token: str) -> GroupInvitation:
    """The invitation a token names, if it may still be used; otherwise a ValidationError that says why."""
    max_age = timedelta(days=settings.SAMENHUIS_INVITATION_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This invitation has expired. Ask the facilitator for a new one."), code="expired"
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied all of it."), code="invalid"
        ) from error
    invitation = GroupInvitation.objects.select_related("group").filter(pk=data.get("i")).first()
    if invitation is None or not constant_time_compare(invitation.key, str(data.get("k"))):
        raise ValidationError(
            _("This invitation is no longer valid. Ask the facilitator for a new one."), code="invalid"
        )
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn. Ask the facilitator for a new one."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask the facilitator for a new one."), code="expired")
    return invitation


def invitation_accepted_by(*, token: str, user) -> GroupInvitation | None:
    """The invitation behind `token` if `user` already accepted it (someone opening the link again)."""
    if not user.is_authenticated:
        return None
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    invitation = GroupInvitation.objects.select_related("group").filter(pk=data.get("i"), accepted_by=user).first()
    if invitation is None or not constant_time_compare(invitation.key, str(data.get("k"))):
        return None
    return invitation


@transaction.atomic
def group_member_invite(*, actor: User, group: IntervisionGroup, email: str) -> GroupInvitation:
    group = _lock(group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    email = email.strip().lower()
    if GroupMembership.objects.filter(group=group, person__emailaddress__email__iexact=email).exists() or (
        GroupMembership.objects.filter(group=group, person__email__iexact=email).exists()
    ):
        raise ValidationError(_("%(email)s is already a member of this group.") % {"email": email}, code="member")
    now = timezone.now()
    if GroupInvitation.objects.filter(
        group=group, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).exists():
        raise ValidationError(
            _("%(email)s has already been invited and has not answered yet.") % {"email": email}, code="duplicate"
        )
    _ensure_room(group)
    invitation = GroupInvitation.objects.create(
        group=group,
        email=email,
        invited_by=actor,
        expires_at=now + timedelta(days=settings.SAMENHUIS_INVITATION_DAYS),
    )
    _log(group, actor, Verb.INVITED, subject_email=email)
    mail_send_on_commit(
        to=[email],
        template="group_invitation",
        context={
            "group": group,
            "inviter": actor,
            "expires_at": invitation.expires_at,
            "accept_url": absolute_url(invitation_url(invitation)),
        },
    )
    return invitation


@transaction.atomic
def group_invitation_revoke(*, actor: User, invitation: GroupInvitation) -> None:
    group = _lock(invitation.group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation can no longer be withdrawn."), code="closed")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _log(group, actor, Verb.INVITATION_REVOKED, subject_email=invitation.email)


def _verified_addresses(user: User) -> set[str]:
    from allauth.account.models import EmailAddress

    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }


@transaction.atomic
def group_invitation_accept(*, user: User, token: str) -> GroupMembership:
    """Join with an invitation. It was sent to an address, so only the person who proved they own
    that address (a verified e-mail address on their account) can use it."""
    invitation = invitation_from_token(token)
    group = _lock(invitation.group)
    invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    # Read again under the lock: a withdrawal may have committed since the token was checked.
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn. Ask the facilitator for a new one."), code="revoked")
    if invitation.email.lower() not in _verified_addresses(user):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Log in with that address, or add and verify it "
                "under Account and security."
            )
            % {"email": invitation.email},
            code="other_address",
        )
    if GroupMembership.objects.filter(group=group, person=user).exists():
        raise ValidationError(_("You are already a member of this group."), code="member")
    membership = _add_member(group, user)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _log(group, user, Verb.ACCEPTED, subject=user)
    _tell_joined(group, user)
    return membership


# Leaving and roles --------------------------------------------------------------------------------


def _facilitator_count(group) -> int:
    return GroupMembership.objects.filter(group=group, role=Role.FACILITATOR).count()


@transaction.atomic
def group_member_leave(*, actor: User, group: IntervisionGroup) -> None:
    group = _lock(group)
    membership = GroupMembership.objects.filter(group=group, person=actor).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this group."), code="not_member")
    if membership.is_facilitator and _facilitator_count(group) == 1:
        raise ValidationError(
            _("You are the only facilitator. Hand the role over to another member before you leave."),
            code="last_facilitator",
        )
    membership.delete()
    signals.group_access_changed.send(sender=IntervisionGroup, group=group, person=actor)
    _log(group, actor, Verb.LEFT, subject=actor)
    _tell(
        _facilitators(group),
        group=group,
        template="group_left",
        text=_("%(person)s left %(group)s.") % {"person": actor, "group": group},
        url=group.get_absolute_url(),
        person=actor,
    )


@transaction.atomic
def group_member_remove(*, actor: User, group: IntervisionGroup, person: User) -> None:
    group = _lock(group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    membership = GroupMembership.objects.filter(group=group, person=person).first()
    if membership is None:
        raise ValidationError(_("%(person)s is not a member of this group.") % {"person": person}, code="not_member")
    if membership.is_facilitator and _facilitator_count(group) == 1:
        raise ValidationError(
            _("%(person)s is the only facilitator. Hand the role over first.") % {"person": person},
            code="last_facilitator",
        )
    membership.delete()
    signals.group_access_changed.send(sender=IntervisionGroup, group=group, person=person)
    _log(group, actor, Verb.REMOVED, subject=person)
    _audit_role(actor, group, person, MEMBER_REMOVED, was=membership.role)
    _tell(
        [person],
        group=group,
        template="group_removed",
        text=_("You are no longer a member of %(group)s.") % {"group": group},
        url=reverse("community:groups"),
    )


@transaction.atomic
def group_facilitator_hand_over(
    *, actor: User, group: IntervisionGroup, to_person: User, mail_actor: bool = True
) -> None:
    """The actor's facilitator role goes to another member; the actor stays as a member.
    An administrator who is not a facilitator hands over the role of all current facilitators.
    `mail_actor=False`: the actor gets no confirmation (their account is being deleted)."""
    group = _lock(group)
    access = permissions.group_access(actor, group)
    _require(permissions.can_manage(access))
    target = GroupMembership.objects.filter(group=group, person=to_person).first()
    if target is None:
        raise ValidationError(_("Only a member of the group can become its facilitator."), code="not_member")
    if target.is_facilitator:
        raise ValidationError(_("%(person)s is already a facilitator.") % {"person": to_person}, code="facilitator")
    if access.is_facilitator:
        stepping_down = GroupMembership.objects.filter(pk=access.membership.pk)
    else:
        stepping_down = GroupMembership.objects.filter(group=group, role=Role.FACILITATOR)
    changed = [*stepping_down.values_list("person_id", flat=True), to_person.pk]
    stepping_down.update(role=Role.MEMBER)
    GroupMembership.objects.filter(pk=target.pk).update(role=Role.FACILITATOR)
    for person_id in changed:  # their open room sockets learn who moderates now
        signals.group_access_changed.send(sender=IntervisionGroup, group=group, person=User(pk=person_id))
    _log(group, actor, Verb.HANDED_OVER, subject=to_person)
    _audit_role(actor, group, to_person, FACILITATOR_HANDED_OVER, role=Role.FACILITATOR, stepped_down=changed[:-1])
    _tell(
        [to_person],
        group=group,
        template="group_facilitator",
        text=_("You are a facilitator of %(group)s.") % {"group": group},
        url=group.get_absolute_url(),
    )
    if mail_actor and actor != to_person:
        mail_send_on_commit(
            to=[actor.email],
            template="group_handed_over",
            context={"group": group, "person": to_person, "group_url": absolute_url(group.get_absolute_url())},
        )


@transaction.atomic
def group_facilitator_add(*, actor: User, group: IntervisionGroup, person: User) -> None:
    """Make a member a co-facilitator (facilitators keep their role)."""
    group = _lock(group)
    _require(permissions.can_manage(permissions.group_access(actor, group)))
    target = GroupMembership.objects.filter(group=group, person=person).first()
    if target is None:
        raise ValidationError(_("Only a member of the group can become its facilitator."), code="not_member")
    if target.is_facilitator:
        raise ValidationError(_("%(person)s is already a facilitator.") % {"person": person}, code="facilitator")
    GroupMembership.objects.filter(pk=target.pk).update(role=Role.FACILITATOR)
    signals.group_access_changed.send(sender=IntervisionGroup, group=group, person=person)
    _log(group, actor, Verb.FACILITATOR_ADDED, subject=person)
    _audit_role(actor, group, person, FACILITATOR_ADDED, role=Role.FACILITATOR)
    _tell(
        [person],
        group=group,
        template="group_facilitator",
        text=_("You are a facilitator of %(group)s.") % {"group": group},
        url=group.get_absolute_url(),
    )
