from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IntervisionConfig(AppConfig):
    """Intervision sessions: methods as data, sessions run phase by phase on the delivery core
    (realtime/), session records and case privacy. Above rooms and events; nothing below imports
    it (docs/intervision.md)."""

    name = "intervision"
    verbose_name = _("Intervision sessions")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import methods, services

        post_migrate.connect(methods.ensure_after_migrate, sender=self, dispatch_uid="intervision-methods")
        # Case texts leave after the group's retention period (docs/privacy.md); checked every hour.
        job_register("session_retention", lambda: services.sessions_retention_apply(), interval=3600)

    def serving(self):
        """Called by samenhuis/asgi.py once the process serves: the identifier check's tables load in
        the background (intervision/identifiers.py), not on the first case text."""
        from .identifiers import identifiers_warm_up

        identifiers_warm_up()
