"""Who may see and do what in the community: the one place views, templates, consumers and
search ask. Secret groups are invisible to outsiders; views answer 404 for them, never 403.

`GroupAccess` is computed once per request (one query) and passed to the rule functions, so
a page that asks ten questions about one group costs one lookup.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import GroupMembership, IntervisionGroup, JoinRequest, Membership, Profile, User

MANAGE_COMMUNITY = "community.manage_community"


def is_platform_admin(user) -> bool:
    """Administrators manage organisations, regions and every group (not editors)."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(MANAGE_COMMUNITY)))


@dataclass(frozen=True)
class GroupAccess:
    user: User | None
    group: IntervisionGroup
    membership: GroupMembership | None
    pending_request: JoinRequest | None
    is_admin: bool

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_facilitator(self) -> bool:
        return self.membership is not None and self.membership.is_facilitator


def group_access(user, group: IntervisionGroup) -> GroupAccess:
    if not (user.is_authenticated and user.is_active):
        return GroupAccess(None, group, None, None, False)
    membership = GroupMembership.objects.filter(group=group, person=user).first()
    pending = None
    if membership is None and group.visibility == IntervisionGroup.Visibility.CLOSED:
        pending = JoinRequest.objects.filter(group=group, person=user, status=JoinRequest.Status.PENDING).first()
    return GroupAccess(user, group, membership, pending, is_platform_admin(user))


def can_view_group(access: GroupAccess) -> bool:
    if access.group.visibility != IntervisionGroup.Visibility.SECRET:
        return True
    return access.is_member or access.is_admin


def must_log_in_to_view_group(access: GroupAccess) -> bool:
    """Open and closed groups exist publicly but their pages are for members of the platform."""
    return not access.is_authenticated


def can_see_members(access: GroupAccess) -> bool:
    return access.is_member or access.is_admin


def can_join(access: GroupAccess) -> bool:
    return (
        access.is_authenticated and not access.is_member and access.group.visibility == IntervisionGroup.Visibility.OPEN
    )


def can_request_to_join(access: GroupAccess) -> bool:
    return (
        access.is_authenticated
        and not access.is_member
        and access.pending_request is None
        and access.group.visibility == IntervisionGroup.Visibility.CLOSED
    )


def can_withdraw_request(access: GroupAccess) -> bool:
    return access.pending_request is not None


def can_leave(access: GroupAccess) -> bool:
    return access.is_member


def can_manage(access: GroupAccess) -> bool:
    """Facilitators and administrators: decide requests, invite, remove, hand over, edit, read the log."""
    return access.is_facilitator or access.is_admin


def can_create_group(user) -> bool:
    return is_platform_admin(user)


def groups_visible_to(user) -> QuerySet[IntervisionGroup]:
    """Every group the person may know exists; secret groups only for their members."""
    groups = IntervisionGroup.objects.all()
    if is_platform_admin(user):
        return groups
    public = ~Q(visibility=IntervisionGroup.Visibility.SECRET)
    if not user.is_authenticated:
        return groups.filter(public)
    own = Exists(GroupMembership.objects.filter(group=OuterRef("pk"), person=user))
    return groups.filter(public | own)


def group_ids_of(user) -> QuerySet:
    """The ids of the groups a person is a member of (the search scope "group N")."""
    return GroupMembership.objects.filter(person=user).values("group_id")


# People ---------------------------------------------------------------------------------------


def _connected_people(user) -> Q:
    """People who share an organisation or an intervision group with `user`."""
    organisations = Membership.objects.filter(person=user).values("organisation_id")
    groups = GroupMembership.objects.filter(person=user).values("group_id")
    return Q(Exists(Membership.objects.filter(person=OuterRef("user_id"), organisation_id__in=organisations))) | Q(
        Exists(GroupMembership.objects.filter(person=OuterRef("user_id"), group_id__in=groups))
    )


def profiles_visible_to(user) -> QuerySet[Profile]:
    profiles = Profile.objects.filter(user__is_active=True)
    if is_platform_admin(user):
        return profiles
    public = Q(visibility=Profile.Visibility.PUBLIC)
    if not (user.is_authenticated and user.is_active):
        return profiles.filter(public)
    members = Q(visibility=Profile.Visibility.MEMBERS)
    return profiles.filter(
        public | members | Q(user=user) | (Q(visibility=Profile.Visibility.CONNECTIONS) & _connected_people(user))
    )


def can_view_profile(viewer, profile: Profile) -> bool:
    return profiles_visible_to(viewer).filter(pk=profile.pk).exists()


def can_see_email(viewer, profile: Profile) -> bool:
    """Assumes the viewer may see the profile; the address only when the person shares it."""
    return profile.share_email or viewer.pk == profile.user_id


# Naming people: every place that shows who someone is (docs/privacy.md, "Where people are named")


NOBODY = "nobody"  # an audience: a deactivated account, or one without a profile


def audience_of(user: User) -> str:
    """Who may see this person's profile, as its visibility value ("public", "members",
    "connections") or NOBODY; reads `user.profile` (select it with the user)."""
    profile = getattr(user, "profile", None)
    if profile is None or not user.is_active:
        return NOBODY
    return profile.visibility


