"""Who may read, post and moderate in a discussion room: the one place views, consumers,
services and search ask (docs/realtime.md, "Who may do what"). Who may see a person's name is
community's rule (`community.permissions.people_visible_to` and its helpers).
"""

import functools
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from community.models import GroupMembership, IntervisionGroup, Profile, User
from community.permissions import MANAGE_COMMUNITY, NOBODY

from .models import Room, RoomMember


@dataclass(frozen=True)
class RoomAccess:
    """What one person may do in one room, computed with one query (see `room_access`).

    Group rooms follow the group: its members read and post, its facilitators moderate; nobody
    else reads them, administrators included (intervision is confidential). Thematic rooms and
    rooms an administrator opened are for every active member of the platform; administrators
    moderate them."""

    user: User | None
    room: Room
    state: RoomMember | None
    group_role: str | None
    is_admin: bool
    # Who may see the person's own profile (`community.permissions.audience_of`), read in the same
    # query: a post names its author without asking again.
    audience: str = NOBODY

    @property
    def can_read(self) -> bool:
        if self.user is None:
            return False
        if self.room.kind == Room.Kind.GROUP:
            return self.group_role is not None
        return True

    @property
    def is_hidden(self) -> bool:
        """Whether the room must look as if it did not exist (404, close 4404): a secret group's room."""
        return (
            not self.can_read
            and self.room.kind == Room.Kind.GROUP
            and self.room.group.visibility == IntervisionGroup.Visibility.SECRET
        )

    @property
    def can_moderate(self) -> bool:
        if self.room.kind == Room.Kind.GROUP:
            return self.group_role == GroupMembership.Role.FACILITATOR
        return self.is_admin

    @property
    def is_muted(self) -> bool:
        return self.state is not None and self.state.is_muted

    @property
    def can_post(self) -> bool:
        return self.can_read and not self.room.is_archived and not self.is_muted


@functools.cache
def _room_access_sql() -> str:
    """One statement for `room_access`, written out: it runs for every frame of every room
    socket, and Django needs longer to compile the same question as subqueries (about 5 ms on
    the 2-core machine) than the database needs to answer this one (about 1 ms)."""
    tables = {
        "user": User._meta.db_table,
        "user_permissions": User.user_permissions.through._meta.db_table,
        "user_groups": User.groups.through._meta.db_table,
        "group_permissions": Permission.group_set.through._meta.db_table,
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "member": RoomMember._meta.db_table,
        "membership": GroupMembership._meta.db_table,
        "profile": Profile._meta.db_table,
    }
    return """
        SELECT u.is_superuser,
               EXISTS (SELECT 1 FROM {user_permissions} up
                         JOIN {permission} p ON p.id = up.permission_id
                         JOIN {content_type} ct ON ct.id = p.content_type_id
                        WHERE up.user_id = u.id AND ct.app_label = %(app)s AND p.codename = %(codename)s)
            OR EXISTS (SELECT 1 FROM {user_groups} ug
                         JOIN {group_permissions} gp ON gp.group_id = ug.group_id
                         JOIN {permission} p ON p.id = gp.permission_id
                         JOIN {content_type} ct ON ct.id = p.content_type_id
                        WHERE ug.user_id = u.id AND ct.app_label = %(app)s AND p.codename = %(codename)s),
               s.id, s.last_read_seq, s.notify, s.muted_until IS NOT NULL AND s.muted_until > %(now)s,
               g.role, pr.visibility
          FROM {user} u
          LEFT JOIN {member} s ON s.person_id = u.id AND s.room_id = %(room)s
          LEFT JOIN {membership} g ON g.person_id = u.id AND g.group_id = %(group)s
          LEFT JOIN {profile} pr ON pr.user_id = u.id
         WHERE u.id = %(person)s AND u.is_active
    """.format(**tables)  # noqa: S608 - table names from the models; every value is a parameter


def room_access(user, room: Room) -> RoomAccess:
    """One query: whether the person is still active and an administrator, their room state,
    their group role and who may see their profile, read from the database now (a socket asks for every frame)."""
    if not (user.is_authenticated and user.is_active):
        return RoomAccess(None, room, None, None, False)
    app_label, codename = MANAGE_COMMUNITY.split(".")
    parameters = {
        "app": app_label,
        "codename": codename,
        "now": timezone.now(),
        "room": room.pk,
        "group": room.group_id,
        "person": user.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_room_access_sql(), parameters)
        row = cursor.fetchone()
    if row is None:
        return RoomAccess(None, room, None, None, False)
    is_superuser, manages, state_id, last_read_seq, notify, muted, group_role, visibility = row
    state = None
    if state_id is not None:
        state = RoomMember(id=state_id, room=room, person=user, last_read_seq=last_read_seq, notify=notify)
        if muted:
            state.muted_until = RoomMember.objects.values_list("muted_until", flat=True).get(pk=state_id)
    return RoomAccess(user, room, state, group_role, bool(is_superuser or manages), visibility or NOBODY)


def rooms_readable_by(user) -> QuerySet[Room]:
    if not (user.is_authenticated and user.is_active):
        return Room.objects.none()
    own_groups = GroupMembership.objects.filter(person=user).values("group_id")
    return Room.objects.filter(~Q(kind=Room.Kind.GROUP) | Q(group_id__in=own_groups))


def room_readers(room: Room) -> QuerySet[User]:
    """Everyone who may read the room: the people a mention may name and who may be notified."""
    people = User.objects.filter(is_active=True)
    if room.kind == Room.Kind.GROUP:
        return people.filter(group_memberships__group_id=room.group_id)
    return people
