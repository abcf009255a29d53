from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from audits import engagement

        from . import notices  # noqa: F401  (the texts of this app's notifications)
        from .services import registry_check

        engagement.register(registry_check)
