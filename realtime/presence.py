"""Who is online: one `Presence` row per open socket (docs/realtime.md, "Presence").

A consumer calls `presence_join` when its socket opens, `presence_touch` on every ping and
`presence_leave` when it closes; announcing the change to the stream is the consumer's work.
"""

from datetime import timedelta

from django.utils import timezone

from .models import Presence

# A socket counts as online while its pings (every 30 s) keep `last_seen` younger than this.
TIMEOUT = timedelta(seconds=90)
# Rows of a process that died without closing its sockets are removed after this.
STALE_AFTER = timedelta(hours=1)


def presence_join(*, channel_name: str, person_id: int, stream: str = "") -> None:
    now = timezone.now()
    Presence.objects.filter(last_seen__lt=now - STALE_AFTER).delete()
    Presence.objects.update_or_create(
        channel_name=channel_name, defaults={"person_id": person_id, "stream": stream, "last_seen": now}
    )


def presence_touch(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def presence_leave(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def online_in(stream: str) -> set[int]:
    """The people with a socket open in the stream now (one query)."""
    since = timezone.now() - TIMEOUT
    return set(Presence.objects.filter(stream=stream, last_seen__gte=since).values_list("person_id", flat=True))


def is_online(person_id: int) -> bool:
    """Whether any socket of the person (any stream, or the notification socket) is open now."""
    return Presence.objects.filter(person_id=person_id, last_seen__gte=timezone.now() - TIMEOUT).exists()


def online_among(person_ids) -> set[int]:
    """`is_online` for many people in one query: those of `person_ids` with a socket open now."""
    since = timezone.now() - TIMEOUT
    rows = Presence.objects.filter(person_id__in=set(person_ids), last_seen__gte=since)
    return set(rows.values_list("person_id", flat=True).distinct())
