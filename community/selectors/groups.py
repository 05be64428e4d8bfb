"""Reads about intervision groups, filtered by `community.permissions`."""

from django.db.models import Count, Prefetch

from .. import permissions
from ..models import GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest, Region, User


def group_list(*, user, region: Region | None = None) -> list[IntervisionGroup]:
    """The groups a person may know exist, with member counts and whether they are in them.
    With `region`: the groups whose own region overlaps it (a group of Kempen is in Antwerpen)."""
    groups = permissions.groups_visible_to(user)
    if region is not None:
        overlapping = IntervisionGroup.objects.filter(region__municipalities__in=region.municipalities.all())
        groups = groups.filter(pk__in=overlapping.values("pk"))
    groups = (
        groups.select_related("region")
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(role=GroupMembership.Role.FACILITATOR).select_related(
                    "person__profile"
                ),
                to_attr="facilitator_memberships",
            )
        )
        .order_by("name")
    )
    mine = set()
    if user.is_authenticated:
        mine = set(GroupMembership.objects.filter(person=user).values_list("group_id", flat=True))
    result = list(groups)
    for group in result:
        group.is_mine = group.pk in mine
    return result


def group_by_slug(*, slug: str) -> IntervisionGroup | None:
    return IntervisionGroup.objects.select_related("region").filter(slug=slug).first()


def group_members(*, group: IntervisionGroup) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(group=group, person__is_active=True)
        .select_related("person__profile")
        .order_by("role", "person__profile__display_name")
    )


def group_facilitators(*, group: IntervisionGroup) -> list[User]:
    return [
        membership.person
        for membership in GroupMembership.objects.filter(group=group, role=GroupMembership.Role.FACILITATOR)
        .select_related("person__profile")
        .order_by("person__profile__display_name")
    ]


def group_pending_requests(*, group: IntervisionGroup) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING).select_related("person__profile")
    )


def group_open_invitations(*, group: IntervisionGroup) -> list[GroupInvitation]:
    from django.utils import timezone

    return list(
        GroupInvitation.objects.filter(
            group=group, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("invited_by__profile")
    )


def group_activity(*, group: IntervisionGroup, limit: int = 200) -> list[GroupActivity]:
    return list(GroupActivity.objects.filter(group=group).select_related("actor__profile", "subject__profile")[:limit])


def group_member_count(*, group: IntervisionGroup) -> int:
    return GroupMembership.objects.filter(group=group).count()
