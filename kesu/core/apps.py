from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The `kesu` command line: init, run, and the other operations commands."""

    name = "kesu.core"
    verbose_name = "Kesu"
