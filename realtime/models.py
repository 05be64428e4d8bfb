from django.conf import settings
from django.db import models
from django.utils import timezone


class Presence(models.Model):
    """One open socket: who is online, in which stream ("room:12", "session:3"), or anywhere for
    the personal notification socket (an empty `stream`).

    A row is written on connect and removed on disconnect; `last_seen` is refreshed by the
    client's pings, so rows of a process that died stop counting after `presence.TIMEOUT`."""

    channel_name = models.CharField(max_length=200, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=40, blank=True, default="")
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["stream", "last_seen"], name="realtime_presence_stream_idx"),
            models.Index(fields=["person", "last_seen"], name="realtime_presence_person_idx"),
        ]

    def __str__(self):
        return self.channel_name
