from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import organisers, services, signals  # noqa: F401

        post_migrate.connect(organisers.ensure_after_migrate, sender=self, dispatch_uid="events-organisers-group")

        # Reminders the day before, by the scheduler that also publishes scheduled pages.
        job_register("event_reminders", lambda: services.registration_reminders_send(), interval=300)
