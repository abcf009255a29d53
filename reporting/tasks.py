import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from django.db import DatabaseError
from django.utils.translation import gettext as _

from . import reminders, reports, services, workflow

log = logging.getLogger(__name__)


@worker_process_init.connect
def _load_the_renderer(**kwargs) -> None:
    """Each worker process loads WeasyPrint (and Pango) once, when it starts, rather than
    inside its first render: the render's time limit then measures the render, and a
    limit that strikes cannot land in the middle of a library's import."""
    reports.load_renderer()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_deadline_reminders() -> int:
    """The daily deadline reminders (CELERY_BEAT_SCHEDULE "deadline-reminders"). Safe to
    run again or twice at once: each reminder is sent once (reporting/reminders.py)."""
    return reminders.send_deadline_reminders()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def render_report(self, job_id: int) -> str | None:
    """Render one report job (reporting.workflow.report_run, which makes a re-run
    harmless). A render that runs past its soft time limit (settings.REPORT_TIME_LIMIT,
    given at enqueue), or a transient error that outlives its retries, fails the job with
    the reason instead of leaving it hanging."""
    try:
        job = workflow.report_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        workflow.report_fail(job_id=job_id, reason=_("The report took too long to render."))
        return "failed"
    except (OSError, DatabaseError) as error:
        if self.request.retries >= self.max_retries:
            # The reason in the reader's words; the error itself (a server path, say) goes
            # to the worker's log only.
            log.error("report job %s failed: %r", job_id, error)
            workflow.report_fail(job_id=job_id, reason=workflow.fault_reason(error))
        raise
    return job.state if job else None


@shared_task(acks_late=True)
def sweep_report_jobs() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): enqueue the report jobs a lost broker or worker
    left behind."""
    return services.reports_sweep()
