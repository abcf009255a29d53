from django.db import migrations


def load(apps, schema_editor):
    from assessments.sheets import load_national_sheets

    load_national_sheets(apps.get_model("assessments", "ScoringSheet"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
