from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment and acceptance")

    def ready(self):
        # The texts of this app's notifications, and the rounds opened on submission
        # (audits.workflow.ON_ENTER).
        from . import notices, services  # noqa: F401
