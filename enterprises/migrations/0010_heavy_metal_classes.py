# The national default's heavy-metal industries at class level (issue 12; the source is in
# enterprises/reference.py). Only a default still as shipped is changed: a province's own
# policy, and every published list (which keeps its figures), stay as they are.

from django.db import migrations

from enterprises.reference import HEAVY_METAL_DIVISIONS_BEFORE, HEAVY_METAL_INDUSTRIES


def forwards(apps, schema_editor):
    ProvincePolicy = apps.get_model("enterprises", "ProvincePolicy")
    ProvincePolicy.objects.filter(
        province__isnull=True, heavy_metal_industries=HEAVY_METAL_DIVISIONS_BEFORE
    ).update(heavy_metal_industries=HEAVY_METAL_INDUSTRIES)


def backwards(apps, schema_editor):
    ProvincePolicy = apps.get_model("enterprises", "ProvincePolicy")
    ProvincePolicy.objects.filter(
        province__isnull=True, heavy_metal_industries=HEAVY_METAL_INDUSTRIES
    ).update(heavy_metal_industries=HEAVY_METAL_DIVISIONS_BEFORE)


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0009_industry_class")]

    operations = [migrations.RunPython(forwards, backwards)]
