"""A report upward as a spreadsheet and as a PDF (issue 16, item 1): the performance
table's figures as of the report's day in the official column order
(reporting.statistics.COLUMN_LABELS), by city and by industry, the benefits, and the
consulting firms' records. XLSX through core.xlsx (numbers as numbers, formula-like text
as text); PDF by WeasyPrint (reporting.reports.pdf), landscape."""

from decimal import Decimal, InvalidOperation

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audits.choices import AuditState, CostClass, Deadline, Indicator
from core.xlsx import workbook_bytes
from reporting.reports import pdf
from reporting.statistics import COLUMN_LABELS, COST_CLASSES, OVERDUE_KINDS, ROW_COLUMNS

FIRM_COLUMNS = (
    "audits",
    "first_time_pass_pct",
    "assessment_mean_score",
    "acceptance_mean_score",
    "urges",
    "penalties",
)


def firm_labels() -> dict:
    return {
        "audits": _("Audits"),
        "first_time_pass_pct": _("First-time pass rate (%)"),
        "assessment_mean_score": _("Mean assessment score"),
        "acceptance_mean_score": _("Mean acceptance score"),
        "urges": _("Urge notices"),
        "penalties": _("Penalties"),
    }


def number(value):
    """A figure of the frozen JSON (decimals kept as text) as a number."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def summary_rows(figures: dict) -> list[list]:
    # In the states' and deadlines' own order (a frozen report's JSON keeps no order).
    rows = [[_("Enterprises listed"), figures["listed"]]]
    rows += [[state.label, figures["by_state"].get(state.value, 0)] for state in AuditState]
    rows += [
        [Deadline(kind).overdue_label, figures["overdue"].get(kind, 0)] for kind in OVERDUE_KINDS
    ]
    for key, title in (
        ("assessments", _("Audits assessed")),
        ("acceptances", _("Audits accepted")),
    ):
        counts = figures[key]
        rows += [
            [f"{title}: {label}", counts[result]]
            for result, label in (
                ("passed", _("passed")),
                ("failed", _("failed")),
                ("pending", _("pending")),
            )
        ]
    for cost_class in COST_CLASSES:
        values = figures["options"][cost_class]
        label = CostClass(cost_class).label
        rows += [
            [f"{label}: {_('options')}", values["count"]],
            [f"{label}: {_('implemented')}", values["implemented"]],
            [f"{label}: {_('investment (yuan)')}", number(values["investment"])],
        ]
    return rows


def breakdown_rows(rows: list[dict]) -> list[list]:
    return [[row["code"], row["name"], *[number(row[key]) for key in ROW_COLUMNS]] for row in rows]


def benefit_rows(figures: dict) -> list[list]:
    return [
        [indicator.label, *(number(values[key]) for key in ("expected", "actual", "verified"))]
        for indicator in Indicator
        if (values := figures["benefits"].get(indicator.value))
    ]


def firm_rows(firms: list[dict]) -> list[list]:
    return [[firm["name"], *[number(firm.get(key)) for key in FIRM_COLUMNS]] for firm in firms]


def sheets(report, figures: dict) -> list:
    columns = [str(COLUMN_LABELS[key]) for key in ROW_COLUMNS]
    return [
        (_("Summary"), [_("Figure"), _("Value")], summary_rows(figures)),
        (
            _("By city"),
            [_("Code"), pgettext("thing", "Name"), *columns],
            breakdown_rows(figures["by_city"]),
        ),
        (
            _("By industry"),
            [_("Code"), pgettext("thing", "Name"), *columns],
            breakdown_rows(figures["by_industry"]),
        ),
        (
            _("Benefits"),
            [_("Indicator"), _("Expected"), _("Actual (claimed)"), _("Verified")],
            benefit_rows(figures),
        ),
        (
            _("Consulting firms"),
            [_("Consulting firm"), *firm_labels().values()],
            firm_rows(figures.get("consultancies", [])),
        ),
    ]


def report_xlsx(report, figures: dict) -> bytes:
    return workbook_bytes(sheets(report, figures))


def report_pdf(report, figures: dict | None = None) -> bytes:
    figures = figures or report.figures
    context = {
        "report": report,
        "figures": figures,
        "summary": summary_rows(figures),
        "columns": [str(COLUMN_LABELS[key]) for key in ROW_COLUMNS],
        "by_city": breakdown_rows(figures["by_city"]),
        "by_industry": breakdown_rows(figures["by_industry"]),
        "benefits": benefit_rows(figures),
        "firm_columns": list(firm_labels().values()),
        "firms": firm_rows(figures.get("consultancies", [])),
    }
    return pdf("supervision/pdf/upward_report.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(field, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (a report's PDF, a penalty's document) as an attachment; 404 while
    there is none."""
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
