from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail each notification to its recipient, in Chinese and English. Marks what it
    sent, so a retried task sends nothing twice."""
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
    )
    messages = []
    for notification in pending:
        parts = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                parts.append((_("cpaudit notification"), notification.text))
        subject = f"{parts[0][0]} / {parts[1][0]}"
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        body = f"{parts[0][1]}\n\n{parts[1][1]}{link}"
        messages.append((subject, body, None, [notification.recipient.email]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return sent
