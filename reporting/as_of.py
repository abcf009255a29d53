"""The performance table as it stood on a past day (issue 16, item 1): the figures of
`reporting.statistics.summary`, in the same shape, read from the history rows rather than
today's state, so that a half-year report prepared "as of 30 June" says what was true on
30 June whatever happened since.

What "as it stood at the end of day D" means, figure by figure:

- the state of an audit (an option's status) on D is the `from` of its first change after
  D (TransitionLog, OptionStatusLog), or its state today when nothing changed since: the
  history rows are the record, so no row is needed for the days nothing happened;
- an audit exists from its list's publication day (an audit without a list entry from
  its creation); an option from its creation;
- `listed`: entries of lists published on or before D, less those removed by an amendment
  on or before D, less those added by an amendment after D;
- `overdue`: a deadline before D still owed on D (the rules of audits.OVERDUE_RULES,
  applied to the states of D; the disclosure owed until one was submitted on or before D);
- `submitted`: the report first submitted on or before D, or a state on D past it;
- reviews: rounds applied for on or before D; concluded on D when concluded on or before
  D (passed or failed as concluded), open otherwise; the audits counted by their latest
  round concluded by D, as in the live figures;
- options: implemented on D when their status on D is `implemented` and no acceptance
  concluded by D verified them as not implemented;
- amounts (an option's investment and annual net benefit, its benefits' expected and
  actual figures): the `before` of the option's first `option_changed` event after D
  that changed them (audits.services keeps it), else today's, as for states; a benefit
  row added after D counts nothing on D (a row deleted since is gone, and with it its
  figures: deleting a benefit is rare, an option past `proposed` is never deleted);
- benefits: the expected figures of the options alive on D; the claimed actual ones of
  those implemented on D or whose status has not moved since; the verified figure where
  an acceptance concluded by D verified the option.

Every figure is an aggregate query with correlated subqueries on the history (eight
queries, nine with a `region`), never a loop over audits.

Events written before the amounts were kept (issue 16) carry no `before`: an option
changed only then reads today's amounts, as before.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.models import Review, Verification, VerifiedBenefit
from audits.choices import (
    OPTION_WITHOUT_BENEFIT,
    AuditState,
    EventKind,
    Indicator,
    OptionStatus,
)
from audits.models import (
    OVERDUE_RULES,
    Audit,
    AuditEvent,
    Option,
    OptionBenefit,
    OptionStatusLog,
    TransitionLog,
)
from enterprises.choices import AmendmentAction, ListStatus
from enterprises.models import Industry, ListAmendment, ListEntry, Region

from . import statistics

BENEFIT_FIELD = DecimalField(max_digits=24, decimal_places=4)
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


class JsonText(Func):
    """The text at a path of a JSON column, the path's keys expressions (a column among
    them: a benefit's indicator), where KT's keys must be constants."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_extract_path_text", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        column, *keys = self.get_source_expressions()
        column_sql, params = compiler.compile(column)
        path = ["'$'"]
        for key in keys:
            key_sql, key_params = compiler.compile(key)
            path.append(f"'.\"' || {key_sql} || '\"'")
            params = (*params, *key_params)
        return f"json_extract({column_sql}, {' || '.join(path)})", params


def _changes_after(moment, *, audit, option, key: str):
    """The `option_changed` events of `option` after `moment` that kept the amount `key`
    as it was before them (audits.services.option_save), the first first."""
    return (
        AuditEvent.objects.filter(
            audit_id=audit,
            kind=EventKind.OPTION_CHANGED,
            at__gte=moment,
            params__before__has_key=key,
        )
        .annotate(option_ref=Cast(KT("params__option"), IntegerField()))
        .filter(option_ref=option)
        .order_by("at", "id")
    )


def _amount_on(moment, name: str):
    """An option's amount `name` at `moment`: the `before` of its first change after it,
    else today's (also when that `before` was empty)."""
    changes = _changes_after(moment, audit=OuterRef("audit_id"), option=OuterRef("pk"), key=name)
    then = changes.annotate(value=Cast(KT(f"params__before__{name}"), MONEY_FIELD)).values("value")[
        :1
    ]
    return Case(
        When(Exists(changes), then=Subquery(then, output_field=MONEY_FIELD)),
        default=F(name),
        output_field=MONEY_FIELD,
    )


