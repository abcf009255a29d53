from django.db import migrations

from enterprises.reference import ensure_national_policy


def create(apps, schema_editor):
    ensure_national_policy(apps.get_model("enterprises", "ProvincePolicy"))


def remove(apps, schema_editor):
    apps.get_model("enterprises", "ProvincePolicy").objects.filter(
        province__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_key_lists")]

    operations = [migrations.RunPython(create, remove)]
