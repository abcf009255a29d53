from django.db import migrations


def national_default(apps, schema_editor):
    """The national default: progress by 30 June and 15 December, the annual summary by
    15 March (Hubei 2026), engaging a firm outside its industries warns, penalised firms
    are public."""
    Policy = apps.get_model("supervision", "SupervisionPolicy")
    if not Policy.objects.filter(province__isnull=True).exists():
        Policy.objects.create(province=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(national_default, migrations.RunPython.noop)]
