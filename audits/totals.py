"""The per-audit sums the statistics read (OptionTotals, BenefitTotals): recomputed from
the audit's options whenever they change, in the same transaction."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from .choices import OPTION_WITHOUT_BENEFIT, OptionStatus
from .models import BenefitTotals, Option, OptionBenefit, OptionTotals

IMPLEMENTED = Q(status=OptionStatus.IMPLEMENTED)


def refresh(audit_ids) -> None:
    """Recompute the totals of `audit_ids` (six queries, however many audits)."""
    ids = list(audit_ids)
    OptionTotals.objects.filter(audit_id__in=ids).delete()
    BenefitTotals.objects.filter(audit_id__in=ids).delete()
    options = (
        Option.objects.filter(audit_id__in=ids)
        .values("audit_id", "cost_class")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=IMPLEMENTED),
            money=Coalesce(
                Sum("investment", filter=IMPLEMENTED),
                0,
                output_field=Option._meta.get_field("investment"),
            ),
        )
        .order_by()
    )
    OptionTotals.objects.bulk_create(
        [
            OptionTotals(
                audit_id=row["audit_id"],
                cost_class=row["cost_class"],
                count=row["n"],
                implemented=row["done"],
                investment=row["money"],
            )
            for row in options
        ],
        batch_size=2000,
    )
    benefits = (
        OptionBenefit.objects.filter(option__audit_id__in=ids)
        .exclude(option__status__in=OPTION_WITHOUT_BENEFIT)
        .values("option__audit_id", "indicator")
        .annotate(expected=Sum("expected"), actual=Sum("actual"))
        .order_by()
    )
    BenefitTotals.objects.bulk_create(
        [
            BenefitTotals(
                audit_id=row["option__audit_id"],
                indicator=row["indicator"],
                expected=row["expected"] or 0,
                actual=row["actual"] or 0,
            )
            for row in benefits
        ],
        batch_size=2000,
    )
