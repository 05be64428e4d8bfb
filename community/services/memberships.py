"""Linking yourself to an organisation: a request to be linked, and a proposal of an
organisation that is not listed yet (docs/community.md, "Linking yourself to an organisation").

Modelled on the group join request (`services.groups`): each function checks the rule in
`community.permissions`, writes in one transaction, and tells the people concerned in-app and by
e-mail after commit. A request goes to the organisation's coordinators, or to the platform
administrators while it has none; a proposal always goes to the platform administrators. A refused
change raises `ValidationError` (a rule of the flow, with a message for the form) or
`PermissionDenied` (not yours to decide) and changes nothing.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..mail import absolute_url, mail_send_on_commit
from ..models import Membership, MembershipRequest, Municipality, Organisation, User
from .notifications import notification_create
from .places import coverage_conflicts, membership_save, organisation_save

Status = MembershipRequest.Status
REASON_MAX_LENGTH = 1000


def open_request_cap() -> int:
    """Open requests and proposals one person may have at a time: enough for someone who works for
    a few organisations, not a way to ask every Huis at once."""
    return getattr(settings, "SAMENHUIS_MEMBERSHIP_REQUEST_CAP", 5)


def _request_url() -> str:
    return reverse("community:membership_request")


def decide_url(membership_request: MembershipRequest) -> str:
    """Where the deciders answer: the site for a request, the CMS for a proposal."""
    if membership_request.organisation_id is None:
        return reverse("community_proposals:edit", args=[membership_request.pk])
    return reverse("community:membership_request_decide", kwargs={"pk": membership_request.pk})


def _tell(people, *, template: str, text: str, url: str, **context) -> None:
    """An in-app notification and an e-mail for each active person (both after commit)."""
    people = [person for person in people if person is not None and person.is_active]
    for person in people:
        # The person the text names, if any, is the mail's `person`: deleting them takes the name out.
        notification_create(recipient=person, text=text, url=url, actor=context.get("person"))
    mail_send_on_commit(to=[person.email for person in people], template=template, context=context)


def _lock_person(person: User) -> None:
    """One person's requests are counted with their row locked, so two at once cannot pass the cap."""
    User.objects.select_for_update().filter(pk=person.pk).first()


def _lock(membership_request: MembershipRequest) -> MembershipRequest:
    return (
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "person")
        .get(pk=membership_request.pk)
    )


def _require_member(actor) -> None:
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Log in to ask to be linked to an organisation."))


def _require_room_for_another(actor: User) -> None:
    count = MembershipRequest.objects.filter(person=actor, status=Status.PENDING).count()
    if count >= open_request_cap():
        raise ValidationError(
            _(
                "You already have %(count)s open requests. Wait until one is decided, or withdraw one, "
                "before you ask again."
            )
            % {"count": count},
            code="too_many",
        )


