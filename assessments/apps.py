from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment and acceptance")

    def ready(self):
        # The texts of this app's notifications, and the rounds opened on submission
        # (audits.workflow.ON_ENTER).
        from . import notices, services, triggers  # noqa: F401

        # The rounds' copy of their audit's region, kept by the database: set again at
        # every migrate (SQLite drops them when a table is rebuilt).
        triggers.REVIEW_KEPT.connect(self)
