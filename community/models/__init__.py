"""The community app's models, one module per part of the domain (see DESIGN.md)."""

from .groups import GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest
from .organisations import Membership, MembershipRequest, Organisation, OrganisationArea
from .people import Notification, Profile, User, UserManager
from .places import Municipality, Postcode, Region
from .records import AuditEvent, LoginRecord

__all__ = [
    "AuditEvent",
    "GroupActivity",
    "GroupInvitation",
    "GroupMembership",
    "IntervisionGroup",
    "JoinRequest",
    "LoginRecord",
    "Membership",
    "MembershipRequest",
    "Municipality",
    "Notification",
    "Organisation",
    "OrganisationArea",
    "Postcode",
    "Profile",
    "Region",
    "User",
    "UserManager",
]
