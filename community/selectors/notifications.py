"""Reads of the community app that carry rules."""

from django.db.models import Count, Max, Q

from ..models import Notification, User

NOTIFICATION_PAGE_SIZE = 50


def notifications_page(*, user: User, before_id: int = 0, limit: int = NOTIFICATION_PAGE_SIZE):
    """One page of a person's own notifications, newest first, older than `before_id` if given.

    Returns the items and the id to pass as `before_id` for the next (older) page, or None.
    """
    queryset = Notification.objects.filter(recipient=user)
    if before_id:
        queryset = queryset.filter(pk__lt=before_id)
    items = list(queryset.order_by("-id")[: limit + 1])
    return items[:limit], (items[limit - 1].pk if len(items) > limit else None)


def notifications_after(*, user: User, after_id: int, limit: int = NOTIFICATION_PAGE_SIZE):
    """What a client missed: the oldest `limit` notifications after `after_id`, oldest first,
    and whether more follow (the client then asks again after the last one)."""
    items = list(Notification.objects.filter(recipient=user, pk__gt=after_id).order_by("id")[: limit + 1])
    return items[:limit], len(items) > limit


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_state_for(*, user: User) -> dict:
    """Unread count and newest id in one query: the header badge and where live updates resume."""
    state = Notification.objects.filter(recipient=user).aggregate(
        last_id=Max("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return {"last_id": state["last_id"] or 0, "unread": state["unread"]}
