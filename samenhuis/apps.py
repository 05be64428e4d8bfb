from django.apps import AppConfig


class SamenhuisConfig(AppConfig):
    """The project package is an app too, for its management commands and template tags."""

    name = "samenhuis"
    verbose_name = "Samenhuis"
