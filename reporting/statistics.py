"""The figures authorities report upward (domain.md §5, the "performance table" 绩效表;
api.md "Reports and statistics"), computed by SQL aggregation.

One aggregate query per table (list entries, audits, review rounds, options), grouped by
city and industry with `filter=` counts (a few hundred groups at most, whatever the
number of audits); the totals, the `by_city` and the `by_industry` rows are sums over
those groups. Benefits are one more aggregate, by indicator; the names of the cities and
industries two small lookups. `summary()` runs 7 queries, 8 with a `region` (its
existence), never one per audit, option or row.

What is counted (the definitions the tests recount in Python):

- Scope: an authority sees the enterprises whose region code starts with its scope
  prefix, an admin all (design.md "Roles and scoping"). `region` narrows that to a region
  inside the caller's scope; a region that does not exist or lies outside the scope is a
  404 (`Http404`), the same answer for both, as for any object outside scope. Other roles
  may not read statistics at all (`PermissionDenied`).
- `year` is the key list's year; without it, every year. An enterprise is placed by its
  own region (city = the first four digits of the code) and industry.
- `listed`: active entries of published lists (a draft list lists nobody yet; a removed
  entry no longer counts). An enterprise on two years' lists counts once per list.
- `by_state`: audits per state, every state present (zeros included).
- `overdue`: audits past the deadline of their current stage (`audits.models.OVERDUE_RULES`,
  today). An audit not started after its report deadline counts under `start` and under
  `report`; a row's `overdue` counts each audit once.
- `started`: audits neither `not_started` nor `cancelled`.
- `submitted` (reports submitted): audits that reached assessment: in `under_assessment`
  or a later state, or with any assessment round (a failed assessment sends the audit back
  to feasibility; its report was submitted all the same).
- `assessments` / `acceptances`: audits (enterprises' rounds of audit), by their latest
  concluded round of that kind: `passed`, `failed` (an audit that failed and then passed
  counts once, as passed); `pending` the audits with an open round (`applied`,
  `panel_formed`). `rounds` beside them counts the rounds themselves: every concluded
  round passed or failed, and the open ones. The first-time pass rate of a consulting
  firm (`consultancy_records`) uses round 1 only.
- `options`, per cost class: `count` every option recorded (proposed, whatever became of
  it), `implemented` those implemented, `investment` (yuan) the summed investment of the
  implemented ones: the money actually spent, as the performance table reports it.
- `benefits`, per indicator (every indicator present): summed `expected` and `actual`
  (as claimed) benefits of the options still alive or implemented, and `verified`: the
  acceptance panel's figure where an option was verified, the claimed one elsewhere;
  options screened out, found infeasible or abandoned bring no benefit, nor do those
  verified as not implemented. The economic benefit falls back to the options' annual
  net benefit where no `economic_yuan` figure is given. A missing figure counts as 0.
- `options`: `implemented` and `investment` leave out the options the panel verified as
  not implemented.
- `by_city` (the first four digits of the enterprise's region code) and `by_industry`
  (its GB/T 4754 division): one row per city or industry with any entry or audit in the
  selection, by code, each `{"code", "name"` (in the reader's language)`, **ROW_COLUMNS}`:
  the counts above for that city or industry, flat, as the performance table prints them
  (headings in COLUMN_LABELS).

Options and benefits are read from their per-audit totals (audits.OptionTotals,
BenefitTotals, kept by audits/totals.py whenever an audit's options change): 30,000 rows
for a province rather than 300,000 options and 550,000 benefits, so a province's summary
answers in about 150 ms for a year and 230 ms over all years (`make bench`).

Amounts are `Decimal` here (investment to the fen, benefits to 4 places); the API
writes them as decimal strings, the spreadsheet as numbers.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.compliance import TITLES as SIGNAL_TITLES
from assessments.models import Review
from audits.choices import AuditState, CostClass, Indicator
from audits.models import OVERDUE_RULES, Audit, BenefitTotals, OptionTotals, in_region, overdue_q
from core.i18n import localized
from core.regions import region_prefix
from enterprises.choices import EntryStatus, ListStatus
from enterprises.models import Industry, ListEntry, Region
from survey.grading import grade_label

STATISTICS_ROLES = (Role.ADMIN, Role.AUTHORITY)

OVERDUE_KINDS = [rule.kind for rule in OVERDUE_RULES]
# States whose audit has reached assessment (domain.md §3): its report is submitted.
SUBMITTED_STATES = [
    AuditState.UNDER_ASSESSMENT,
    AuditState.IMPLEMENTATION,
    AuditState.SUSTAINING,
    AuditState.UNDER_ACCEPTANCE,
    AuditState.COMPLETED,
]
NOT_STARTED_STATES = [AuditState.NOT_STARTED, AuditState.CANCELLED]
OPEN_REVIEW_STATES = [ReviewState.APPLIED, ReviewState.PANEL_FORMED]
REVIEW_KEYS = {ReviewKind.ASSESSMENT: "assessments", ReviewKind.ACCEPTANCE: "acceptances"}
COST_CLASSES = list(CostClass.values)

# The columns of a `by_city` / `by_industry` row after its code and name, with their
# headings: the performance table's (domain.md §5).
COLUMN_LABELS = {
    "listed": gettext_lazy("Enterprises listed"),
    "started": gettext_lazy("Audits started"),
    "overdue": gettext_lazy("Audits overdue"),
    "submitted": gettext_lazy("Reports submitted"),
    "assessed_passed": gettext_lazy("Audits that passed assessment"),
    "assessed_failed": gettext_lazy("Audits that failed assessment"),
    "accepted_passed": gettext_lazy("Audits that passed acceptance"),
    "accepted_failed": gettext_lazy("Audits that failed acceptance"),
    "no_low_count": gettext_lazy("No/low-cost options proposed"),
    "no_low_implemented": gettext_lazy("No/low-cost options implemented"),
    "no_low_investment": gettext_lazy("No/low-cost investment (yuan)"),
    "mid_high_count": gettext_lazy("Mid/high-cost options proposed"),
    "mid_high_implemented": gettext_lazy("Mid/high-cost options implemented"),
    "mid_high_investment": gettext_lazy("Mid/high-cost investment (yuan)"),
}
ROW_COLUMNS = list(COLUMN_LABELS)

YUAN = Decimal("0.01")
BENEFIT = Decimal("0.0001")
PERCENT = Decimal("0.1")
SCORE = Decimal("0.01")


# --- scope ------------------------------------------------------------------------------


def scope_prefix(*, user, region: str | None = None) -> str | None:
    """The region-code prefix the figures cover ('' for everything), or None for nothing.

    PermissionDenied for a role that has no statistics; Http404 for a `region` that does
    not exist or lies outside the caller's scope (one query when `region` is given)."""
    role = getattr(user, "role", None)
    if role not in STATISTICS_ROLES:
        raise PermissionDenied(_("Statistics are for authorities and administrators."))
    if region:
        if not (user.in_scope(region) and Region.objects.filter(code=region).exists()):
            raise Http404(_("No region with this code in your jurisdiction."))
        return region_prefix(region)
    if role == Role.ADMIN:
        return ""
    return user.scope_prefix or None


