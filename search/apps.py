from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import index, signals  # noqa: F401

        job_register("search_queue_retry", index.search_queue_retry, interval=60)