def _benefit_on(moment, figure: str):
    """A benefit row's `figure` (expected or actual) at `moment`: from the `before` of its
    option's first change of benefits after it (NULL when the row did not exist then),
    else today's."""
    changes = _changes_after(
        moment, audit=OuterRef("option__audit_id"), option=OuterRef("option_id"), key="benefits"
    )
    path = (F("params"), Value("before"), Value("benefits"), OuterRef("indicator"))
    then = changes.annotate(value=Cast(JsonText(*path, Value(figure)), BENEFIT_FIELD))
    return Case(
        When(Exists(changes), then=Subquery(then.values("value")[:1], output_field=BENEFIT_FIELD)),
        default=F(figure),
        output_field=BENEFIT_FIELD,
    )


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, in the project's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _state_on(history, moment, current: str):
    """The state a record had at `moment`: the `from` of its first change after it, else
    its current state."""
    first_after = history.filter(at__gte=moment).order_by("at", "id").values("from_state")[:1]
    return Coalesce(Subquery(first_after, output_field=CharField()), F(current))


def summary_as_of(
    *, user, as_of: datetime.date, region: str | None = None, year: int | None = None
) -> dict:
    """`reporting.statistics.summary` as it stood at the end of `as_of` (module docstring).
    The same errors: PermissionDenied for a role without statistics, Http404 for a region
    outside the caller's scope."""
    prefix = statistics.scope_prefix(user=user, region=region)
    moment = end_of(as_of)
    cells: dict[tuple[str, str], dict] = {}

    def cell(group) -> dict:
        return cells.setdefault((group["city"], group["industry"]), statistics._row_zero())

    # -- entries ---------------------------------------------------------------------------
    amended = ListAmendment.objects.filter(entry_id=OuterRef("pk"))
    listed = (
        ListEntry.objects.filter(
            statistics._where("enterprise", prefix, "key_list__year", year),
            key_list__status=ListStatus.PUBLISHED,
            key_list__published_on__lte=as_of,
        )
        .exclude(Exists(amended.filter(action=AmendmentAction.REMOVE, created_at__lt=moment)))
        .exclude(Exists(amended.filter(action=AmendmentAction.ADD, created_at__gte=moment)))
        .values(**statistics._groups("enterprise"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in listed:
        cell(group)["listed"] += group["n"]

    # -- audits ----------------------------------------------------------------------------
    by_state = dict.fromkeys(AuditState.values, 0)
    overdue = dict.fromkeys(statistics.OVERDUE_KINDS, 0)
    then = Q(list_entry__key_list__published_on__lte=as_of) | Q(
        list_entry__isnull=True, created_at__lt=moment
    )
    disclosed = Q(list_entry__disclosure__submitted_at__lt=moment)
    removed = Exists(
        ListAmendment.objects.filter(
            entry_id=OuterRef("list_entry_id"),
            action=AmendmentAction.REMOVE,
            created_at__lt=moment,
        )
    )

    def owed(rule) -> Q:
        condition = Q(state_then__in=rule.states) & Q(**{f"{rule.field}__lt": as_of})
        if rule.until_disclosed:
            condition &= ~disclosed & Q(entry_removed=False)
        return condition

    overdue_conditions = {rule.kind: owed(rule) for rule in OVERDUE_RULES}
    any_overdue = Q(pk__in=[])
    for condition in overdue_conditions.values():
        any_overdue |= condition
    audits = (
        Audit.objects.filter(
            then, statistics._where("enterprise", prefix, "list_entry__key_list__year", year)
        )
        .annotate(
            state_then=_state_on(
                TransitionLog.objects.filter(audit_id=OuterRef("pk")), moment, "state"
            ),
            entry_removed=removed,
            # Sent back by its assessment, an audit had submitted its report all the same.
            assessed=Exists(
                Review.objects.filter(
                    audit_id=OuterRef("pk"), kind=ReviewKind.ASSESSMENT, applied_on__lte=as_of
                )
            ),
        )
        .values(**statistics._groups("enterprise"))
        .annotate(
            **{f"state_{state}": Count("pk", filter=Q(state_then=state)) for state in by_state},
            submitted=Count(
                "pk",
                filter=Q(report_submitted_on__lte=as_of)
                | Q(state_then__in=statistics.SUBMITTED_STATES)
                | Q(assessed=True),
            ),
            overdue_any=Count("pk", filter=any_overdue),
            **{f"overdue_{kind}": Count("pk", filter=q) for kind, q in overdue_conditions.items()},
        )
        .order_by()
    )
    for group in audits:
        row = cell(group)
        for state in by_state:
            by_state[state] += group[f"state_{state}"]
            if state not in statistics.NOT_STARTED_STATES:
                row["started"] += group[f"state_{state}"]
        row["submitted"] += group["submitted"]
        row["overdue"] += group["overdue_any"]
        for kind in overdue:
            overdue[kind] += group[f"overdue_{kind}"]

    # -- review rounds -----------------------------------------------------------------------
    concluded = Q(state=ReviewState.CONCLUDED, concluded_on__lte=as_of)
    latest = concluded & ~Q(
        Exists(
            Review.objects.filter(
                audit_id=OuterRef("audit_id"),
                kind=OuterRef("kind"),
                state=ReviewState.CONCLUDED,
                concluded_on__lte=as_of,
                round__gt=OuterRef("round"),
            )
        )
    )
    still_open = ~concluded
    rounds = {
        "passed": concluded & Q(result=ReviewResult.PASSED),
        "failed": concluded & Q(result=ReviewResult.FAILED),
        "pending": still_open,
    }
    results = {
        "passed": latest & Q(result=ReviewResult.PASSED),
        "failed": latest & Q(result=ReviewResult.FAILED),
        "pending": still_open,
    }
    reviews = (
        Review.objects.filter(
            statistics._where(
                "audit__enterprise", prefix, "audit__list_entry__key_list__year", year
            ),
            applied_on__lte=as_of,
        )
        .values(**statistics._groups("audit__enterprise"))
        .annotate(
            **{
                f"{key}_{name}": Count("pk", filter=Q(kind=kind) & condition)
                for kind, key in statistics.REVIEW_KEYS.items()
                for name, condition in results.items()
            },
            **{
                f"{key}_rounds_{name}": Count("pk", filter=Q(kind=kind) & condition)
                for kind, key in statistics.REVIEW_KEYS.items()
                for name, condition in rounds.items()
            },
        )
        .order_by()
    )
    for group in reviews:
        row = cell(group)
        for key in statistics.REVIEW_KEYS.values():
            for name in results:
                row[key][name] += group[f"{key}_{name}"]
                row[key]["rounds"][name] += group[f"{key}_rounds_{name}"]

    # -- options -----------------------------------------------------------------------------
    verdicts = _verdicts(as_of, OuterRef("pk"))
    options = Option.objects.filter(
        statistics._where("audit__enterprise", prefix, "audit__list_entry__key_list__year", year),
        created_at__lt=moment,
    ).annotate(
        status_then=_state_on(
            OptionStatusLog.objects.filter(option_id=OuterRef("pk")), moment, "status"
        ),
        verdict=Subquery(verdicts.values("implemented")[:1]),
        investment_then=_amount_on(moment, "investment"),
        net_benefit_then=_amount_on(moment, "annual_net_benefit"),
    )
    implemented = Q(status_then=OptionStatus.IMPLEMENTED) & (
        Q(verdict__isnull=True) | Q(verdict=True)
    )
    grouped = (
        options.values(**statistics._groups("audit__enterprise"))
        .annotate(
            **{
                name: aggregate
                for cost_class in statistics.COST_CLASSES
                for name, aggregate in (
                    (f"{cost_class}_count", Count("pk", filter=Q(cost_class=cost_class))),
                    (
                        f"{cost_class}_implemented",
                        Count("pk", filter=Q(cost_class=cost_class) & implemented),
                    ),
                    (
                        f"{cost_class}_investment",
                        Sum("investment_then", filter=Q(cost_class=cost_class) & implemented),
                    ),
                )
            }
        )
        .order_by()
    )
    for group in grouped:
        row = cell(group)
        for cost_class in statistics.COST_CLASSES:
            figures = row["options"][cost_class]
            figures["count"] += group[f"{cost_class}_count"]
            figures["implemented"] += group[f"{cost_class}_implemented"]
            figures["investment"] += group[f"{cost_class}_investment"] or 0

    benefits = _benefits(options, as_of=as_of, moment=moment)

    total = statistics._row_zero()
    by_city: dict[str, dict] = {}
    by_industry: dict[str, dict] = {}
    for (city, industry), row in cells.items():
        statistics._add(total, row)
        statistics._add(by_city.setdefault(city + "00", statistics._row_zero()), row)
        statistics._add(by_industry.setdefault(industry, statistics._row_zero()), row)
    return {
        "as_of": as_of,
        "listed": total["listed"],
        "by_state": by_state,
        "overdue": overdue,
        "assessments": total["assessments"],
        "acceptances": total["acceptances"],
        "options": statistics._money(total["options"]),
        "benefits": benefits,
        "by_city": statistics._rows(by_city, Region),
        "by_industry": statistics._rows(by_industry, Industry),
    }


def _benefits(options, *, as_of: datetime.date, moment) -> dict:
    """Summed benefits per indicator of the options alive on `as_of` (one query, plus
    one for the economic benefit read from the options' net benefit)."""
    alive = options.exclude(status_then__in=OPTION_WITHOUT_BENEFIT)
    latest_verification = _verdicts(as_of, OuterRef("option_id"))
    verified_value = VerifiedBenefit.objects.filter(
        verification_id=OuterRef("verification_then"), indicator=OuterRef("indicator")
    ).values("value")[:1]
    zero = Value(Decimal(0), output_field=BENEFIT_FIELD)
    # A claim of actual benefit keeps no history of its own: it is taken as it stands for
    # an option implemented on the day, or one whose status has not moved since.
    claimed = alive.filter(Q(status_then=OptionStatus.IMPLEMENTED) | Q(status_then=F("status")))
    rows = (
        OptionBenefit.objects.filter(option__in=alive.values("pk"))
        .annotate(
            expected_then=_benefit_on(moment, "expected"),
            actual_then=_benefit_on(moment, "actual"),
            verification_then=Subquery(latest_verification.values("pk")[:1]),
            verdict=Subquery(latest_verification.values("implemented")[:1]),
            claimed=Exists(claimed.filter(pk=OuterRef("option_id"))),
        )
        .annotate(verified_value=Subquery(verified_value, output_field=BENEFIT_FIELD))
        .annotate(
            verified_figure=Case(
                When(claimed=False, then=zero),
                When(verdict__isnull=True, then=Coalesce("actual_then", zero)),
                When(verdict=True, then=Coalesce("verified_value", "actual_then", zero)),
                default=zero,
                output_field=BENEFIT_FIELD,
            )
        )
        .values("indicator")
        .annotate(
            expected=Sum("expected_then"),
            actual=Sum("actual_then", filter=Q(claimed=True)),
            verified=Sum("verified_figure"),
        )
        .order_by()
    )
    figures = {
        indicator: {key: Decimal("0.0000") for key in ("expected", "actual", "verified")}
        for indicator in Indicator.values
    }
    for row in rows:
        for key in ("expected", "actual", "verified"):
            figures[row["indicator"]][key] += row[key] or 0
    # A benefit the panel verified but nobody claimed counts as verified.
    unclaimed = (
        VerifiedBenefit.objects.filter(
            verification__implemented=True,
            verification__option__in=claimed.values("pk"),
            verification_id=Subquery(
                _verdicts(as_of, OuterRef("verification__option_id")).values("pk")[:1]
            ),
        )
        .exclude(
            Exists(
                OptionBenefit.objects.filter(
                    option_id=OuterRef("verification__option_id"), indicator=OuterRef("indicator")
                )
            )
        )
        .values("indicator")
        .annotate(verified=Sum("value"))
        .order_by()
    )
    for row in unclaimed:
        figures[row["indicator"]]["verified"] += row["verified"] or 0
    # The economic benefit of an option without an `economic_yuan` figure is its net
    # benefit (audits/totals.py) as it stood then: expected while alive, actual once
    # implemented; only the claimed options count.
    net = (
        claimed.filter(net_benefit_then__isnull=False)
        .exclude(
            Exists(
                OptionBenefit.objects.filter(option_id=OuterRef("pk"), indicator=Indicator.ECONOMIC)
            )
        )
        .aggregate(
            expected=Sum("net_benefit_then"),
            actual=Sum("net_benefit_then", filter=Q(status_then=OptionStatus.IMPLEMENTED)),
            verified=Sum(
                "net_benefit_then",
                filter=Q(status_then=OptionStatus.IMPLEMENTED)
                & (Q(verdict__isnull=True) | Q(verdict=True)),
            ),
        )
    )
    for key, value in net.items():
        figures[Indicator.ECONOMIC][key] += value or 0
    return {
        indicator: {key: value.quantize(statistics.BENEFIT) for key, value in sums.items()}
        for indicator, sums in figures.items()
    }


def _verdicts(as_of: datetime.date, option):
    """The verifications of `option` by acceptances concluded on or before `as_of`, the
    latest round first."""
    return Verification.objects.filter(
        option_id=option,
        review__kind=ReviewKind.ACCEPTANCE,
        review__state=ReviewState.CONCLUDED,
        review__concluded_on__lte=as_of,
    ).order_by("-review__round", "-pk")
