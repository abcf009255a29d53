# Notifications moved to their own app, which knows nothing of audit states (issue 10):
# an `audit_moved` notification now carries the two states' names in both languages, as
# every other parameter that is shown translated. Rewrite the ones sent before.

from django.db import migrations
from django.utils import translation

from audits.choices import AuditState


def _both(code):
    if code not in AuditState.values:
        return code
    names = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names[language] = str(AuditState(code).label)
    return {"zh": names["zh-hans"], "en": names["en"]}


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    changed = []
    for notification in Notification.objects.filter(kind="audit_moved").iterator():
        params = dict(notification.params)
        for key in ("from", "to"):
            if isinstance(params.get(key), str):
                params[key] = _both(params[key])
        if params != notification.params:
            notification.params = params
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["params"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0007_option_status_log"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
