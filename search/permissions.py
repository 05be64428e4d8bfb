"""Which parts of the index a visitor may search: the scopes handed to every backend query.

Everyone: "public". Members of the platform: also "members" (thematic rooms). Members of an
intervision group: also "group:<id>" (its room). Administrators get no group scopes: group rooms
are for their members only, as in `rooms.permissions.RoomAccess`."""

from community.models import GroupMembership


def scopes_for(user) -> tuple[str, ...]:
    if not (user.is_authenticated and user.is_active):
        return ("public",)
    groups = GroupMembership.objects.filter(person=user).values_list("group_id", flat=True)
    return ("public", "members", *(f"group:{group_id}" for group_id in sorted(groups)))
