"""The per-audit totals the statistics read follow every change of the options made
through the services (audits/totals.py)."""

from decimal import Decimal

import pytest

from audits import services
from audits.choices import OPTION_WITHOUT_BENEFIT, AuditState, CostClass, OptionStatus
from audits.models import BenefitTotals, Option, OptionTotals
from tests.support.audits import add_option, bring_to, engaged_audit, move_option

pytestmark = pytest.mark.django_db


def recount(audit) -> tuple[dict, dict]:
    options, benefits = {}, {}
    for option in Option.objects.filter(audit=audit).prefetch_related("benefits"):
        row = options.setdefault(option.cost_class, [0, 0, Decimal(0)])
        row[0] += 1
        if option.status == OptionStatus.IMPLEMENTED:
            row[1] += 1
            row[2] += option.investment
        if option.status not in OPTION_WITHOUT_BENEFIT:
            claims = {b.indicator: (b.expected, b.actual) for b in option.benefits.all()}
            if "economic_yuan" not in claims and option.annual_net_benefit is not None:
                # The economic benefit falls back to the annual net benefit (issue 12).
                done = option.status == OptionStatus.IMPLEMENTED
                claims["economic_yuan"] = (
                    option.annual_net_benefit,
                    option.annual_net_benefit if done else None,
                )
            for indicator, (expected, actual) in claims.items():
                sums = benefits.setdefault(indicator, [Decimal(0), Decimal(0)])
                sums[0] += expected or 0
                sums[1] += actual or 0
    return options, benefits


def stored(audit) -> tuple[dict, dict]:
    return (
        {
            t.cost_class: [t.count, t.implemented, t.investment]
            for t in OptionTotals.objects.filter(audit=audit)
        },
        {t.indicator: [t.expected, t.actual] for t in BenefitTotals.objects.filter(audit=audit)},
    )


def test_totals_follow_saves_status_moves_bulk_entry_and_deletes(cast):
    audit = engaged_audit(cast)
    bring_to(cast, audit, AuditState.FOCUSED_ASSESSMENT)
    # The first no/low-cost option, proposed on leaving pre-assessment (20 000 yuan).
    low = Option.objects.get(audit=audit, code="N1")
    assert stored(audit) == ({"no_low": [1, 0, Decimal(0)]}, {})
    mid = add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=1_000_000)
    services.options_bulk_create(
        actor=cast.user("consultant"),
        audit=audit,
        rows=[
            {
                "code": "N2",
                "title": "Lights",
                "aspect": "equipment",
                "cost_class": "no_low",
                "investment": "5000",
            }
        ],
    )
    assert stored(audit) == recount(audit)
    move_option(
        cast,
        low,
        OptionStatus.RETAINED,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
        benefits=[{"indicator": "water_t", "expected": 100, "actual": 80}],
    )
    move_option(
        cast,
        mid,
        OptionStatus.RETAINED,
        OptionStatus.FEASIBLE,
        benefits=[{"indicator": "water_t", "expected": 900}],
    )
    assert stored(audit) == recount(audit)
    assert stored(audit)[1]["water_t"] == [Decimal(1000), Decimal(80)]
    # The feasible option's annual net benefit stands for its economic benefit.
    assert stored(audit)[1]["economic_yuan"] == [Decimal(600_000), Decimal(0)]
    move_option(cast, mid, OptionStatus.ABANDONED)  # brings nothing any more
    services.option_delete(
        actor=cast.user("consultant"), option=Option.objects.get(audit=audit, code="N2")
    )
    assert stored(audit) == recount(audit)
    assert stored(audit) == (
        {"mid_high": [1, 0, Decimal(0)], "no_low": [1, 1, Decimal(20_000)]},
        {"water_t": [Decimal(100), Decimal(80)]},
    )
