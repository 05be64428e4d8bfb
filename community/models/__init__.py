"""The community app's models, one module per part of the domain (see DESIGN.md)."""

from .groups import GroupActivity, GroupInvitation, GroupMembership, IntervisionGroup, JoinRequest
from .organisations import Membership, MembershipRequest, Organisation, OrganisationArea
from .people import Notification, Profile, User, UserManager
from .places import Municipality, Postcode, Region
from .rooms import (
    MESSAGE_MAX_LENGTH,
    Attachment,
    Message,
    MessageRevision,
    ModerationAction,
    Presence,
    Reaction,
    Report,
    Room,
    RoomMember,
)

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "Attachment",
    "GroupActivity",
    "GroupInvitation",
    "GroupMembership",
    "IntervisionGroup",
    "JoinRequest",
    "Membership",
    "MembershipRequest",
    "Message",
    "MessageRevision",
    "ModerationAction",
    "Municipality",
    "Notification",
    "Organisation",
    "OrganisationArea",
    "Postcode",
    "Presence",
    "Profile",
    "Reaction",
    "Region",
    "Report",
    "Room",
    "RoomMember",
    "User",
    "UserManager",
]
