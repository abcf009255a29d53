# Notifications moved out of the reporting app (issue 10). The table stays as it was
# (`reporting_notification`); this only tells Django's state that the model is here now.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Permissions and admin log entries follow the model to its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="notifications", model="notification").exists():
        ContentType.objects.filter(app_label="reporting", model="notification").update(
            app_label="notifications")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model="notification").update(
        app_label="reporting")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reporting", "0002_report_jobs_and_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40, verbose_name="kind")),
                        ("params", models.JSONField(default=dict, verbose_name="parameters")),
                        ("url", models.CharField(blank=True, max_length=300,
                                                 verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True,
                                                            verbose_name="created")),
                        ("read_at", models.DateTimeField(blank=True, null=True,
                                                         verbose_name="read")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True,
                                                            verbose_name="e-mailed")),
                        ("recipient", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="notifications", to=settings.AUTH_USER_MODEL,
                            verbose_name="recipient")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "reporting_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["recipient", "read_at"],
                                                 name="notification_unread")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
