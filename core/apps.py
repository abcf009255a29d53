from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: what every app shares, depending on no app of the project."""

    name = "core"
    verbose_name = "core"
