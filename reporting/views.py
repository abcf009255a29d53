"""The reports page and the statistics page.

Reports: the reports the user asked for, their state (refreshed while any is being
rendered), and their files; the request is `services.report_request`.

Statistics (issue 6; domain.md §5, §6): the performance table of the authority's
jurisdiction by year and region, as charts, each with its data table (the table is the
chart's accessible form and what a screen reader reads), and an export of the same
figures as a spreadsheet (a `province_summary` report job). The figures are
`reporting.statistics`'s. A region outside the caller's jurisdiction is a 404, as in the
API; other roles get 403.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from accounts.choices import Role
from assessments.choices import ReviewKind
from audits.choices import AuditState, CostClass, Deadline, Indicator
from audits.models import Audit
from core.forms import style
from core.regions import region_prefix
from core.roles import role_required
from core.views import submit
from enterprises.choices import ListStatus, RegionLevel
from enterprises.models import KeyEnterpriseList, Region
from survey import selectors as survey_selectors

from .models import JobState, ReportFormat, ReportJob, ReportKind
from .services import report_file_response, report_request
from .statistics import (
    NOT_STARTED_STATES,
    OVERDUE_KINDS,
    consultancy_records,
    cp_grade_statistics,
    scope_prefix,
    signal_statistics,
    summary,
)

PAGE_SIZE = 50
ROLES = tuple(Role)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=ReportKind.choices)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportFormat.choices)
    audit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    region = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(
        required=False, min_value=2003, max_value=2100, widget=forms.HiddenInput
    )


def _jobs(request):
    # The user's own requests, newest first; the subject's names on every row.
    return (
        ReportJob.objects.for_user(request.user)
        .filter(requested_by=request.user)
        .select_related("audit__enterprise", "region")
    )


@role_required(*ROLES)
def report_list(request):
    page = Paginator(_jobs(request), PAGE_SIZE).get_page(request.GET.get("page"))
    busy = any(job.state in (JobState.PENDING, JobState.RUNNING) for job in page)
    template = "reporting/_report_rows.html" if request.htmx else "reporting/report_list.html"
    return render(request, template, {"page": page, "busy": busy})


@role_required(*ROLES)
@require_POST
def report_create(request):
    """Ask for a report (from the buttons on an audit, a review or the statistics)."""
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("That report cannot be made: %(errors)s")
            % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
        return redirect("report-list")
    data = form.cleaned_data
    audit = (
        Audit.objects.for_user(request.user).filter(pk=data["audit"]).first()
        if data["audit"]
        else None
    )
    region = Region.objects.filter(pk=data["region"]).first() if data["region"] else None
    outcome = submit(
        request,
        None,
        lambda: report_request(
            actor=request.user,
            kind=data["kind"],
            format=data["format"],
            audit=audit,
            region=region,
            year=data["year"],
        ),
        success=_("The report was requested; it appears below when ready."),
    )
    if outcome.errors:
        messages.error(request, " ".join(outcome.errors))
    elif outcome.conflict:
        messages.error(request, " ".join([outcome.conflict.detail, *outcome.conflict.unmet]))
    return redirect("report-list")


@role_required(*ROLES)
def report_download(request, pk):
    job = get_object_or_404(ReportJob.objects.for_user(request.user), pk=pk, state=JobState.DONE)
    return report_file_response(job)


# --- statistics ------------------------------------------------------------------------

PERCENT = Decimal("0.1")


class StatisticsFilterForm(forms.Form):
    """The page's filters. Scope is not checked here: `summary` answers 404 for a region
    outside the caller's jurisdiction, as the API does."""

    region = forms.RegexField(
        r"^\d{6}$", required=False, label=gettext_lazy("Region"), widget=forms.Select
    )
    year = forms.IntegerField(
        required=False,
        min_value=2003,
        max_value=2100,
        label=gettext_lazy("Year of the key list"),
        widget=forms.Select,
    )

    def __init__(self, *args, regions, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = [("", _("Whole jurisdiction")), *regions]
        self.fields["year"].widget.choices = [
            ("", _("All years")),
            *[(year, year) for year in years],
        ]
        style(self)

    def filters(self) -> dict:
        """The valid filters, by name; an invalid one is left out (and shown as an error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def region_choices(prefix: str) -> list[tuple[str, str]]:
    """The caller's region and the regions below it down to cities (a city officer: its
    counties); for an admin, the provinces and their cities. One query."""
    regions = Region.objects.filter(code__startswith=prefix)
    if len(prefix) <= 2:
        regions = regions.exclude(level=RegionLevel.COUNTY)
    top = max(len(prefix), 2)
    return [
        (region.code, ("· " if len(region.prefix) > top else "") + f"{region.name} ({region.code})")
        for region in regions.order_by("code")
    ]


def _pct(part, whole) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT) if whole else None


def _chart(chart_id: str, labels, datasets, *, value_title=None, rates=False, **options) -> dict:
    """What static/js/statistics.js draws: labels and datasets, already translated, and
    the title of the value axis (with its unit). `empty`: nothing to draw (no bar, or
    only counts of 0; a rate of 0 % is a figure): the page says "no data" instead of an
    axis from 0 to 1."""
    labels = [str(label) for label in labels]
    datasets = [
        {"label": str(label), "data": [float(value or 0) for value in data]}
        for label, data in datasets
    ]
    return {
        "id": chart_id,
        "labels": labels,
        "datasets": datasets,
        "value_title": str(value_title) if value_title else "",
        "empty": not labels
        or not (rates or any(value for dataset in datasets for value in dataset["data"])),
        **options,
    }


def _context(data: dict, records: list) -> dict:
    states = [(value, label, data["by_state"].get(value, 0)) for value, label in AuditState.choices]
    audits = sum(n for _value, _label, n in states)
    totals = {
        "listed": data["listed"],
        "audits": audits,
        "started": sum(n for value, _label, n in states if value not in NOT_STARTED_STATES),
        "submitted": sum(row["submitted"] for row in data["by_city"]),
        "overdue": sum(row["overdue"] for row in data["by_city"]),
    }
    reviews = [
        (ReviewKind.ASSESSMENT.label, data["assessments"]),
        (ReviewKind.ACCEPTANCE.label, data["acceptances"]),
    ]
    options = [(CostClass(value).label, data["options"][value]) for value in CostClass.values]
    benefits = [
        {
            "code": value,
            "indicator": label,
            **data["benefits"][value],
            "pct": _pct(data["benefits"][value]["actual"], data["benefits"][value]["expected"]),
            # Nobody reported a figure of this indicator: greyed, not a row of zeros.
            "reported": any(data["benefits"][value].values()),
        }
        for value, label in Indicator.choices
    ]
    charted = [row for row in benefits if row["pct"] is not None]
    rated = [record for record in records if record["first_time_pass_pct"] is not None]
    result_labels = [_("Passed"), _("Failed"), pgettext("review result", "Pending")]
    charts = [
        _chart(
            "chart-pipeline",
            [label for _value, label, _n in states],
            [(_("Audits"), [n for _value, _label, n in states])],
            value_title=_("Audits"),
            horizontal=True,
        ),
        _chart(
            "chart-overdue",
            [row["name"] for row in data["by_city"]],
            [(_("Overdue audits"), [row["overdue"] for row in data["by_city"]])],
            value_title=_("Overdue audits"),
        ),
        _chart(
            "chart-reviews",
            [label for label, _counts in reviews],
            [
                (result_label, [counts[key] for _label, counts in reviews])
                for result_label, key in zip(
                    result_labels, ("passed", "failed", "pending"), strict=True
                )
            ],
            value_title=_("Audits"),
        ),
        _chart(
            "chart-options",
            [label for label, _figures in options],
            [
                (_("Proposed"), [figures["count"] for _label, figures in options]),
                (_("Implemented"), [figures["implemented"] for _label, figures in options]),
            ],
            value_title=_("Options"),
        ),
        _chart(
            "chart-benefits",
            [row["indicator"] for row in charted],
            [(_("Actual share of expected (%)"), [row["pct"] for row in charted])],
            value_title=_("Actual benefit as a share of the expected one (%)"),
            rates=True,
            horizontal=True,
        ),
        _chart(
            "chart-consultancies",
            [record["name"] for record in rated],
            [(_("First-time pass rate (%)"), [record["first_time_pass_pct"] for record in rated])],
            value_title=_("First-time pass rate (%)"),
            rates=True,
            horizontal=True,
        ),
    ]
    total_cards = [
        ("listed", _("Enterprises listed"), totals["listed"]),
        ("audits", _("Audits"), totals["audits"]),
        ("started", _("Started"), totals["started"]),
        ("submitted", _("Reports submitted"), totals["submitted"]),
        ("overdue", _("Overdue audits"), totals["overdue"]),
    ]
    overdue = [(kind, Deadline(kind).label, data["overdue"][kind]) for kind in OVERDUE_KINDS]
    breakdowns = [
        (_("Performance table by city"), "table-by-city", data["by_city"]),
        (_("Performance table by industry"), "table-by-industry", data["by_industry"]),
    ]
    return {
        "data": data,
        "states": states,
        "totals": totals,
        "total_cards": total_cards,
        "overdue": overdue,
        "reviews": reviews,
        "options": options,
        "benefits": benefits,
        "records": records,
        "breakdowns": breakdowns,
        "charts": charts,
        "empty_charts": {chart["id"] for chart in charts if chart["empty"]},
    }


def signal_tables(signals: dict, *, region: str | None, year: int | None) -> dict:
    """The signals by firm and by city as the page's two tables: a column per kind
    raised anywhere in the selection, each count with the link to the rounds behind it
    (the review list, filtered as `assessments.selectors.signal_filter` reads it)."""
    kinds = [k for k in signals["kinds"] if signals["total"]["signals"][k["kind"]]]
    base = reverse("review-list")
    # A county chosen on the page narrows each city's link to it.
    county = region if region and len(region_prefix(region)) == 6 else None

    def cells(row, where: dict) -> list[dict]:
        out = []
        for kind in kinds:
            count = row["signals"][kind["kind"]]
            query = {"signal": kind["kind"], **where}
            if year:
                query["year"] = year
            out.append({"count": count, "url": f"{base}?{urlencode(query)}" if count else ""})
        return out

    firm_where = {"region": region} if region else {}
    return {
        "kinds": kinds,
        "total": signals["total"],
        "tables": [
            (
                pgettext("statistics heading", "Signals by consulting firm"),
                "table-signals-by-firm",
                [
                    {
                        "key": row["id"] or "none",
                        "name": row["name"],
                        "rounds": row["rounds"],
                        "cells": cells(row, {"consultancy": row["id"] or "none"} | firm_where),
                    }
                    for row in signals["by_consultancy"]
                ],
            ),
            (
                pgettext("statistics heading", "Signals by city"),
                "table-signals-by-city",
                [
                    {
                        "key": row["code"],
                        "name": row["name"],
                        "rounds": row["rounds"],
                        "cells": cells(row, {"region": county or row["code"]}),
                    }
                    for row in signals["by_city"]
                ],
            ),
        ],
    }


@role_required(Role.ADMIN, Role.AUTHORITY)
def statistics(request):
    user = request.user
    prefix = scope_prefix(user=user)
    years = (
        KeyEnterpriseList.objects.for_user(user)
        .filter(status=ListStatus.PUBLISHED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    regions = region_choices(prefix) if prefix is not None else []
    form = StatisticsFilterForm(request.GET or None, regions=regions, years=list(years))
    filters = form.filters() if form.is_bound else {}
    region, year = filters.get("region"), filters.get("year")
    data = summary(user=user, region=region, year=year)  # Http404 out of scope
    records = consultancy_records(user=user, region=region, year=year)
    chosen = Region.objects.filter(code=region).first() if region else None
    if chosen and region not in dict(regions):
        # A county asked for by its code: offered too, so that the form shows it chosen.
        form.fields["region"].widget.choices.append(
            (chosen.code, f"· {chosen.name} ({chosen.code})")
        )
    context = _context(data, records) | {
        "form": form,
        "region": chosen,
        "year": year,
        # The spreadsheet covers what the page shows: the region chosen, else the
        # authority's own.
        "export_region": region
        or (user.organization.region_id if user.role == Role.AUTHORITY else ""),
        # The CP level reached against the industry standards (issue 18).
        "cp_levels": survey_selectors.grade_counts(user=user, region=region, year=year),
        # At acceptance, before and after, and the signals by firm and city (issue 18).
        "cp_grades": cp_grade_statistics(user=user, region=region, year=year),
        "signal_view": signal_tables(
            signal_statistics(user=user, region=region, year=year), region=region, year=year
        ),
    }
    return render(request, "reporting/statistics.html", context)
