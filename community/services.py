"""Every write of the community app. Views, consumers, commands and tests call these.

Side effects (websocket broadcasts) are scheduled with `transaction.on_commit`, so nobody is
told about a row that was rolled back. See docs/realtime.md.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from .models import Notification, Profile, User


def user_group_name(user_id: int) -> str:
    """The channel-layer group every socket of one person joins."""
    return f"user-{user_id}"


def _send_to_user_on_commit(user_id: int, event: dict) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(user_group_name(user_id), event)

    transaction.on_commit(send)


def profile_create(*, user: User, display_name: str) -> Profile:
    return Profile.objects.create(user=user, display_name=display_name.strip())


@transaction.atomic
def profile_update(*, user: User, display_name: str) -> Profile:
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.full_clean()
    profile.save(update_fields=["display_name"])
    return profile


@transaction.atomic
def notification_create(*, recipient: User, text: str, url: str = "") -> Notification:
    notification = Notification.objects.create(recipient=recipient, text=text[:300], url=url)
    _send_to_user_on_commit(recipient.pk, {"type": "notification.new", "notification": notification.as_event()})
    return notification


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        _send_to_user_on_commit(user.pk, {"type": "notifications.read"})
    return count


def sessions_close_now(*, user_id: int, session_key: str) -> None:
    """Close the sockets opened with one session (after log-out), at once and outside any transaction."""
    layer = get_channel_layer()
    if layer is not None and session_key:
        async_to_sync(layer.group_send)(user_group_name(user_id), {"type": "session.ended", "session_key": session_key})
