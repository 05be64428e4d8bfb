from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import services, signals  # noqa: F401

        # Reminders the day before, by the scheduler that also publishes scheduled pages.
        job_register("event_reminders", lambda: services.registration_reminders_send(), interval=300)
