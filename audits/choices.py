from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditState(models.TextChoices):
    """The audit's states (api.md "Audits"), plus `cancelled` for a list entry removed
    before its audit started."""

    NOT_STARTED = "not_started", _("Not started")
    PLANNING = "planning", _("1 Planning and organisation")
    PRE_ASSESSMENT = "pre_assessment", _("2 Pre-assessment")
    FOCUSED_ASSESSMENT = "focused_assessment", _("3 Focused assessment")
    OPTION_GENERATION = "option_generation", _("4 Option generation and screening")
    FEASIBILITY = "feasibility", _("5 Feasibility analysis")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    IMPLEMENTATION = "implementation", _("6 Implementation")
    SUSTAINING = "sustaining", _("7 Sustaining cleaner production")
    UNDER_ACCEPTANCE = "under_acceptance", _("Under acceptance")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the audit has not yet delivered its report (report_due applies).
BEFORE_REPORT = [
    AuditState.NOT_STARTED, AuditState.PLANNING, AuditState.PRE_ASSESSMENT,
    AuditState.FOCUSED_ASSESSMENT, AuditState.OPTION_GENERATION, AuditState.FEASIBILITY,
]
# States before acceptance was applied for (acceptance_due applies).
BEFORE_ACCEPTANCE = [AuditState.IMPLEMENTATION, AuditState.SUSTAINING]
CLOSED = [AuditState.COMPLETED, AuditState.CANCELLED]
