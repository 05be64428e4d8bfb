from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from . import footer, magazine_workflow, practice_cache, review, site_structure, taxonomy, vocabulary  # noqa: F401

        post_migrate.connect(site_structure.ensure_after_migrate, sender=self, dispatch_uid="knowledge-site-structure")
        post_migrate.connect(taxonomy.ensure_after_migrate, sender=self, dispatch_uid="knowledge-taxonomy")
        post_migrate.connect(
            magazine_workflow.ensure_after_migrate, sender=self, dispatch_uid="knowledge-magazine-workflow"
        )
        post_migrate.connect(review.ensure_after_migrate, sender=self, dispatch_uid="knowledge-practice-review")
