"""The per-audit sums the statistics read (OptionTotals, BenefitTotals): recomputed from
the audit's options, and the acceptance panel's verifications of them, whenever either
changes, in the same transaction (the option services; the verifications of
assessments.services).

What the performance table counts (domain.md §5; issue 12):
- an option is implemented when its status says so, unless the panel's latest
  verification of it found it not implemented; the investment is that of the options so
  counted;
- benefits are summed over the options that may still bring one (not screened out,
  infeasible or abandoned): expected and actual as claimed, and `verified`: the panel's
  verified figure where the option was verified (nothing when found not implemented),
  the claimed actual figure elsewhere;
- the economic benefit falls back to the option's annual net benefit where no
  `economic_yuan` benefit is given (expected for every such option, actual for the
  implemented ones).
"""

from collections import defaultdict
from decimal import Decimal

from .choices import OPTION_WITHOUT_BENEFIT, Indicator, OptionStatus
from .models import BenefitTotals, Option, OptionBenefit, OptionTotals

ZERO = Decimal(0)


def _latest_verifications(ids) -> dict[int, tuple[bool, dict]]:
    """Per option of `ids`' audits: (implemented, {indicator: verified value}) from the
    latest review round that verified it, read through the options' `verifications`
    (the review app lies above this one)."""
    latest = {}
    rows = (
        Option.objects.filter(audit_id__in=ids, verifications__isnull=False)
        .values_list(
            "pk",
            "verifications__review__round",
            "verifications__pk",
            "verifications__implemented",
        )
        .order_by("pk", "verifications__review__round", "verifications__pk")
    )
    for option_id, _round, verification_id, implemented in rows:
        latest[option_id] = (verification_id, implemented)
    values = defaultdict(dict)
    chosen = {verification for verification, _implemented in latest.values()}
    for option_id, verification_id, indicator, value in Option.objects.filter(
        pk__in=latest, verifications__benefits__isnull=False
    ).values_list(
        "pk",
        "verifications__pk",
        "verifications__benefits__indicator",
        "verifications__benefits__value",
    ):
        if verification_id in chosen and latest[option_id][0] == verification_id:
            values[option_id][indicator] = value
    return {pk: (implemented, values[pk]) for pk, (_v, implemented) in latest.items()}


def refresh(audit_ids) -> None:
    """Recompute the totals of `audit_ids` (five reads and four writes, however many)."""
    ids = list(audit_ids)
    OptionTotals.objects.filter(audit_id__in=ids).delete()
    BenefitTotals.objects.filter(audit_id__in=ids).delete()
    verdicts = _latest_verifications(ids)
    options = list(
        Option.objects.filter(audit_id__in=ids).values_list(
            "pk", "audit_id", "cost_class", "status", "investment", "annual_net_benefit"
        )
    )
    benefits = defaultdict(dict)
    for option_id, indicator, expected, actual in OptionBenefit.objects.filter(
        option__audit_id__in=ids
    ).values_list("option_id", "indicator", "expected", "actual"):
        benefits[option_id][indicator] = (expected, actual)

    counts = defaultdict(lambda: [0, 0, ZERO])  # (audit, class) → count, implemented, money
    sums = defaultdict(lambda: [ZERO, ZERO, ZERO])  # (audit, indicator) → exp, act, verified
    for pk, audit_id, cost_class, status, investment, net_benefit in options:
        implemented, verified = verdicts.get(pk, (None, {}))
        counted = status == OptionStatus.IMPLEMENTED and implemented is not False
        row = counts[(audit_id, cost_class)]
        row[0] += 1
        if counted:
            row[1] += 1
            row[2] += investment or ZERO
        if status in OPTION_WITHOUT_BENEFIT:
            continue
        claims = dict(benefits.get(pk, {}))
        if Indicator.ECONOMIC not in claims and net_benefit is not None:
            claims[Indicator.ECONOMIC] = (
                net_benefit,
                net_benefit if status == OptionStatus.IMPLEMENTED else None,
            )
        for indicator, (expected, actual) in claims.items():
            total = sums[(audit_id, indicator)]
            total[0] += expected or ZERO
            total[1] += actual or ZERO
            if implemented is None:
                total[2] += actual or ZERO
            elif implemented:
                total[2] += verified.get(indicator, actual) or ZERO
        for indicator in verified.keys() - claims.keys():  # verified, never claimed
            if implemented:
                sums[(audit_id, indicator)][2] += verified[indicator]
    OptionTotals.objects.bulk_create(
        [
            OptionTotals(
                audit_id=audit_id,
                cost_class=cost_class,
                count=count,
                implemented=done,
                investment=money,
            )
            for (audit_id, cost_class), (count, done, money) in counts.items()
        ],
        batch_size=2000,
    )
    BenefitTotals.objects.bulk_create(
        [
            BenefitTotals(
                audit_id=audit_id,
                indicator=indicator,
                expected=expected,
                actual=actual,
                verified=verified,
            )
            for (audit_id, indicator), (expected, actual, verified) in sums.items()
        ],
        batch_size=2000,
    )
