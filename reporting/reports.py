"""The reports of api.md "Reports and statistics", rendered from their subject: PDF by
WeasyPrint from templates (with a CJK font, so Chinese is text, not boxes), XLSX by
openpyxl with numbers as numbers. Called by the render task in the job's language."""

from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessments.choices import ReviewKind, ReviewState
from assessments.models import Review, localized
from audits.choices import AuditState, CostClass, Deadline, Indicator
from audits.models import Audit, Balance, Option, OptionBenefit
from core.numbers import format_number
from core.xlsx import workbook_bytes

from .models import ReportFormat, ReportJob, ReportKind
from .statistics import COLUMN_LABELS, firm_records, summary


class ReportError(Exception):
    """A report that cannot be made (its subject is gone, say): the job fails with this
    message, without retries."""


def render(job: ReportJob) -> tuple[bytes, str]:
    """The file of `job` and its name."""
    builder = {
        ReportKind.AUDIT_SUMMARY: _audit_summary,
        ReportKind.ASSESSMENT_OPINION: _opinion,
        ReportKind.ACCEPTANCE_OPINION: _opinion,
        ReportKind.PROVINCE_SUMMARY: _province_summary,
    }[job.kind]
    template, context, sheets = builder(job)
    stem = f"{job.kind}-{job.pk}"
    if job.format == ReportFormat.XLSX:
        return workbook(sheets), f"{stem}.xlsx"
    return pdf(template, context), f"{stem}.pdf"


def load_renderer():
    """WeasyPrint, imported when first used (it loads Pango): workers load it as they
    start (reporting.tasks), the web process only when it renders in-process."""
    from weasyprint import HTML

    return HTML


def pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context | {"generated_at": timezone.localtime()})
    return load_renderer()(string=html).write_pdf()


