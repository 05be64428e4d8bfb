"""Reads about people, always through `permissions.profiles_visible_to` (docs/privacy.md).

Members are addressed by their user id: that is what groups and organisations point at.
"""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from knowledge.models import LifeDomain

from .. import permissions
from ..models import Membership, Organisation, Profile, Region, User

MEMBER_PAGE_SIZE = 24


def _with_details(profiles: QuerySet[Profile]) -> QuerySet[Profile]:
    """Everything a member card or page shows, in a fixed number of queries."""
    return profiles.select_related("user").prefetch_related(
        Prefetch("expertise", queryset=LifeDomain.objects.order_by("sort_order", "name")),
        Prefetch("user__memberships", queryset=Membership.objects.select_related("organisation")),
    )


def member_directory(
    *,
    viewer,
    name: str = "",
    organisation: Organisation | None = None,
    region: Region | None = None,
    expertise: LifeDomain | None = None,
) -> QuerySet[Profile]:
    """The profiles `viewer` may see, filtered; `region` keeps the people whose organisations
    work in one of its municipalities."""
    profiles = permissions.profiles_visible_to(viewer)
    if name:
        profiles = profiles.filter(display_name__icontains=name)
    if organisation is not None:
        profiles = profiles.filter(user__memberships__organisation=organisation)
    if region is not None:
        working_there = Membership.objects.filter(
            person=OuterRef("user_id"), organisation__municipalities__in=region.municipalities.all()
        )
        profiles = profiles.filter(Exists(working_there))
    if expertise is not None:
        profiles = profiles.filter(expertise=expertise)
    return _with_details(profiles).order_by("display_name", "pk")


def member_profile(*, viewer, user_id: int, details: bool = True) -> Profile | None:
    """The profile of member `user_id` if `viewer` may see it; None for unknown and hidden alike.
    Without `details`: only the profile itself (enough to serve the photo)."""
    profiles = permissions.profiles_visible_to(viewer).filter(user_id=user_id)
    return (_with_details(profiles) if details else profiles).first()


def own_profile(*, user: User) -> Profile | None:
    """The person's own profile (an account made in a shell may have none yet)."""
    return Profile.objects.filter(user=user).prefetch_related("expertise").first()


def memberships_of(*, person: User) -> list[Membership]:
    return list(Membership.objects.filter(person=person).select_related("organisation"))
