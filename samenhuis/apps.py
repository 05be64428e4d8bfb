from django.apps import AppConfig


class SamenhuisConfig(AppConfig):
    """The project package is an app too, for its management commands and template tags."""

    name = "samenhuis"
    verbose_name = "Samenhuis"

    def ready(self):
        from . import sites  # noqa: F401 - connects the signals that keep remembered sites current
