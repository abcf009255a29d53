"""The status survey page of an audit (issue 18): the three years' grid, a paste from a
spreadsheet, the monitoring imports, the CP level against the industry system. Thin:
each post calls one survey service through core.views.submit."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from audits import workflow
from audits.models import Audit
from core.roles import role_required
from core.views import submit

from . import energy, selectors, services
from .forms import MonitoringForm, PasteForm, SurveyLineForm, SystemChoiceForm
from .models import EvaluationSystem, MonitoringImport, SurveyLine

READERS = (Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT)
WORKERS = (Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE)


def _audit(request, pk) -> Audit:
    return get_object_or_404(
        Audit.objects.for_user(request.user).select_related(
            "enterprise__region", "enterprise__industry", "list_entry__key_list"
        ),
        pk=pk,
    )


def _page(request, audit, *, status=200, **extra):
    survey = selectors.survey_of(audit)
    evaluation = selectors.evaluation_of(audit)
    result = services.evaluation_result(evaluation)
    values = {v.indicator_id: v for v in evaluation.values.all()} if evaluation else {}
    systems = selectors.systems_for(audit)
    chosen = evaluation.system if evaluation else (systems[0] if systems else None)
    indicators = list(chosen.indicators.all()) if chosen else []
    for indicator in indicators:
        value = values.get(indicator.pk)
        indicator.before = value.before if value else None
        indicator.after = value.after if value else None
    lines = list(survey.lines.all()) if survey else []
    editable = workflow.can_edit(request.user, audit)
    # One line of the grid as a form (`?edit=<line id>`, or `new` for a line added).
    edit = extra.pop("edit", None)
    if edit is None and editable and survey is not None:
        asked = request.GET.get("edit", "")
        if asked == "new" or any(str(line.pk) == asked for line in lines):
            edit = asked if asked == "new" else int(asked)
    line_form = extra.pop("line_form", None)
    if edit is not None and line_form is None:
        line = next((line for line in lines if line.pk == edit), None)
        line_form = SurveyLineForm(
            prefix="line",
            years=survey.years,
            initial=SurveyLineForm.initial_for(line) if line else None,
        )
    context = {
        "audit": audit,
        "here": _("Status survey"),
        "edit": edit,
        "line_form": line_form,
        "survey": survey,
        "lines": lines,
        "years": survey.years if survey else [],
        "editable": editable,
        "can_import": services.can_import_monitoring(request.user, audit),
        "paste_form": extra.pop("paste_form", None) or PasteForm(),
        "monitoring_form": extra.pop("monitoring_form", None) or MonitoringForm(),
        "system_form": SystemChoiceForm(
            systems=systems, initial={"system": chosen.pk if chosen else None}
        ),
        "system": chosen,
        "indicators": indicators,
        "result": result,
        "imports": MonitoringImport.objects.filter(audit=audit)
        .select_related("imported_by")
        .prefetch_related("figures"),
        "carriers": energy.CARRIERS,
    }
    return render(request, "survey/survey_detail.html", context | extra, status=status)


@role_required(*READERS)
def survey_detail(request, pk):
    return _page(request, _audit(request, pk))


def _back(audit, anchor):
    return redirect(f"{reverse('audit-survey', args=[audit.pk])}#{anchor}")


@require_POST
@role_required(*WORKERS)
def survey_paste(request, pk):
    audit = _audit(request, pk)
    form = PasteForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.survey_paste(actor=request.user, audit=audit, **data),
        success=_("The status survey was saved."),
    )
    if outcome.ok:
        return _back(audit, "survey")
    return _page(
        request,
        audit,
        status=outcome.status,
        paste_form=form,
        row_errors=outcome.row_errors,
        conflict=outcome.conflict,
    )


@require_POST
@role_required(*WORKERS)
def survey_line(request, pk, line_pk=None):
    """One line of the grid saved (`line_pk`) or added (none): the rest of the survey
    stays as it is."""
    audit = _audit(request, pk)
    line = None
    if line_pk is not None:
        line = get_object_or_404(SurveyLine.objects.filter(survey__audit=audit), pk=line_pk)
    survey = selectors.survey_of(audit)
    form = SurveyLineForm(request.POST, prefix="line", years=survey.years if survey else ())
    outcome = submit(
        request,
        form,
        lambda data: services.survey_line_save(
            actor=request.user, audit=audit, line=line, data=form.line_data(), reason=data["reason"]
        ),
        success=_("The line was saved."),
    )
    if outcome.ok:
        return _back(audit, f"line-{outcome.result.pk}")
    form.add_row_errors(outcome.row_errors or [])
    return _page(
        request,
        audit,
        status=outcome.status,
        line_form=form,
        edit=line.pk if line else "new",
        conflict=outcome.conflict,
    )


@require_POST
@role_required(*WORKERS, Role.AUTHORITY)
def survey_monitoring(request, pk):
    audit = _audit(request, pk)
    form = MonitoringForm(request.POST, request.FILES)
    outcome = submit(
        request,
        form,
        lambda data: services.monitoring_import(
            actor=request.user, audit=audit, source=data["source"], upload=data["file"]
        ),
        success=_("The monitoring figures were imported."),
    )
    if outcome.ok:
        return _back(audit, "monitoring")
    return _page(
        request,
        audit,
        status=outcome.status,
        monitoring_form=form,
        monitoring_errors=outcome.row_errors,
        conflict=outcome.conflict,
    )


@require_POST
@role_required(*WORKERS)
def survey_evaluation(request, pk):
    audit = _audit(request, pk)
    system = get_object_or_404(EvaluationSystem, pk=request.POST.get("system") or 0)
    values = [
        {
            "indicator": indicator.pk,
            "before": request.POST.get(f"before-{indicator.pk}"),
            "after": request.POST.get(f"after-{indicator.pk}"),
        }
        for indicator in system.indicators.all()
    ]
    outcome = submit(
        request,
        None,
        lambda: services.evaluation_save(
            actor=request.user, audit=audit, system=system, values=values
        ),
        success=_("The CP level evaluation was saved."),
    )
    if outcome.ok:
        return _back(audit, "evaluation")
    return _page(
        request,
        audit,
        status=outcome.status,
        evaluation_errors=outcome.row_errors,
        conflict=outcome.conflict,
    )
