from django.db import migrations
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

WITHOUT_BENEFIT = ["screened_out", "infeasible", "abandoned"]


def fill(apps, schema_editor):
    """The totals of the audits that exist already (audits.totals.refresh, on the
    historical models)."""
    Option = apps.get_model("audits", "Option")
    OptionBenefit = apps.get_model("audits", "OptionBenefit")
    OptionTotals = apps.get_model("audits", "OptionTotals")
    BenefitTotals = apps.get_model("audits", "BenefitTotals")
    implemented = Q(status="implemented")
    options = (Option.objects.values("audit_id", "cost_class")
               .annotate(n=Count("pk"), done=Count("pk", filter=implemented),
                         money=Coalesce(Sum("investment", filter=implemented), 0,
                                        output_field=Option._meta.get_field("investment")))
               .order_by())
    OptionTotals.objects.bulk_create(
        [OptionTotals(audit_id=r["audit_id"], cost_class=r["cost_class"], count=r["n"],
                      implemented=r["done"], investment=r["money"]) for r in options],
        batch_size=2000)
    benefits = (OptionBenefit.objects.exclude(option__status__in=WITHOUT_BENEFIT)
                .values("option__audit_id", "indicator")
                .annotate(expected=Sum("expected"), actual=Sum("actual")).order_by())
    BenefitTotals.objects.bulk_create(
        [BenefitTotals(audit_id=r["option__audit_id"], indicator=r["indicator"],
                       expected=r["expected"] or 0, actual=r["actual"] or 0)
         for r in benefits], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_option_and_benefit_totals")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