def _where(enterprise: str, prefix: str | None, year_path: str, year: int | None) -> Q:
    """Rows whose enterprise (at the path `enterprise`) is in scope, of `year`'s list."""
    if prefix is None:
        return Q(pk__in=[])
    condition = Q()
    if prefix:
        # LIKE '3201%': the enterprise_region_prefix index serves a city's or a county's
        # prefix; a whole province is most of the table, read in one scan.
        condition &= Q(**{f"{enterprise}__region__code__startswith": prefix})
    if year is not None:
        condition &= Q(**{year_path: year})
    return condition


def _groups(enterprise: str) -> dict:
    """The group-by columns: the enterprise's city (code prefix) and industry."""
    return {
        "city": Substr(f"{enterprise}__region_id", 1, 4),
        "industry": F(f"{enterprise}__industry_id"),
    }


def _audits_where(audit: str, prefix: str | None, year: int | None) -> Q:
    """Rows whose audit (at the path `audit`, "" for audits) is in scope, of `year`'s
    list: the scope by the audit's own copy of the region (an index, no join)."""
    if prefix is None:
        return Q(pk__in=[])
    lead = f"{audit}__" if audit else ""
    condition = in_region(prefix, audit) if prefix else Q()
    if year is not None:
        # The audit's copy of its list's year (audits/triggers.py): no join.
        condition &= Q(**{f"{lead}year": year})
    return condition


