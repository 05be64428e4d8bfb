"""Notifications: the personal real-time stream (its sockets: realtime/sockets.py).

Side effects (websocket broadcasts) are scheduled with `transaction.on_commit`, so nobody is
told about a row that was rolled back. The channel layer only announces: when it is down, the
write still stands and clients catch up through `sync`. See docs/realtime.md.
"""

from django.db import transaction
from django.utils import timezone

from realtime.sockets import group_send_all_now, send_to_user_on_commit, user_group_name

from ..models import Notification, User


@transaction.atomic
def notification_create(*, recipient: User, text: str, url: str = "", actor: User | None = None) -> Notification:
    """`actor`: whom the text names, so deleting their account can take the name out (privacy/deletion.py)."""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notification links to a path on this site, such as /gemeenschap/.")
    notification = Notification.objects.create(recipient=recipient, text=text[:300], url=url, actor=actor)
    send_to_user_on_commit(recipient.pk, {"type": "notification.new", "notification": notification.as_event()})
    return notification


@transaction.atomic
def notifications_create(items: list[tuple]) -> list[Notification]:
    """`notification_create` for many (recipient, text, url) or (recipient, text, url, actor) at
    once: one INSERT, then one announcement per notification after commit."""
    for _recipient, _text, url, *_actor in items:
        if url and (not url.startswith("/") or url.startswith("//")):
            raise ValueError("A notification links to a path on this site, such as /gemeenschap/.")
    created = Notification.objects.bulk_create(
        Notification(recipient=recipient, text=text[:300], url=url, actor=actor[0] if actor else None)
        for recipient, text, url, *actor in items
    )
    announcements = [
        (user_group_name(n.recipient_id), {"type": "notification.new", "notification": n.as_event()}) for n in created
    ]
    transaction.on_commit(lambda: group_send_all_now(announcements))
    return created


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        send_to_user_on_commit(user.pk, {"type": "notifications.read"})
    return count
