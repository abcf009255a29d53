"""Phase 2's guard (domain.md §2: the status survey, the comparison with the industry
standard), added to the audit's state machine (audits.workflow.ENTRY_GUARDS)."""

from django.utils.translation import gettext as _

from audits.choices import AuditState
from audits.workflow import ENTRY_GUARDS

from .choices import REQUIRED_CATEGORIES, LineCategory
from .models import AuditEvaluation, Survey


def survey_unmet(audit) -> list[str]:
    """The status survey has output, energy and water for each of its three years; an
    audit that grades itself against its industry's system has the values before the
    audit of the limiting indicators."""
    survey = Survey.objects.filter(audit=audit).prefetch_related("lines").first()
    if survey is None:
        return [
            _(
                "Record the status survey: output, raw materials, water, energy and "
                "emissions of the three years before the audit."
            )
        ]
    unmet = []
    lines = list(survey.lines.all())
    for category in REQUIRED_CATEGORIES:
        missing = [
            str(year)
            for index, year in enumerate(survey.years)
            if not any(
                line.category == category and line.values[index] is not None for line in lines
            )
        ]
        if missing:
            unmet.append(
                _("The status survey has no %(category)s figure for %(years)s.")
                % {
                    "category": str(LineCategory(category).label).lower(),
                    "years": ", ".join(missing),
                }
            )
    evaluation = AuditEvaluation.objects.filter(audit=audit).select_related("system").first()
    if evaluation is not None:
        recorded = set(
            evaluation.values.filter(before__isnull=False).values_list("indicator_id", flat=True)
        )
        open_limiting = [
            indicator.name
            for indicator in evaluation.system.indicators.filter(limiting=True)
            if indicator.pk not in recorded
        ]
        if open_limiting:
            unmet.append(
                _("Record the value before the audit of the limiting indicators: %(names)s.")
                % {"names": ", ".join(open_limiting)}
            )
    return unmet


# Focused assessment is entered from pre-assessment only.
ENTRY_GUARDS.setdefault(AuditState.FOCUSED_ASSESSMENT, []).append(survey_unmet)
