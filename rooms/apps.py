from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    """Discussion rooms: the first user of the delivery core (realtime/). Above community,
    knowledge and events: it reads their people, groups and life domains, they never read it;
    where their pages show something of the rooms, the rooms register it (rooms/wagtail_hooks.py,
    rooms/signals.py). See docs/realtime.md."""

    name = "rooms"
    verbose_name = _("Discussion rooms")

    def ready(self):
        from . import services, signals  # noqa: F401

        post_migrate.connect(services.ensure_after_migrate, dispatch_uid="rooms-ensure")
