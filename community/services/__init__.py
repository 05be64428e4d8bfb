"""Every write of the community app; views, consumers, commands and tests call these.

One module per part of the domain; the names are re-exported here so callers write
`services.group_member_invite(...)`.
"""

from .audit import audit_record
from .groups import (
    group_create,
    group_facilitator_add,
    group_facilitator_hand_over,
    group_invitation_accept,
    group_invitation_revoke,
    group_member_invite,
    group_member_join,
    group_member_leave,
    group_member_remove,
    group_member_request,
    group_request_decide,
    group_request_withdraw,
    group_update,
    invitation_accepted_by,
    invitation_from_token,
    invitation_token,
    invitation_url,
)
from .memberships import (
    membership_request_create,
    membership_request_decide,
    membership_request_withdraw,
    organisation_proposal_accept,
    organisation_proposal_decline,
    organisation_proposal_merge,
    organisation_propose,
)
from .notifications import notification_create, notifications_create, notifications_mark_read
from .people import profile_create, profile_update
from .places import (
    coverage_conflicts,
    membership_save,
    municipalities_from_codes,
    organisation_areas_set,
    organisation_save,
    region_import,
    region_save,
)
from .records import login_record
from .retention import (
    audit_events_delete,
    group_invitations_delete,
    login_records_delete,
    notifications_delete,
    sessions_clear_expired,
)

__all__ = [
    "audit_events_delete",
    "audit_record",
    "coverage_conflicts",
    "group_create",
    "group_facilitator_add",
    "group_facilitator_hand_over",
    "group_invitation_accept",
    "group_invitation_revoke",
    "group_invitations_delete",
    "group_member_invite",
    "group_member_join",
    "group_member_leave",
    "group_member_remove",
    "group_member_request",
    "group_request_decide",
    "group_request_withdraw",
    "group_update",
    "invitation_accepted_by",
    "invitation_from_token",
    "invitation_token",
    "invitation_url",
    "login_record",
    "login_records_delete",
    "membership_request_create",
    "membership_request_decide",
    "membership_request_withdraw",
    "membership_save",
    "municipalities_from_codes",
    "notification_create",
    "notifications_create",
    "notifications_delete",
    "notifications_mark_read",
    "organisation_areas_set",
    "organisation_proposal_accept",
    "organisation_proposal_decline",
    "organisation_proposal_merge",
    "organisation_propose",
    "organisation_save",
    "profile_create",
    "profile_update",
    "region_import",
    "region_save",
    "sessions_clear_expired",
]
