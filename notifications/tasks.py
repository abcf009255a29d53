from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail each notification to its recipient, in Chinese and English. Marks what it
    sent, so a retried task (or the sweep beside it) sends nothing twice."""
    return services.notifications_mail(ids=notification_ids)


@shared_task(acks_late=True)
def sweep_unmailed_notifications() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): mail the notifications a lost broker left
    unmailed past the grace period."""
    return services.notifications_mail_sweep()
