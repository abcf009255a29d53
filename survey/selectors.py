"""Reads of the survey app, over Audit.objects.for_user."""

from django.db.models import Count, Prefetch

from audits.models import Audit
from core.regions import region_prefix

from .grading import grade_label
from .models import YEARS, AuditEvaluation, EvaluationSystem, IndicatorValue, Survey
from .services import evaluation_result, first_year_for


def survey_of(audit) -> Survey | None:
    return (
        Survey.objects.filter(audit=audit)
        .select_related("updated_by")
        .prefetch_related("lines")
        .first()
    )


def survey_or_blank(audit) -> dict:
    """The survey for the API, or a blank one with the years it would cover."""
    survey = survey_of(audit)
    if survey is not None:
        return survey
    first = first_year_for(audit)
    return {
        "first_year": first,
        "years": [first + i for i in range(YEARS)],
        "intensity_threshold_pct": Survey._meta.get_field("intensity_threshold_pct").default,
        "monitoring_tolerance_pct": Survey._meta.get_field("monitoring_tolerance_pct").default,
        "reason": "",
        "lines": [],
        "updated_by": None,
        "updated_at": None,
    }


def evaluation_of(audit) -> AuditEvaluation | None:
    """The audit's evaluation with its system's indicators and its values (3 queries)."""
    return (
        AuditEvaluation.objects.filter(audit=audit)
        .select_related("system")
        .prefetch_related(
            "system__indicators",
            Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator")),
        )
        .first()
    )


def evaluation_result_of(audit) -> dict | None:
    """The grades before and after, as plain JSON (what a round keeps in its snapshot)."""
    return evaluation_result(evaluation_of(audit))


def evaluation_data(audit) -> dict | None:
    evaluation = evaluation_of(audit)
    result = evaluation_result(evaluation)
    if result is not None:
        result["values"] = list(evaluation.values.all())
    return result


def systems_for(audit):
    """The systems of the audit's industry (a code prefix either way: a system for class
    3360 applies to an enterprise of division 33), then the others."""
    code = audit.enterprise.industry_id or ""
    systems = list(EvaluationSystem.objects.order_by("industry_code", "title", "version"))
    own = [
        s
        for s in systems
        if code and (s.industry_code.startswith(code) or code.startswith(s.industry_code))
    ]
    return own + [s for s in systems if s not in own]


def grade_counts(*, user, region: str | None = None, year: int | None = None) -> list[dict]:
    """The CP level reached after the options (survey.grading) by the audits in the
    user's scope that grade themselves against an industry system: one aggregate query,
    a row per grading scheme and grade (the statistics page, issue 18)."""
    audits = Audit.objects.for_user(user)
    if region:
        audits = audits.filter(enterprise__region__code__startswith=region_prefix(region))
    if year is not None:
        audits = audits.filter(list_entry__key_list__year=year)
    rows = (
        AuditEvaluation.objects.filter(audit__in=audits)
        .values("system__grades", "grade_after")
        .annotate(audits=Count("id"))
        .order_by("system__grades", "grade_after")
    )
    return [
        {
            "grades": row["system__grades"],
            "grade": row["grade_after"],
            "label": grade_label(row["system__grades"], row["grade_after"]),
            "audits": row["audits"],
        }
        for row in rows
    ]
