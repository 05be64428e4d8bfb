"""Who may see and do what with events: the one place views, feeds, hooks and search ask.

Public events are Wagtail pages, readable by everyone; registering needs an account. Organisers
(who created the page, the coordinators and staff of the organising organisation, and platform
administrators) see the attendees; being allowed to edit pages in the agenda is not enough, since
the CMS group for event organisers may edit every event. Group meetings and their links are for
the group's members only; to anyone else a meeting of a secret group does not exist (404). See
docs/events.md.
"""

from django.db.models import QuerySet

from community.models import GroupMembership, Membership
from community.permissions import is_platform_admin

from .models import EventMaterial, EventPage, GroupMeeting, Registration

ORGANISER_ROLES = (Membership.Role.COORDINATOR, Membership.Role.STAFF)


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_register(user) -> bool:
    return _active(user)


def can_manage_event(user, event: EventPage) -> bool:
    """See the attendee list with answers, export it, mail the attendees."""
    if not _active(user):
        return False
    if user.is_superuser or is_platform_admin(user):
        return True
    if event.owner_id == user.pk:
        return True  # who created the page in the CMS
    return bool(
        event.organiser_id
        and Membership.objects.filter(
            person=user, organisation_id=event.organiser_id, role__in=ORGANISER_ROLES
        ).exists()
    )


def is_attendee(user, event: EventPage) -> bool:
    return (
        _active(user)
        and Registration.objects.filter(event=event, person=user, status=Registration.Status.CONFIRMED).exists()
    )


def is_insider(user, event: EventPage) -> bool:
    """Attendees (a confirmed seat) and organisers: they see the online link and the
    attendees-only materials."""
    return is_attendee(user, event) or can_manage_event(user, event)


def can_see_material(user, material: EventMaterial) -> bool:
    return material.is_public or is_insider(user, material.page)


def materials_for_everyone() -> QuerySet[EventMaterial]:
    """Materials anyone may read (and search): for everyone, and not a document that another
    event keeps for its attendees (the stricter audience wins, as at the document's address)."""
    kept = EventMaterial.objects.filter(audience=EventMaterial.Audience.ATTENDEES, document__isnull=False)
    return EventMaterial.objects.filter(audience=EventMaterial.Audience.PUBLIC).exclude(
        document__in=kept.values("document")
    )


def materials_visible(event: EventPage, *, insider: bool) -> list[EventMaterial]:
    """The event's materials for someone who is (or is not) an insider (`is_insider`)."""
    materials = list(event.materials.select_related("document"))
    if insider:
        return materials
    if event.pk is None:  # a new event previewed in the CMS: nothing stored to compare with
        return [material for material in materials if material.is_public]
    open_ids = set(materials_for_everyone().filter(page=event).values_list("pk", flat=True))
    return [material for material in materials if material.pk in open_ids]


# Group meetings ---------------------------------------------------------------------------------


def group_membership(user, group) -> GroupMembership | None:
    if not _active(user):
        return None
    return GroupMembership.objects.filter(group=group, person=user).first()


def can_view_meetings(membership: GroupMembership | None) -> bool:
    return membership is not None


def can_manage_meetings(membership: GroupMembership | None) -> bool:
    return membership is not None and membership.is_facilitator


def meetings_for_member(user) -> QuerySet[GroupMeeting]:
    """Meetings of every group the person belongs to (for the personal feed and 'my agenda')."""
    if not _active(user):
        return GroupMeeting.objects.none()
    return GroupMeeting.objects.filter(group__memberships__person=user)