def _role_valid(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose your role in the organisation."), code="role")


def _require_pending(membership_request: MembershipRequest) -> None:
    if not membership_request.is_pending:
        raise ValidationError(_("This request has already been handled."), code="handled")


def _require_decider(actor: User, membership_request: MembershipRequest) -> None:
    if membership_request.person_id == actor.pk:
        raise PermissionDenied(_("Someone else decides on your own request."))
    if not permissions.can_decide_membership_request(actor, membership_request):
        raise PermissionDenied(_("You may not decide on this request."))


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why you decline: the person reads it."), code="reason_required")
    return reason[:REASON_MAX_LENGTH]


def _settle(membership_request: MembershipRequest, *, actor: User, status: str, reason: str = "") -> None:
    membership_request.status, membership_request.decline_reason = status, reason
    membership_request.decided_at, membership_request.decided_by = timezone.now(), actor
    membership_request.save(update_fields=["organisation", "status", "decline_reason", "decided_at", "decided_by"])


def _link(person: User, organisation: Organisation, role: str, *, actor: User) -> Membership:
    """The membership the request asked for; someone an administrator linked in the meantime keeps
    the link they have. A new link is a line in the audit trail, by whoever decided."""
    existing = Membership.objects.filter(person=person, organisation=organisation).first()
    return existing or membership_save(person=person, organisation=organisation, role=role, actor=actor)


def _tell_approved(membership_request: MembershipRequest, *, outcome: str) -> None:
    organisation = membership_request.organisation
    role = membership_request.get_role_display()
    if outcome == "accepted":
        text = _("%(organisation)s is now on Samenhuis, and you are linked to it as %(role)s.")
    elif outcome == "merged":
        text = _("You are linked to %(organisation)s as %(role)s: it was already on Samenhuis.")
    else:
        text = _("You are now linked to %(organisation)s as %(role)s.")
    _tell(
        [membership_request.person],
        template="membership_request_approved",
        text=text % {"organisation": organisation.name, "role": role.lower()},
        url=organisation.get_absolute_url(),
        membership_request=membership_request,
        organisation=organisation,
        outcome=outcome,
        organisation_url=absolute_url(organisation.get_absolute_url()),
        profile_url=absolute_url(reverse("community:profile")),
    )


def _tell_declined(membership_request: MembershipRequest) -> None:
    _tell(
        [membership_request.person],
        template="membership_request_declined",
        text=_("Your request for %(organisation)s was declined. The reason is on the page.")
        % {"organisation": str(membership_request)},
        url=_request_url(),
        membership_request=membership_request,
        request_url=absolute_url(_request_url()),
    )


# Asking ------------------------------------------------------------------------------------------


@transaction.atomic
def membership_request_create(
    *, actor: User, organisation: Organisation, role: str, message: str = ""
) -> MembershipRequest:
    """Ask to be linked to a listed organisation in a role; its deciders hear it."""
    _require_member(actor)
    _lock_person(actor)
    _role_valid(role)
    if Membership.objects.filter(person=actor, organisation=organisation).exists():
        raise ValidationError(
            _("You are already linked to %(organisation)s. It is on your profile.") % {"organisation": organisation},
            code="member",
        )
    already = _("You already asked to be linked to %(organisation)s. You hear it as soon as someone decides.") % {
        "organisation": organisation
    }
    if MembershipRequest.objects.filter(person=actor, organisation=organisation, status=Status.PENDING).exists():
        raise ValidationError(already, code="pending")
    _require_room_for_another(actor)
    try:
        with transaction.atomic():
            membership_request = MembershipRequest.objects.create(
                person=actor, organisation=organisation, role=role, message=message.strip()[:1000]
            )
    except IntegrityError as error:  # the same request sent twice at the same moment
        raise ValidationError(already, code="pending") from error
    deciders, by_platform = permissions.membership_request_deciders(organisation)
    url = decide_url(membership_request)
    _tell(
        deciders.exclude(pk=actor.pk),
        template="membership_requested",
        text=_("%(person)s asks to be linked to %(organisation)s as %(role)s.")
        % {"person": actor, "organisation": organisation, "role": membership_request.get_role_display().lower()},
        url=url,
        membership_request=membership_request,
        person=actor,
        organisation=organisation,
        by_platform=by_platform,
        decide_url=absolute_url(url),
    )
    return membership_request


def _proposal_municipalities_check(*, name: str, kind: str, municipalities: list[Municipality]) -> None:
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            _("%(name)s is already on Samenhuis. Search for it and ask to be linked to it.") % {"name": name},
            code="exists",
        )
    if kind == Organisation.Kind.HOUSE and not municipalities:
        raise ValidationError(_("Name the municipalities this Huis van het Kind covers."), code="no_municipality")
    conflicts = coverage_conflicts(organisation=Organisation(kind=kind), municipalities=municipalities)
    if conflicts:
        raise ValidationError([ValidationError(conflict, code="already_covered") for conflict in conflicts])


@transaction.atomic
def organisation_propose(
    *,
    actor: User,
    name: str,
    kind: str,
    municipalities,
    website: str = "",
    role: str,
    message: str = "",
) -> MembershipRequest:
    """Propose an organisation that is not listed, with your role in it; the platform
    administrators accept it, merge it with a listed one, or decline it."""
    _require_member(actor)
    _lock_person(actor)
    _role_valid(role)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the name of the organisation."), code="no_name")
    if kind not in Organisation.Kind.values:
        raise ValidationError(_("Choose the kind of organisation."), code="kind")
    municipalities = list(municipalities)
    _proposal_municipalities_check(name=name, kind=kind, municipalities=municipalities)
    if MembershipRequest.objects.filter(
        person=actor, organisation__isnull=True, proposed_name__iexact=name, status=Status.PENDING
    ).exists():
        raise ValidationError(
            _("You already proposed %(name)s. You hear it as soon as an administrator decides.") % {"name": name},
            code="pending",
        )
    _require_room_for_another(actor)
    proposal = MembershipRequest(
        person=actor,
        role=role,
        message=message.strip()[:1000],
        proposed_name=name,
        proposed_kind=kind,
        proposed_website=website.strip(),
    )
    proposal.full_clean(exclude=["organisation"])
    proposal.save()
    proposal.proposed_municipalities.set(municipalities)
    deciders, _by_platform = permissions.membership_request_deciders(None)
    url = decide_url(proposal)
    _tell(
        deciders.exclude(pk=actor.pk),
        template="organisation_proposed",
        text=_("%(person)s proposes a new organisation: %(name)s.") % {"person": actor, "name": name},
        url=url,
        proposal=proposal,
        person=actor,
        municipalities=municipalities,
        decide_url=absolute_url(url),
    )
    return proposal


