from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DAY = 24 * 60 * 60


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from . import reference_data, signals  # noqa: F401

        post_migrate.connect(reference_data.ensure_after_migrate, sender=self, dispatch_uid="community-reference-data")
        self.retention_jobs_register()

    def retention_jobs_register(self):
        """Daily: remove what is past its period in the register of processing (samenhuis/register.py,
        docs/privacy.md "Retention"). The job names are the ones the register names."""
        from samenhuis.scheduler import job_register

        from .services import retention

        for name, job in (
            ("login_records_delete", retention.login_records_delete),
            ("group_invitations_delete", retention.group_invitations_delete),
            ("notifications_delete", retention.notifications_delete),
            ("audit_events_delete", retention.audit_events_delete),
            ("sessions_clear_expired", retention.sessions_clear_expired),
        ):
            job_register(name, job, interval=DAY)
