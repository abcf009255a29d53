from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Status survey and industry standards")

    def ready(self):
        # Phase 2's guard asks for the status survey (audits.workflow.ENTRY_GUARDS).
        from . import guards  # noqa: F401
