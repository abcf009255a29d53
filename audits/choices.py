from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    AuditState.NOT_STARTED,
    AuditState.PLANNING,
    AuditState.PRE_ASSESSMENT,
    AuditState.FOCUSED_ASSESSMENT,
    AuditState.OPTION_GENERATION,
    AuditState.FEASIBILITY,
]
# States before acceptance was applied for (acceptance_due applies).
BEFORE_ACCEPTANCE = [AuditState.IMPLEMENTATION, AuditState.SUSTAINING]
# States reached only by a passed assessment (domain.md §3: mid/high-cost options are
# implemented after it).
AFTER_ASSESSMENT = [
    AuditState.IMPLEMENTATION,
    AuditState.SUSTAINING,
    AuditState.UNDER_ACCEPTANCE,
    AuditState.COMPLETED,
]
CLOSED = [AuditState.COMPLETED, AuditState.CANCELLED]
# The emission disclosure is owed whatever the audit's state, until it is disclosed;
# a cancelled audit (its entry taken off the list) owes nothing.
OWES_DISCLOSURE = [state for state in AuditState if state != AuditState.CANCELLED]
# While a review looks at the audit, or once it is closed, its content stays as it is.
FROZEN = [AuditState.UNDER_ASSESSMENT, AuditState.UNDER_ACCEPTANCE, *CLOSED]


class ReviewKind(models.TextChoices):
    """The two steps of the external review (domain.md §3, §4), which the audit's states
    are built around (`under_assessment`, `under_acceptance`); the rounds themselves are
    the assessments app's."""

    ASSESSMENT = "assessment", _("Assessment")
    ACCEPTANCE = "acceptance", _("Acceptance")


class Deadline(models.TextChoices):
    """What an audit owes by a date (domain.md §1, §4): one vocabulary for the timeline,
    the reminders, the overdue rules, the statistics and the pages. Each is kept on the
    audit as `<value>_due`."""

    START = "start", _("Start the audit")
    DISCLOSURE = "disclosure", _("Disclose the major pollutant emissions")
    REPORT = "report", _("Submit the audit report")
    ACCEPTANCE = "acceptance", _("Apply for acceptance")
    NEXT_ROUND = "next_round", _("Next compulsory round")

    @property
    def field(self) -> str:
        return f"{self.value}_due"

    @property
    def overdue_label(self) -> str:
        """The badge of a deadline passed ("report overdue")."""
        return str(_OVERDUE_LABELS[self])

    @property
    def missed(self) -> str:
        """Why a missed deadline puts the enterprise on next year's list, with the
        `round` and `date` to fill in."""
        return str(_MISSED[self])


_OVERDUE_LABELS = {
    Deadline.START: _("start overdue"),
    Deadline.DISCLOSURE: _("disclosure overdue"),
    Deadline.REPORT: _("report overdue"),
    Deadline.ACCEPTANCE: _("acceptance overdue"),
    Deadline.NEXT_ROUND: _("next round overdue"),
}
_MISSED = {
    Deadline.START: _("round %(round)s: the audit was due to start on %(date)s"),
    Deadline.DISCLOSURE: _("round %(round)s: the emissions were due to be disclosed on %(date)s"),
    Deadline.REPORT: _("round %(round)s: the audit report was due on %(date)s"),
    Deadline.ACCEPTANCE: _("round %(round)s: acceptance was due on %(date)s"),
    Deadline.NEXT_ROUND: _("round %(round)s: the next round falls due on %(date)s"),
}


class Aspect(models.TextChoices):
    """The 8 sources of waste an option addresses (domain.md §2)."""

    RAW_MATERIALS = "raw_materials", _("Raw materials and energy")
    TECHNOLOGY = "technology", _("Technology and process")
    EQUIPMENT = "equipment", _("Equipment")
    PROCESS_CONTROL = "process_control", _("Process control")
    PRODUCT = "product", _("Product")
    WASTE = "waste", _("Waste")
    MANAGEMENT = "management", _("Management")
    # The people of the enterprise as a source of waste (员工), not its headcount.
    EMPLOYEES = "employees", pgettext_lazy("option aspect", "Employees")


class CostClass(models.TextChoices):
    NO_LOW = "no_low", _("No/low-cost")
    MID_HIGH = "mid_high", _("Mid/high-cost")


class OptionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCREENED_OUT = "screened_out", _("Screened out")
    RETAINED = "retained", _("Retained")
    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("Infeasible")
    IMPLEMENTING = "implementing", _("Implementing")
    IMPLEMENTED = "implemented", _("Implemented")
    ABANDONED = "abandoned", _("Abandoned")


