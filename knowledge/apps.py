from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from .site_structure import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="knowledge-site-structure")