@transaction.atomic
def membership_request_withdraw(*, actor: User, membership_request: MembershipRequest) -> MembershipRequest:
    """The person takes back their own open request or proposal."""
    membership_request = _lock(membership_request)
    if membership_request.person_id != actor.pk or not membership_request.is_pending:
        raise ValidationError(_("There is no open request to withdraw."), code="no_request")
    _settle(membership_request, actor=actor, status=Status.WITHDRAWN)
    return membership_request


# Deciding ----------------------------------------------------------------------------------------


@transaction.atomic
def membership_request_decide(
    *, actor: User, membership_request: MembershipRequest, approve: bool, reason: str = ""
) -> MembershipRequest:
    """Approve (the person is linked in the role they asked for) or decline with a reason the
    person reads. Proposals are decided with the `organisation_proposal_*` functions."""
    membership_request = _lock(membership_request)
    if membership_request.organisation_id is None:
        raise ValidationError(_("A proposed organisation is accepted, merged or declined in the CMS."), code="proposal")
    _require_decider(actor, membership_request)
    _require_pending(membership_request)
    if approve:
        _link(membership_request.person, membership_request.organisation, membership_request.role, actor=actor)
        _settle(membership_request, actor=actor, status=Status.APPROVED)
        _tell_approved(membership_request, outcome="approved")
    else:
        _settle(membership_request, actor=actor, status=Status.DECLINED, reason=_reason_clean(reason))
        _tell_declined(membership_request)
    return membership_request


def _proposal_lock(actor: User, proposal: MembershipRequest) -> MembershipRequest:
    proposal = _lock(proposal)
    if not proposal.is_proposal:
        raise ValidationError(_("This is not a proposed organisation."), code="not_proposal")
    _require_decider(actor, proposal)
    _require_pending(proposal)
    return proposal


@transaction.atomic
def organisation_proposal_accept(
    *, actor: User, proposal: MembershipRequest, name: str, kind: str, website: str = "", municipalities
) -> Organisation:
    """Add the proposed organisation, as the administrator corrected it, and link the person to it.
    A Huis claiming a municipality another Huis covers is refused, naming that Huis."""
    proposal = _proposal_lock(actor, proposal)
    name = " ".join(name.split())
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            _("%(name)s is already on Samenhuis: merge the proposal with it instead.") % {"name": name},
            code="exists",
        )
    organisation = organisation_save(
        organisation=Organisation(name=name, kind=kind, website=website.strip()), municipalities=municipalities
    )
    membership_save(person=proposal.person, organisation=organisation, role=proposal.role, actor=actor)
    proposal.organisation = organisation
    _settle(proposal, actor=actor, status=Status.APPROVED)
    _tell_approved(proposal, outcome="accepted")
    return organisation


@transaction.atomic
def organisation_proposal_merge(
    *, actor: User, proposal: MembershipRequest, organisation: Organisation
) -> MembershipRequest:
    """The proposed organisation is one that is listed: link the person to that one instead."""
    proposal = _proposal_lock(actor, proposal)
    _link(proposal.person, organisation, proposal.role, actor=actor)
    proposal.organisation = organisation
    _settle(proposal, actor=actor, status=Status.MERGED)
    _tell_approved(proposal, outcome="merged")
    return proposal


@transaction.atomic
def organisation_proposal_decline(*, actor: User, proposal: MembershipRequest, reason: str) -> MembershipRequest:
    proposal = _proposal_lock(actor, proposal)
    _settle(proposal, actor=actor, status=Status.DECLINED, reason=_reason_clean(reason))
    _tell_declined(proposal)
    return proposal
