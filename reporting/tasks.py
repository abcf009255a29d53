from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail each notification to its recipient, in Chinese and English. Marks what it
    sent, so a retried task sends nothing twice."""
    from .models import Notification

    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .exclude(recipient__email="").select_related("recipient")
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
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        emailed_at=timezone.now())
    return sent


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_deadline_reminders() -> int:
    """The daily deadline reminders (CELERY_BEAT_SCHEDULE "deadline-reminders"). Safe to
    run again or twice at once: each reminder is sent once (reporting/reminders.py)."""
    from .reminders import send_deadline_reminders as send

    return send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError, DatabaseError),
             retry_backoff=True, retry_backoff_max=300, max_retries=5)
def render_report(self, job_id: int) -> str | None:
    """Render one report job (reporting.services.report_run, which makes a re-run
    harmless). A render that runs past its soft time limit (settings.REPORT_TIME_LIMIT,
    given at enqueue), or a transient error that outlives its retries, fails the job with
    the reason instead of leaving it hanging."""
    from .services import report_fail, report_run

    try:
        job = report_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        report_fail(job_id=job_id, reason=_("The report took too long to render."))
        return "failed"
    except (OSError, DatabaseError) as error:
        if self.request.retries >= self.max_retries:
            report_fail(job_id=job_id, reason=str(error))
        raise
    return job.state if job else None


@shared_task(acks_late=True)
def sweep_report_jobs() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): enqueue the report jobs a lost broker or worker
    left behind."""
    from .services import reports_sweep

    return reports_sweep()
