from django.apps import AppConfig


class CpauditConfig(AppConfig):
    """The project package is an app too: shared templates tags and system checks."""

    name = "cpaudit"
    verbose_name = "cpaudit"
