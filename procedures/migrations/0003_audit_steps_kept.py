from django.db import migrations

from procedures import triggers


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0015_audit_kept_facts"),
        ("procedures", "0002_invitation_withdrawn"),
    ]

    operations = [
        # The triggers that keep the audit's registration day and filed flag
        # (procedures/triggers.py), then every existing audit's filled.
        migrations.RunPython(
            triggers.AUDIT_STEPS.migrate_forwards, triggers.AUDIT_STEPS.migrate_backwards
        ),
    ]