def audiences_of(person_ids) -> dict[int, str]:
    """`audience_of` for many people in one query (none for no ids); unknown ids are NOBODY."""
    ids = {pk for pk in person_ids if pk}
    if not ids:
        return {}
    rows = Profile.objects.filter(user_id__in=ids, user__is_active=True).values_list("user_id", "visibility")
    return dict.fromkeys(ids, NOBODY) | dict(rows)


def audience_decides(audience: str, *, viewer_id: int | None, viewer_is_admin: bool, person_id: int) -> bool | None:
    """`profiles_visible_to` answered from a person's audience, for a viewer who is an active
    member (`viewer_id`) or anonymous (None): True or False, or None when it depends on whether the
    two are connected (`people_connected_to`). Sockets use it to name people in announcements
    without a query; keep it in step with `profiles_visible_to`."""
    if audience == NOBODY:
        return False
    if audience == Profile.Visibility.PUBLIC:
        return True
    if viewer_id is None:
        return False
    if audience == Profile.Visibility.MEMBERS or person_id == viewer_id or viewer_is_admin:
        return True
    return None


def people_connected_to(viewer, person_ids) -> set[int]:
    """Of `person_ids`, the people who share an organisation or an intervision group with the
    viewer (the connections of `profiles_visible_to`): one query, none for no ids."""
    ids = {pk for pk in person_ids if pk}
    if not ids or not (viewer.is_authenticated and viewer.is_active):
        return set()
    return set(
        Profile.objects.filter(user_id__in=ids).filter(_connected_people(viewer)).values_list("user_id", flat=True)
    )


def people_visible_to(viewer, person_ids, *, audiences: dict[int, str] | None = None) -> set[int]:
    """Of `person_ids`, the people whose profile `viewer` may see, so whom the viewer may see
    named. One query; with the people's `audiences` known (`audiences_of`), only for those whose
    profile is for their connections, and none when there are none."""
    ids = {pk for pk in person_ids if pk}
    if not ids:
        return set()
    if audiences is None:
        return set(profiles_visible_to(viewer).filter(user_id__in=ids).values_list("user_id", flat=True))
    viewer_id = viewer.pk if viewer.is_authenticated and viewer.is_active else None
    visible, undecided = set(), set()
    for pk in ids:
        decided = audience_decides(audiences.get(pk, NOBODY), viewer_id=viewer_id, viewer_is_admin=False, person_id=pk)
        if decided is None:
            undecided.add(pk)
        elif decided:
            visible.add(pk)
    if undecided and is_platform_admin(viewer):
        return visible | undecided
    return visible | people_connected_to(viewer, undecided)


# Linking people to organisations (docs/community.md, "Linking yourself to an organisation") --------


def platform_admins() -> QuerySet[User]:
    """The people `is_platform_admin` says yes to, as a query: active superusers and holders of
    `community.manage_community`, directly or through a group."""
    app_label, codename = MANAGE_COMMUNITY.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = User.objects.filter(Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
    return User.objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(pk__in=holders.values("pk")))


def organisation_coordinators(organisation) -> QuerySet[User]:
    """An organisation's own administrators: its active members with the coordinator role."""
    return User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=Membership.Role.COORDINATOR
    )


def membership_request_deciders(organisation) -> tuple[QuerySet[User], bool]:
    """Who decides a request to be linked to `organisation`: its coordinators, or the platform
    administrators while it has none and for a proposed organisation (`organisation` None).
    The flag says whether it is the platform administrators."""
    if organisation is not None:
        coordinators = organisation_coordinators(organisation)
        if coordinators.exists():
            return coordinators, False
    return platform_admins(), True


def can_decide_membership_request(user, membership_request) -> bool:
    """Nobody decides their own request, also not an administrator."""
    if not (user.is_authenticated and user.is_active) or membership_request.person_id == user.pk:
        return False
    deciders, _by_platform = membership_request_deciders(membership_request.organisation)
    return deciders.filter(pk=user.pk).exists()


def membership_organisations_decided_by(user) -> QuerySet:
    """The organisations whose requests `user` decides: those they coordinate and, for a platform
    administrator, those without an active coordinator."""
    from .models import Organisation

    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    coordinators = Membership.objects.filter(organisation=OuterRef("pk"), role=Membership.Role.COORDINATOR)
    coordinated = Q(Exists(coordinators.filter(person=user)))
    if not is_platform_admin(user):
        return Organisation.objects.filter(coordinated)
    return Organisation.objects.filter(coordinated | ~Q(Exists(coordinators.filter(person__is_active=True))))


@dataclass(frozen=True)
class DecidersNamed:
    """Who decides, as a page may tell the asker: `names` are display names, and empty when the
    profile of one of the deciders is hidden from the asker (`profiles_visible_to`): then the page
    says "the coordinators of <organisation>" or "the platform administrators" without names."""

    organisation: object
    by_platform: bool
    names: list[str]


def membership_deciders_named(viewer, organisation) -> DecidersNamed:
    deciders, by_platform = membership_request_deciders(organisation)
    people = list(deciders.select_related("profile").order_by("profile__display_name", "pk"))
    ids = [person.pk for person in people]
    visible = set(profiles_visible_to(viewer).filter(user_id__in=ids).values_list("user_id", flat=True))
    names = [person.display_name for person in people] if people and visible >= set(ids) else []
    return DecidersNamed(organisation, by_platform, names)
