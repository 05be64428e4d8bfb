from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from . import reference_data, signals  # noqa: F401

        post_migrate.connect(reference_data.ensure_after_migrate, sender=self, dispatch_uid="community-reference-data")
