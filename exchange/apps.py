from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Needs of Huizen, offers of supra-local organisations, matching between them, and each Huis's
    roadmap over the life domains (issue 17, docs/exchange.md). Above intervision, below search:
    lower pages show its card through samenhuis/start.py's hooks."""

    name = "exchange"
    verbose_name = _("Needs and offers")