# Statuses that end an option's life; any other one may still be abandoned.
OPTION_CLOSED = {
    OptionStatus.SCREENED_OUT,
    OptionStatus.INFEASIBLE,
    OptionStatus.IMPLEMENTED,
    OptionStatus.ABANDONED,
}
# Moves that need a written reason.
OPTION_NEEDS_REASON = {OptionStatus.SCREENED_OUT, OptionStatus.INFEASIBLE, OptionStatus.ABANDONED}
# Options that will bring nothing: their benefits are not counted (statistics).
OPTION_WITHOUT_BENEFIT = [
    OptionStatus.SCREENED_OUT,
    OptionStatus.INFEASIBLE,
    OptionStatus.ABANDONED,
]


class Indicator(models.TextChoices):
    """Benefit indicators (api.md "Audits")."""

    WATER = "water_t", _("Water (t/a)")
    ELECTRICITY = "electricity_kwh", _("Electricity (kWh/a)")
    ENERGY = "energy_tce", _("Energy (tce/a)")
    RAW_MATERIAL = "raw_material_t", _("Raw materials (t/a)")
    WASTEWATER = "wastewater_t", _("Wastewater (t/a)")
    COD = "cod_t", _("COD (t/a)")
    AMMONIA_NITROGEN = "ammonia_nitrogen_t", _("Ammonia nitrogen (t/a)")
    SO2 = "so2_t", _("SO₂ (t/a)")
    NOX = "nox_t", _("NOx (t/a)")
    PARTICULATES = "particulates_t", _("Particulates (t/a)")
    VOCS = "vocs_t", _("VOCs (t/a)")
    HAZARDOUS_WASTE = "hazardous_waste_t", _("Hazardous waste (t/a)")
    SOLID_WASTE = "solid_waste_t", _("Solid waste (t/a)")
    ECONOMIC = "economic_yuan", _("Economic benefit (yuan/a)")


# The decimals each indicator's figures are shown with (core/numbers.py): water,
# wastewater, electricity and money in whole units (the economic benefit stays in yuan,
# as its label says), materials, solid waste and energy to the hundredth, pollutants to
# the kilogram (0.001 t).
INDICATOR_PLACES = {
    Indicator.WATER: 0,
    Indicator.ELECTRICITY: 0,
    Indicator.ENERGY: 2,
    Indicator.RAW_MATERIAL: 2,
    Indicator.WASTEWATER: 0,
    Indicator.COD: 3,
    Indicator.AMMONIA_NITROGEN: 3,
    Indicator.SO2: 3,
    Indicator.NOX: 3,
    Indicator.PARTICULATES: 3,
    Indicator.VOCS: 3,
    Indicator.HAZARDOUS_WASTE: 3,
    Indicator.SOLID_WASTE: 2,
    Indicator.ECONOMIC: 0,
}


class DocumentKind(models.TextChoices):
    AUDIT_REPORT = "audit_report", _("Audit report")
    ACCEPTANCE_REPORT = "acceptance_report", _("Acceptance report")
    MONITORING_REPORT = "monitoring_report", _("Monitoring report (before and after)")
    EVIDENCE = "evidence", _("Evidence")
    DISCLOSURE = "disclosure", _("Disclosure")
    WORK_PLAN = "work_plan", _("Audit work plan")
    LEADERSHIP_COMMITMENT = "leadership_commitment", _("Leadership commitment")
    SUSTAINING_PLAN = "sustaining_plan", _("Plan for sustaining cleaner production")
    CONSULTANCY_CONTRACT = "consultancy_contract", _("Consultancy contract")
    OTHER = "other", _("Other")


class BalanceKind(models.TextChoices):
    MATERIAL = "material", _("Material")
    WATER = "water", _("Water")
    ENERGY = "energy", _("Energy")


class FlowDirection(models.TextChoices):
    INPUT = "in", _("Input")
    OUTPUT = "out", _("Output")


class EventKind(models.TextChoices):
    """What happened to an audit or one of its parts (the audit's record, issue 11):
    each kind one line of the timeline, written by the service that made the change."""

    TRANSITION = "transition", _("State changed")
    CONSULTANCY_CHANGED = "consultancy_changed", _("Consulting firm changed")
    TEAM_CHANGED = "team_changed", _("Team changed")
    FOCUS_CHANGED = "focus_changed", _("Audit focus changed")
    TARGET_CHANGED = "target_changed", _("Target changed")
    BALANCE_CHANGED = "balance_changed", _("Balance changed")
    OPTION_ADDED = "option_added", _("Option added")
    OPTION_CHANGED = "option_changed", _("Option changed")
    OPTION_STATUS = "option_status", _("Option status changed")
    OPTION_REMOVED = "option_removed", _("Option removed")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DOCUMENT_REMOVED = "document_removed", _("Document removed")
    PANEL_CHANGED = "panel_changed", _("Panel changed")
    SCORE_SUBMITTED = "score_submitted", _("Score submitted")
    SCORE_REPLACED = "score_replaced", _("Score replaced")
    VERIFIED = "verified", _("Option verified")
    CONCLUDED = "concluded", _("Round concluded")
    DEMAND_ANSWERED = "demand_answered", _("Rectification demand answered")
