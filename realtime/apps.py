from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    """The delivery core: sockets, frames, presence and back-pressure that every live stream
    (discussion rooms, live intervision sessions) is built on. The lowest of the project's apps:
    it imports none of them. See docs/realtime.md."""

    name = "realtime"
    verbose_name = _("Live delivery")
