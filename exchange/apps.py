from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Needs of Huizen, offers of supra-local organisations, matching between them, and each Huis's
    roadmap over the life domains (issue 17, docs/exchange.md). Above intervision, below search:
    lower pages show its card through samenhuis/start.py's hooks."""

    name = "exchange"
    verbose_name = _("Needs and offers")

    def ready(self):
        from samenhuis.scheduler import job_register

        from . import services

        # Offers past their "valid until" leave search within the hour (docs/exchange.md, "Search").
        job_register("offers_expire", lambda: services.offers_expire(), interval=3600)
