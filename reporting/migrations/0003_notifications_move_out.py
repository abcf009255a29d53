# Notifications moved to their own app (issue 10): the table stays, now owned by
# notifications.Notification (notifications/migrations/0001_initial.py).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("reporting", "0002_report_jobs_and_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
