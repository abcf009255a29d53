from django.db import migrations

from enterprises.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps.get_model("enterprises", "Region"),
                        apps.get_model("enterprises", "Industry"))


def unload(apps, schema_editor):
    # Children first: parents are protected while anything refers to them.
    Region = apps.get_model("enterprises", "Region")
    for level in ("county", "city", "province"):
        Region.objects.filter(level=level).delete()
    Industry = apps.get_model("enterprises", "Industry")
    for level in ("division", "section"):
        Industry.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
