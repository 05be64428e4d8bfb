"""Reads about intervision groups, filtered by `community.permissions`. People are named to a
viewer only when the viewer may see their profile (docs/privacy.md, "Where people are named")."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .. import permissions
from ..models import GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest, Region, User


def group_list(*, user, region: Region | None = None) -> list[IntervisionGroup]:
    """The groups a person may know exist, with member counts and whether they are in them.
    With `region`: the groups whose own region overlaps it (a group of Kempen is in Antwerpen)."""
    groups = permissions.groups_visible_to(user)
    if region is not None:
        overlapping = IntervisionGroup.objects.filter(region__municipalities__in=region.municipalities.all())
        groups = groups.filter(pk__in=overlapping.values("pk"))
    facilitator = Q(memberships__role=GroupMembership.Role.FACILITATOR)
    groups = (
        groups.select_related("region")
        .annotate(
            member_count=Count("memberships", distinct=True),
            facilitator_count=Count("memberships", filter=facilitator, distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                # Named: the facilitators whose profile the person may see; the others are counted.
                queryset=GroupMembership.objects.filter(
                    role=GroupMembership.Role.FACILITATOR,
                    person__profile__in=permissions.profiles_visible_to(user),
                )
                .select_related("person__profile")
                .order_by("person__profile__display_name"),
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
        group.facilitators_unnamed = group.facilitator_count - len(group.facilitator_memberships)
    return result


def group_by_slug(*, slug: str) -> IntervisionGroup | None:
    return IntervisionGroup.objects.select_related("region").filter(slug=slug).first()


def group_members(*, group: IntervisionGroup, viewer=None) -> list[GroupMembership]:
    """The group's active members; with `viewer`, those the viewer may see named. The member list
    is shown to the group's members and administrators only, who may see every member's profile
    (members of one group are connections), so the rule leaves out only an account without one."""
    memberships = GroupMembership.objects.filter(group=group, person__is_active=True)
    if viewer is not None:
        memberships = memberships.filter(person__profile__in=permissions.profiles_visible_to(viewer))
    return list(memberships.select_related("person__profile").order_by("role", "person__profile__display_name"))


@dataclass(frozen=True)
class NamedPeople:
    named: list[User]  # the people the viewer may see named
    others: int  # the rest: counted, not named


def group_facilitators(*, group: IntervisionGroup, viewer) -> NamedPeople:
    """The facilitators as `viewer` may see them: every member of the platform sees a visible
    group's facilitators, named when they may see their profile and otherwise counted. One query."""
    visible = permissions.profiles_visible_to(viewer).filter(user_id=OuterRef("pk"))
    people = list(
        User.objects.filter(group_memberships__group=group, group_memberships__role=GroupMembership.Role.FACILITATOR)
        .select_related("profile")
        .annotate(named=Exists(visible))
        .order_by("profile__display_name")
    )
    named = [person for person in people if person.named]
    return NamedPeople(named, len(people) - len(named))


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
