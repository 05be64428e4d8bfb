"""Reads of the community app that carry rules."""

from django.db.models import Count, Max, Q

from .models import Notification, User

NOTIFICATION_PAGE_SIZE = 50


def notifications_for(*, user: User, after_id: int = 0, limit: int = NOTIFICATION_PAGE_SIZE):
    """A person's own notifications, newest first; `after_id` returns only newer ones (resume)."""
    queryset = Notification.objects.filter(recipient=user)
    if after_id:
        queryset = queryset.filter(pk__gt=after_id)
    return list(queryset.order_by("-id")[:limit])


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_state_for(*, user: User) -> dict:
    """Unread count and newest id in one query: the header badge and where live updates resume."""
    state = Notification.objects.filter(recipient=user).aggregate(
        last_id=Max("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return {"last_id": state["last_id"] or 0, "unread": state["unread"]}
