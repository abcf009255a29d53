from django.db import migrations

# GB/T 4754-2017 divisions. Heavy-metal industries: metal ore mining (09), leather
# tanning (19), chemicals (26), non-ferrous smelting (32), electroplating and metal
# products (33), lead-acid batteries (38). Over-capacity industries: coal (06),
# cement and flat glass (30), steel (31). Editable per province.
HEAVY_METAL = ["09", "19", "26", "32", "33", "38"]
OVER_CAPACITY = ["06", "30", "31"]


def create(apps, schema_editor):
    ProvincePolicy = apps.get_model("enterprises", "ProvincePolicy")
    if not ProvincePolicy.objects.filter(province__isnull=True).exists():
        ProvincePolicy.objects.create(
            province=None, heavy_metal_industries=HEAVY_METAL,
            overcapacity_industries=OVER_CAPACITY,
        )


def remove(apps, schema_editor):
    apps.get_model("enterprises", "ProvincePolicy").objects.filter(
        province__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_key_lists")]

    operations = [migrations.RunPython(create, remove)]
