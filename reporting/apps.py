from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports and statistics")

    def ready(self):
        from . import daily, notices  # noqa: F401  (the texts of this app's notifications)

        daily.connect()
