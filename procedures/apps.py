from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Steps around the audit")

    def ready(self):
        # The texts of this app's notifications, and the start guard it adds to the
        # audits' workflow (audits.workflow.ENTRY_GUARDS) and the scoring guard it adds
        # to the review rounds (assessments.services.SCORE_GUARDS).
        # Its deadlines join the audits' overdue rules (audits.models.OVERDUE_RULES).
        from . import deadlines, notices, services, triggers  # noqa: F401

        # The audit's registration day and filed flag, kept by the database: set again
        # at every migrate (SQLite drops them when a table is rebuilt).
        triggers.AUDIT_STEPS.connect(self)
