from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's own data: the export, deleting the account, and what removes data on time (issue
    18, docs/privacy.md). The top layer: it reads every app's data about a person, no app reads it."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import exports, retention

        job_register("data_exports_build", lambda: exports.exports_build_pending(), interval=5)
        job_register("data_exports_expire", lambda: exports.exports_expire(), interval=3600)
        # Daily, like the community's retention jobs (community/apps.py); the period is the register's.
        job_register(
            "unverified_accounts_delete", lambda: retention.unverified_accounts_delete(), interval=24 * 60 * 60
        )
