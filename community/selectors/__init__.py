"""Reads of the community app that carry rules, one module per area."""

from .notifications import (
    NOTIFICATION_PAGE_SIZE,
    notification_state_for,
    notifications_after,
    notifications_page,
    notifications_unread_count,
)

__all__ = [
    "NOTIFICATION_PAGE_SIZE",
    "notification_state_for",
    "notifications_after",
    "notifications_page",
    "notifications_unread_count",
]