def workbook(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """One worksheet per `(title, header, rows)`; Decimals and ints stay numbers, text
    that looks like a formula stays text (core.xlsx)."""
    return workbook_bytes(sheets)


# -- the audit's report -----------------------------------------------------------------


def _audit(job: ReportJob) -> Audit:
    audit = (
        Audit.objects.filter(pk=job.audit_id)
        .select_related(
            "enterprise__region", "enterprise__industry", "consultancy", "list_entry__key_list"
        )
        .prefetch_related(
            "team",
            "targets",
            Prefetch("balances", queryset=Balance.objects.prefetch_related("flows")),
            Prefetch(
                "options",
                queryset=Option.objects.order_by("code").prefetch_related(
                    Prefetch("benefits", queryset=OptionBenefit.objects.order_by("indicator"))
                ),
            ),
        )
        .first()
    )
    if audit is None:
        raise ReportError(_("The audit of this report no longer exists."))
    return audit


def _audit_summary(job: ReportJob):
    """The audit's report in the official chapter order (domain.md §2): planning,
    pre-assessment, assessment, options, feasibility, implementation, sustaining."""
    audit = _audit(job)
    options = list(audit.options.all())
    mid_high = [o for o in options if o.cost_class == CostClass.MID_HIGH]
    implemented = [o for o in options if o.implemented_on or o.status == "implemented"]
    totals = {}
    for option in options:
        for benefit in option.benefits.all():
            row = totals.setdefault(benefit.indicator, [Decimal(0), Decimal(0)])
            row[0] += benefit.expected or 0
            row[1] += benefit.actual or 0
    benefit_totals = [
        {
            "indicator": Indicator(code).label,
            "code": code,
            "expected": values[0],
            "actual": values[1],
        }
        for code, values in sorted(totals.items())
    ]
    context = {
        "audit": audit,
        "enterprise": audit.enterprise,
        "options": options,
        "mid_high": mid_high,
        "implemented": implemented,
        "benefit_totals": benefit_totals,
        "investment": sum((o.investment for o in options), Decimal(0)),
        "reviews": list(
            audit.reviews.filter(state=ReviewState.CONCLUDED).order_by("kind", "round")
        ),
        "states": AuditState,
    }
    option_header = [
        _("Code"),
        _("Title"),
        _("Aspect"),
        _("Cost class"),
        _("Status"),
        _("Investment (yuan)"),
        _("Annual net benefit (yuan)"),
        _("Payback (years)"),
        _("NPV (yuan)"),
        _("IRR"),
    ]
    sheets = [
        (
            _("Options"),
            option_header,
            [
                [
                    o.code,
                    o.title,
                    o.get_aspect_display(),
                    o.get_cost_class_display(),
                    o.get_status_display(),
                    o.investment,
                    o.annual_net_benefit,
                    o.payback_years,
                    o.npv,
                    o.irr,
                ]
                for o in options
            ],
        ),
        (
            _("Benefits"),
            [_("Option"), _("Indicator"), _("Expected"), _("Actual")],
            [
                [o.code, b.get_indicator_display(), b.expected, b.actual]
                for o in options
                for b in o.benefits.all()
            ],
        ),
        (
            _("CP targets"),
            [
                _("Indicator"),
                _("Unit"),
                _("Baseline"),
                _("Near-term target"),
                _("Long-term target"),
                _("Achieved"),
            ],
            [
                [t.indicator, t.unit, t.baseline, t.near_term, t.long_term, t.achieved]
                for t in audit.targets.all()
            ],
        ),
    ]
    return "reporting/pdf/audit_summary.html", context, sheets


# -- the review opinions ----------------------------------------------------------------


def _opinion(job: ReportJob):
    """The panel, the scores and vetoes, the conclusion and the opinion of a concluded
    round, as its snapshot keeps them (what was judged, by whom)."""
    review = (
        Review.objects.filter(pk=job.review_id)
        .select_related("audit__enterprise__region", "audit__consultancy", "sheet", "concluded_by")
        .first()
    )
    if review is None or not review.is_concluded:
        raise ReportError(_("The review of this report is not concluded."))
    snapshot = review.snapshot or {}
    sheet = snapshot.get("sheet", {})
    items = [
        {"code": i["code"], "title": localized(i), "max_points": i["max_points"]}
        for i in sheet.get("items", [])
    ]
    vetoes = {v["code"]: localized(v) for v in sheet.get("vetoes", [])}
    scores = [
        s
        | {
            "points": [s["items"].get(i["code"]) for i in items],
            "veto_titles": [vetoes.get(code, code) for code in s["vetoes"]],
        }
        for s in snapshot.get("scores", [])
    ]
    verifications = [
        v
        | {"benefits": [b | {"indicator": Indicator(b["indicator"]).label} for b in v["benefits"]]}
        for v in snapshot.get("verifications", [])
    ]
    context = {
        "review": review,
        "audit": review.audit,
        "enterprise": review.audit.enterprise,
        "items": items,
        "scores": scores,
        "panel": snapshot.get("panel", []),
        "pass_mark": sheet.get("pass_mark"),
        "verifications": verifications,
        "is_acceptance": review.kind == ReviewKind.ACCEPTANCE,
    }
    sheets = [
        (
            _("Scores"),
            [_("Expert"), *[i["title"] for i in items], _("Total"), _("Vetoes"), _("Comment")],
            [
                [
                    s["name"],
                    *[_number(p) for p in s["points"]],
                    _number(s["total"]),
                    "; ".join(s["veto_titles"]),
                    s["comment"],
                ]
                for s in scores
            ],
        ),
        (
            _("Conclusion"),
            [_("Result"), _("Mean score"), _("Pass mark"), _("Vetoed"), _("Opinion")],
            [
                [
                    review.get_result_display(),
                    review.score,
                    _number(sheet.get("pass_mark")),
                    _("yes") if review.vetoed else _("no"),
                    review.opinion,
                ]
            ],
        ),
    ]
    if context["is_acceptance"]:
        sheets.append(
            (
                _("Verifications"),
                [
                    _("Option"),
                    _("Implemented"),
                    _("Indicator"),
                    _("Claimed"),
                    _("Verified"),
                    _("Difference"),
                ],
                [
                    [
                        v["option"],
                        _("yes") if v["implemented"] else _("no"),
                        b["indicator"],
                        _number(b["claimed"]),
                        _number(b["verified"]),
                        _number(b["difference"]),
                    ]
                    for v in verifications
                    for b in v["benefits"]
                ],
            )
        )
    return "reporting/pdf/review_opinion.html", context, sheets


def _number(value):
    """A figure kept as text in a snapshot, as a number for the spreadsheet."""
    if value in (None, ""):
        return None
    return Decimal(str(value))


# -- the province's performance table ---------------------------------------------------


def _province_summary(job: ReportJob):
    """The performance table authorities send upward (domain.md §5): the summary of the
    region and year, by city and by industry."""
    data = summary(user=job.requested_by, region=job.region_id, year=job.year)
    columns = [
        key
        for key in (data["by_city"] or data["by_industry"] or [{}])[0]
        if key not in {"code", "name"}
    ]
    labels = [_column_label(key) for key in columns]

    def rows(breakdown):
        return [[row["code"], row["name"], *[_cell(row[c]) for c in columns]] for row in breakdown]

    context = {
        "data": data,
        "region": job.region,
        "year": job.year,
        "columns": labels,
        "states": [(AuditState(state).label, n) for state, n in data["by_state"].items()],
        "by_city": rows(data["by_city"]),
        "by_industry": rows(data["by_industry"]),
        "benefits": [
            (Indicator(code).label, v["expected"], v["actual"], v["verified"])
            for code, v in data["benefits"].items()
        ],
        **_firm_table(job),
    }
    context["columns_shown"] = [_two_lines(label) for label in labels]
    # The PDF's figures comma-grouped, amounts (yuan, as the headings say) to the fen.
    context["by_city_shown"] = [_shown_row(row) for row in context["by_city"]]
    context["by_industry_shown"] = [_shown_row(row) for row in context["by_industry"]]
    context["benefits_shown"] = [
        (Indicator(code).label, v["expected"], v["actual"], v["verified"], code)
        for code, v in data["benefits"].items()
    ]
    sheets = [
        (_("Summary"), [_("Figure"), _("Value")], _summary_rows(data)),
        (_("By city"), [_("Code"), pgettext("thing", "Name"), *labels], context["by_city"]),
        (_("By industry"), [_("Code"), pgettext("thing", "Name"), *labels], context["by_industry"]),
        (
            _("Benefits"),
            [_("Indicator"), _("Expected"), _("Actual (claimed)"), _("Verified")],
            [
                [label, _cell(expected), _cell(actual), _cell(verified)]
                for label, expected, actual, verified in context["benefits"]
            ],
        ),
        (_("Consulting firms"), context["firm_header"], context["firms"]),
    ]
    return "reporting/pdf/province_summary.html", context, sheets


def _firm_table(job: ReportJob) -> dict:
    """The consulting firms' records of the region and year (statistics.firm_records):
    audits in all and by state, the first-time pass rate, the mean scores, the
    compliance signals raised, and the urges and penalties supervision adds."""
    records, extra = firm_records(user=job.requested_by, region=job.region_id, year=job.year)
    header = [
        _("Consulting firm"),
        _("Audits"),
        *[state.label for state in AuditState],
        _("Rounds 1 concluded"),
        _("First-time pass rate (%)"),
        _("Mean assessment score"),
        _("Mean acceptance score"),
        _("Compliance signals"),
        *extra.values(),
    ]
    rows = [
        [
            record["name"],
            record["audits"],
            *[record["audits_by_state"][state] for state in AuditState.values],
            record["first_round_concluded"],
            record["first_time_pass_pct"],
            record["assessment_mean_score"],
            record["acceptance_mean_score"],
            sum(record["signals"].values()),
            *[record.get(key) for key in extra],
        ]
        for record in records
    ]
    # The PDF leaves out the by-state columns (the spreadsheet has them): one page width.
    states = range(2, 2 + len(AuditState))
    return {
        "firm_header": [str(label) for label in header],
        "firms": rows,
        "firm_pdf_header": [str(label) for i, label in enumerate(header) if i not in states],
        "firm_pdf_rows": [[v for i, v in enumerate(row) if i not in states] for row in rows],
    }


def _two_lines(label: str):
    """A Chinese heading of the PDF's narrow columns in two unbreakable halves, so that
    it wraps once in its middle ("评估通过 / 的审核"), never leaving one character on a
    line; a heading with spaces wraps between its words."""
    if " " in label or len(label) < 5:
        return label
    half = (len(label) + 1) // 2
    return format_html(
        '<span class="nowrap">{}</span><span class="nowrap">{}</span>', label[:half], label[half:]
    )


def _shown_row(row: list) -> list:
    """A breakdown row for the PDF: code and name, then counts and amounts as read."""
    code, name, *figures = row
    return [
        code,
        name,
        *[format_number(value, 2 if isinstance(value, Decimal) else 0) or "—" for value in figures],
    ]


def _column_label(key: str) -> str:
    """The breakdown's columns as statistics.summary names them, in the reader's words."""
    return str(COLUMN_LABELS.get(key, key.replace("_", " ")))


def _cell(value):
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _summary_rows(data) -> list[list]:
    labels = {
        "passed": _("passed"),
        "failed": _("failed"),
        "pending": _("pending"),
        "count": _("options"),
        "implemented": _("implemented"),
        "investment": _("investment (yuan)"),
    }
    rows = [[_("Enterprises listed"), data["listed"]]]
    rows += [[AuditState(state).label, n] for state, n in data["by_state"].items()]
    rows += [[Deadline(kind).overdue_label, n] for kind, n in data["overdue"].items()]
    for review, title, rounds in (
        ("assessments", _("Audits assessed"), _("Assessment rounds")),
        ("acceptances", _("Audits accepted"), _("Acceptance rounds")),
    ):
        counts = data[review]
        rows += [
            [f"{title}: {labels[key]}", counts[key]] for key in ("passed", "failed", "pending")
        ]
        rows += [[f"{rounds}: {labels[key]}", n] for key, n in counts["rounds"].items()]
    for cost_class, figures in data["options"].items():
        rows += [
            [f"{CostClass(cost_class).label}: {labels.get(key, key)}", _cell(n)]
            for key, n in figures.items()
        ]
    return rows