def _audit_groups(audit: str) -> dict:
    """The group-by columns of audit rows: the audit's city and its enterprise's industry,
    from the audit's own copies (audits/triggers.py): no join to the enterprise."""
    lead = f"{audit}__" if audit else ""
    return {"city": F(f"{lead}city_code"), "industry": F(f"{lead}industry_code")}


# --- the figures ------------------------------------------------------------------------


def _reviews_zero() -> dict:
    return {
        "passed": 0,
        "failed": 0,
        "pending": 0,
        "rounds": {"passed": 0, "failed": 0, "pending": 0},
    }


def _options_zero() -> dict:
    return {
        cost_class: {"count": 0, "implemented": 0, "investment": Decimal("0.00")}
        for cost_class in COST_CLASSES
    }


def _row_zero() -> dict:
    return {
        "listed": 0,
        "started": 0,
        "overdue": 0,
        "submitted": 0,
        "assessments": _reviews_zero(),
        "acceptances": _reviews_zero(),
        "options": _options_zero(),
    }


def _add(target: dict, source: dict) -> None:
    """Add the numbers of `source` into `target`, nested dicts included."""
    for key, value in source.items():
        if isinstance(value, dict):
            _add(target[key], value)
        else:
            target[key] += value


def summary(
    *, user, region: str | None = None, year: int | None = None, today: datetime.date | None = None
) -> dict:
    """The statistics of `user`'s jurisdiction (or of `region` within it), for `year`'s
    key list or every year, in api.md's shape. See the module docstring for what each
    figure counts; 7 queries (8 with `region`), whatever the number of audits."""
    prefix = scope_prefix(user=user, region=region)
    today = today or timezone.localdate()
    # Figures per (city, industry); the totals and both breakdowns are sums of these.
    cells: dict[tuple[str, str], dict] = {}

    def cell(group) -> dict:
        key = (group["city"], group["industry"])
        if key not in cells:
            cells[key] = _row_zero()
        return cells[key]

    listed = (
        ListEntry.objects.filter(
            _where("enterprise", prefix, "key_list__year", year),
            status=EntryStatus.ACTIVE,
            key_list__status=ListStatus.PUBLISHED,
        )
        .values(**_groups("enterprise"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in listed:
        cell(group)["listed"] += group["n"]

    by_state = dict.fromkeys(AuditState.values, 0)
    overdue = dict.fromkeys(OVERDUE_KINDS, 0)
    audits = (
        Audit.objects.filter(_audits_where("", prefix, year))
        .values(**_audit_groups(""))
        .annotate(
            **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in by_state},
            overdue_any=Count("pk", filter=overdue_q(today)),
            **{
                f"overdue_{kind}": Count("pk", filter=overdue_q(today, [kind]))
                for kind in OVERDUE_KINDS
            },
        )
        .order_by()
    )
    for group in audits:
        row = cell(group)
        for state in by_state:
            n = group[f"state_{state}"]
            by_state[state] += n
            if state in SUBMITTED_STATES:
                row["submitted"] += n
            if state not in NOT_STARTED_STATES:
                row["started"] += n
        for kind in OVERDUE_KINDS:
            overdue[kind] += group[f"overdue_{kind}"]
        row["overdue"] += group["overdue_any"]

    # Rounds per (kind, state, result) and two facts, grouped in SQL and counted here:
    # `returned`, round 1 of an assessment whose audit is back before its report
    # (sent back by its assessment, in feasibility again: it submitted its report too;
    # one per audit, review_round_unique); `superseded`, a later round of its audit and
    # kind concluded (the latest concluded round gives the audit's result).
    reviews = (
        Review.objects.filter(_audits_where("audit", prefix, year))
        .values(
            **_audit_groups("audit"),
            kind_=F("kind"),
            state_=F("state"),
            result_=F("result"),
            returned=ExpressionWrapper(
                Q(kind=ReviewKind.ASSESSMENT, round=1) & ~Q(audit__state__in=SUBMITTED_STATES),
                output_field=BooleanField(),
            ),
            # A later round of its audit and kind concluded (kept on the round by the
            # database: assessments/triggers.py).
            superseded_=F("superseded"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in reviews:
        row = cell(group)
        n = group["n"]
        if group["returned"]:
            row["submitted"] += n
        figures = row[REVIEW_KEYS[group["kind_"]]]
        if group["state_"] in OPEN_REVIEW_STATES:
            figures["pending"] += n
            figures["rounds"]["pending"] += n
        elif group["state_"] == ReviewState.CONCLUDED and group["result_"] in (
            ReviewResult.PASSED,
            ReviewResult.FAILED,
        ):
            figures["rounds"][group["result_"]] += n
            if not group["superseded_"]:
                figures[group["result_"]] += n

    # The per-audit totals (audits/totals.py): 30,000 rows, not 300,000 options.
    options = (
        OptionTotals.objects.filter(_audits_where("audit", prefix, year))
        .values(**_audit_groups("audit"))
        .annotate(
            **{
                name: aggregate
                for cost_class in COST_CLASSES
                for name, aggregate in (
                    (f"{cost_class}_count", Sum("count", filter=Q(cost_class=cost_class))),
                    (
                        f"{cost_class}_implemented",
                        Sum("implemented", filter=Q(cost_class=cost_class)),
                    ),
                    (
                        f"{cost_class}_investment",
                        Sum("investment", filter=Q(cost_class=cost_class)),
                    ),
                )
            }
        )
        .order_by()
    )
    for group in options:
        row = cell(group)
        for cost_class in COST_CLASSES:
            figures = row["options"][cost_class]
            figures["count"] += group[f"{cost_class}_count"] or 0
            figures["implemented"] += group[f"{cost_class}_implemented"] or 0
            figures["investment"] += group[f"{cost_class}_investment"] or 0

    benefits = {indicator: _benefit_zero() for indicator in Indicator.values}
    benefit_rows = BenefitTotals.objects.all()
    if prefix != "" or year is not None:
        # A semi-join on the audits in scope: one hash of audit ids.
        benefit_rows = benefit_rows.filter(
            audit__in=Audit.objects.filter(_audits_where("", prefix, year))
        )
    sums = (
        benefit_rows.values("indicator")
        .annotate(expected=Sum("expected"), actual=Sum("actual"), verified=Sum("verified"))
        .order_by()
    )
    for group in sums:
        figures = benefits.setdefault(group["indicator"], _benefit_zero())
        for key in figures:
            figures[key] += group[key] or 0

    total = _row_zero()
    by_city: dict[str, dict] = {}
    by_industry: dict[str, dict] = {}
    for (city, industry), row in cells.items():
        _add(total, row)
        _add(by_city.setdefault(city + "00", _row_zero()), row)
        _add(by_industry.setdefault(industry, _row_zero()), row)
    return {
        "listed": total["listed"],
        "by_state": by_state,
        "overdue": overdue,
        "assessments": total["assessments"],
        "acceptances": total["acceptances"],
        "options": _money(total["options"]),
        "benefits": {
            indicator: {key: value.quantize(BENEFIT) for key, value in figures.items()}
            for indicator, figures in benefits.items()
        },
        "by_city": _rows(by_city, Region),
        "by_industry": _rows(by_industry, Industry),
    }


def _benefit_zero() -> dict:
    return {key: Decimal("0.0000") for key in ("expected", "actual", "verified")}


def _money(options: dict) -> dict:
    return {
        cost_class: figures | {"investment": figures["investment"].quantize(YUAN)}
        for cost_class, figures in options.items()
    }


def _flat(row: dict) -> dict:
    """A breakdown row as the performance table's columns (ROW_COLUMNS)."""
    flat = {key: row[key] for key in ("listed", "started", "overdue", "submitted")}
    for review, prefix in (("assessments", "assessed"), ("acceptances", "accepted")):
        flat |= {f"{prefix}_{result}": row[review][result] for result in ("passed", "failed")}
    for cost_class, figures in _money(row["options"]).items():
        flat |= {f"{cost_class}_{key}": value for key, value in figures.items()}
    return flat


def _rows(rows: dict[str, dict], model) -> list[dict]:
    """Breakdown rows by code, each with its name in the reader's language (one query)."""
    names = {
        code: localized(zh, en)
        for code, zh, en in model.objects.filter(code__in=list(rows)).values_list(
            "code", "name_zh", "name_en"
        )
    }
    return [
        {"code": code, "name": names.get(code, code), **_flat(row)}
        for code, row in sorted(rows.items())
    ]


# --- consulting firms (domain.md §6) -------------------------------------------------------


def _mean(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(SCORE)


# The rows of the audits without a consulting firm (consultancy_records).
NO_FIRM_NAMES = {
    "self": gettext_lazy("Self-audit (the enterprise's own auditors)"),
    "none": gettext_lazy("No consulting firm engaged yet"),
}


def consultancy_records(*, user, region: str | None = None, year: int | None = None) -> list:
    """Each consulting firm's record in the caller's jurisdiction (domain.md §6): its
    audits there; the first-time pass rate, in per cent, of assessment (round 1 passed /
    round 1 concluded; None before any round 1 is concluded); the mean score of the
    concluded assessment and acceptance rounds. Audits without a firm make the last rows,
    with `id` None: the self-audits (`kind` "self": no firm and a team of the
    enterprise's own staff auditors, the choice a self-auditing enterprise records, as
    audits.services.audit_update says), then the audits that have engaged no firm yet
    (`kind` "none": no firm and no team; they are not self-audits). One query (two with
    `region`)."""
    prefix = scope_prefix(user=user, region=region)
    concluded = Q(reviews__state=ReviewState.CONCLUDED)
    assessment = Q(reviews__kind=ReviewKind.ASSESSMENT)
    acceptance = Q(reviews__kind=ReviewKind.ACCEPTANCE)
    first = assessment & concluded & Q(reviews__round=1)
    firms = (
        Audit.objects.filter(_audits_where("", prefix, year))
        .values(
            "consultancy_id",
            "consultancy__name",
            own_team=Case(
                When(
                    consultancy__isnull=True,
                    then=Exists(Audit.team.through.objects.filter(audit_id=OuterRef("pk"))),
                ),
                default=Value(False),
            ),
        )
        .annotate(
            # Audits are joined to their rounds: count each audit once.
            audits=Count("pk", distinct=True),
            first_concluded=Count("reviews", filter=first),
            first_passed=Count("reviews", filter=first & Q(reviews__result=ReviewResult.PASSED)),
            assessment_score=Avg("reviews__score", filter=assessment & concluded),
            acceptance_score=Avg("reviews__score", filter=acceptance & concluded),
        )
        .order_by()
    )
    records = []
    for firm in firms:
        kind = "firm" if firm["consultancy_id"] else ("self" if firm["own_team"] else "none")
        rate = None
        if firm["first_concluded"]:
            rate = (Decimal(100 * firm["first_passed"]) / firm["first_concluded"]).quantize(PERCENT)
        records.append(
            {
                "id": firm["consultancy_id"],
                "kind": kind,
                "name": firm["consultancy__name"] or NO_FIRM_NAMES[kind],
                "audits": firm["audits"],
                "first_round_concluded": firm["first_concluded"],
                "first_round_passed": firm["first_passed"],
                "first_time_pass_pct": rate,
                "assessment_mean_score": _mean(firm["assessment_score"]),
                "acceptance_mean_score": _mean(firm["acceptance_score"]),
            }
        )
    order = {"firm": 0, "self": 1, "none": 2}
    records.sort(key=lambda record: (order[record["kind"]], record["name"], record["id"] or 0))
    return records


# --- token-compliance signals by firm and city, CP levels at acceptance (issue 18) --------

SIGNAL_KINDS = list(SIGNAL_TITLES)


def _signal_zero() -> dict:
    return {"rounds": 0, "signals": dict.fromkeys(SIGNAL_KINDS, 0)}


def signal_statistics(*, user, region: str | None = None, year: int | None = None) -> dict:
    """The province view of the token-compliance signals (domain.md §7): for each
    consulting firm and each city in scope, how many rounds raised each kind of signal,
    beside the rounds checked (rounds whose signals are recorded: every concluded one,
    and the open ones as last shown; assessments.round_checks).

    Counted from the stored RaisedSignal rows, one aggregate query grouped by firm and
    city (a few hundred groups at most, whatever the number of rounds), the names of the
    cities one more; a round is placed by its audit's city and firm. Scope, 403 and 404
    as `summary`'s. `by_consultancy` rows are `{"id", "name", "rounds", "signals"}` (id
    None for the self-audits, last); `by_city` rows `{"code", "name", "rounds",
    "signals"}`; `signals` maps every kind of `kinds` to its count."""
    prefix = scope_prefix(user=user, region=region)
    groups = (
        Review.objects.filter(
            _audits_where("audit", prefix, year), round_check__signals_at__isnull=False
        )
        .values(
            firm=F("audit__consultancy_id"),
            firm_name=F("audit__consultancy__name"),
            city=F("audit__city_code"),
        )
        .annotate(
            # Rounds are joined to their raised kinds (one row per kind): count each once.
            checked=Count("pk", distinct=True),
            **{
                f"kind_{number}": Count("raised_signals", filter=Q(raised_signals__code=code))
                for number, code in enumerate(SIGNAL_KINDS)
            },
        )
        .order_by()
    )
    firms: dict = {}
    cities: dict = {}
    total = _signal_zero()
    for group in groups:
        firm = firms.setdefault(group["firm"], _signal_zero() | {"name": group["firm_name"]})
        city = cities.setdefault(group["city"] + "00", _signal_zero())
        for row in (firm, city, total):
            row["rounds"] += group["checked"]
            for number, code in enumerate(SIGNAL_KINDS):
                row["signals"][code] += group[f"kind_{number}"]
    names = {
        code: localized(zh, en)
        for code, zh, en in Region.objects.filter(code__in=list(cities)).values_list(
            "code", "name_zh", "name_en"
        )
    }
    by_consultancy = [
        {
            "id": firm_id,
            "name": row["name"] or _("No consulting firm (self-audit)"),
            "rounds": row["rounds"],
            "signals": row["signals"],
        }
        for firm_id, row in firms.items()
    ]
    by_consultancy.sort(key=lambda row: (row["id"] is None, row["name"], row["id"] or 0))
    return {
        "kinds": [{"kind": code, "title": str(SIGNAL_TITLES[code])} for code in SIGNAL_KINDS],
        "total": total,
        "by_consultancy": by_consultancy,
        "by_city": [
            {"code": code, "name": names.get(code, code), **row}
            for code, row in sorted(cities.items())
        ],
    }


def cp_grade_statistics(*, user, region: str | None = None, year: int | None = None) -> list:
    """The CP level reached before and after the options (survey.grading) at acceptance:
    the audits in scope by their latest acceptance round (concluded: as concluded; open:
    as last shown) that grade themselves against an industry system, a row per grading
    scheme (2 or 3 grades) and grade, best first, then "no grade reached":
    `{"grades", "grade", "label", "before", "after"}` (counts of audits). One aggregate
    query over the stored grades (assessments.RoundCheck); scope as `summary`'s."""
    prefix = scope_prefix(user=user, region=region)
    later = Review.objects.filter(
        audit_id=OuterRef("audit_id"), kind=ReviewKind.ACCEPTANCE, round__gt=OuterRef("round")
    )
    grades = (1, 2, 3, None)

    def at(moment: str, grade):
        if grade is None:
            return Q(**{f"round_check__grade_{moment}__isnull": True})
        return Q(**{f"round_check__grade_{moment}": grade})

    rows = (
        Review.objects.filter(
            _audits_where("audit", prefix, year),
            kind=ReviewKind.ACCEPTANCE,
            round_check__cp_level_at__isnull=False,
            round_check__grades__isnull=False,
        )
        .exclude(Exists(later))
        .values(scheme=F("round_check__grades"))
        .annotate(
            **{
                f"{moment}_{grade or 0}": Count("pk", filter=at(moment, grade))
                for moment in ("before", "after")
                for grade in grades
            }
        )
        .order_by("scheme")
    )
    return [
        {
            "grades": row["scheme"],
            "grade": grade,
            "label": grade_label(row["scheme"], grade),
            "before": row[f"before_{grade or 0}"],
            "after": row[f"after_{grade or 0}"],
        }
        for row in rows
        for grade in grades
        if grade is None or grade <= row["scheme"]
    ]


# --- the firms' records in the statistics XLSX and PDF (issue 16, item 3) ----------------
#
# A firm's record (domain.md §6) as the province summary report shows it: the figures of
# consultancy_records, its audits by state and the compliance signals its concluded rounds
# were concluded with, plus what the rooms above add: supervision registers the counts of
# its urge notices and penalties (`register_record_extension`), which this room cannot
# read. An extension is `extension(records, *, audits) -> {key: label}`: it sets `key` on
# every record (the firm's `id`, None for self-audits) and names its columns.

_record_extensions = []


def register_record_extension(extension):
    if extension not in _record_extensions:
        _record_extensions.append(extension)
    return extension


def firm_signals(audits) -> dict:
    """The token-compliance signals the concluded rounds of `audits` were concluded with
    (their snapshots), counted by firm and code: {firm id: {code: n}} (one query)."""
    found: dict = {}
    for firm, signals in Review.objects.filter(
        audit__in=audits, state=ReviewState.CONCLUDED, snapshot__isnull=False
    ).values_list("audit__consultancy_id", "snapshot__signals"):
        counts = found.setdefault(firm, {})
        for signal in signals or []:
            counts[signal["code"]] = counts.get(signal["code"], 0) + 1
    return {firm: dict(sorted(counts.items())) for firm, counts in found.items()}


def firm_records(*, user, region: str | None = None, year: int | None = None):
    """Each firm's record in the caller's jurisdiction (consultancy_records), with
    `audits_by_state`, `signals` (by code) and the registered extensions' figures; and
    the extensions' column labels. A fixed number of queries."""
    records = consultancy_records(user=user, region=region, year=year)
    prefix = scope_prefix(user=user, region=region)
    audits = Audit.objects.filter(_audits_where("", prefix, year))
    by_state: dict = {}
    for firm, state, n in (
        audits.values_list("consultancy_id", "state").annotate(n=Count("pk")).order_by()
    ):
        by_state.setdefault(firm, dict.fromkeys(AuditState.values, 0))[state] = n
    signals = firm_signals(audits)
    for record in records:
        record["audits_by_state"] = by_state.get(record["id"], dict.fromkeys(AuditState.values, 0))
        record["signals"] = signals.get(record["id"], {})
    labels = {}
    for extension in _record_extensions:
        labels |= extension(records, audits=audits)
    return records, labels
