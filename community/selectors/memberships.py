"""Reads of the membership requests: a person's own, and the ones a person decides
(community.services.memberships writes them; docs/community.md)."""

from django.db.models import Prefetch, QuerySet

from .. import permissions
from ..models import MembershipRequest, Municipality, User

Status = MembershipRequest.Status


def membership_requests_of(*, person: User) -> QuerySet[MembershipRequest]:
    """A person's own requests and proposals, open ones first, then the last decided ones."""
    return (
        MembershipRequest.objects.filter(person=person)
        .exclude(status=Status.WITHDRAWN)
        .select_related("organisation")
        .prefetch_related(Prefetch("proposed_municipalities", queryset=Municipality.objects.order_by("name_nl")))
        .order_by("-created_at", "-id")
    )


def membership_requests_to_decide(*, user: User) -> QuerySet[MembershipRequest]:
    """The open requests `user` decides on the site (never their own); proposals are in the CMS."""
    return (
        MembershipRequest.objects.filter(
            status=Status.PENDING,
            organisation__in=permissions.membership_organisations_decided_by(user),
        )
        .exclude(person=user)
        .select_related("organisation", "person__profile")
        .order_by("created_at", "id")
    )
