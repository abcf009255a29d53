"""The life of a report job (api.md "Reports and statistics"): pending → running → done
| failed, and back to pending when its worker is lost or a transient error will be
retried. The one place `ReportJob.state` changes; each move locks the row (or is one
conditional UPDATE), so a twice-delivered or retried task never renders twice."""

import datetime
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import reports
from .models import JobState, ReportJob, report_path

# A report that has waited this long in `pending` (its enqueue lost, the broker down) is
# enqueued again by the sweep.
STALE_PENDING = datetime.timedelta(minutes=2)
# A running job's worker beats on its row (`heartbeat_at`) every REPORT_HEARTBEAT_SECONDS;
# a job whose heart stopped REPORT_LOST_AFTER_SECONDS ago had its worker lost (killed, its
# machine gone), and the sweep (every minute) runs it again: within two minutes (issue 14).
# A job lost REPORT_MAX_ATTEMPTS times fails instead of killing worker after worker.


def lost_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_LOST_AFTER_SECONDS)


@contextmanager
def heartbeat(job_id: int):
    """Beat on the job's row from a thread of its own while the body runs (a render holds
    the main thread for its whole length). The thread has its own database connection,
    closed when it stops."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.REPORT_HEARTBEAT_SECONDS):
                ReportJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"report-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def report_run(*, job_id: int) -> ReportJob | None:
    """Render the job once. A job already done or failed, or being rendered by another
    worker, is left as it is, so a retried or twice-delivered task never renders twice or
    leaves two files. `ReportError` fails the job with its message; other errors put it
    back to pending and propagate, so that the task retries."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        busy = (
            job is not None
            and job.state == JobState.RUNNING
            and (job.heartbeat_at or job.started_at) > timezone.now() - lost_after()
        )
        if job is None or busy or job.state in (JobState.DONE, JobState.FAILED):
            return job
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at, job.attempts = (
            JobState.RUNNING,
            now,
            now,
            job.attempts + 1,
        )
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
    try:
        with heartbeat(job.pk), translation.override(job.language):
            content, name = reports.render(job)
        return _store(job, content, name)
    except reports.ReportError as error:
        return _fail(job, str(error))
    except BaseException:
        _drop_broken_connection()
        ReportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(state=JobState.PENDING)
        raise


def _drop_broken_connection() -> None:
    """A time limit that strikes in the middle of a query leaves the connection unusable
    ("another command is already in progress"): drop it, and the next query opens a new
    one. Never inside a transaction (the caller's to roll back)."""
    if (
        connection.connection is not None
        and not connection.in_atomic_block
        and not connection.is_usable()
    ):
        connection.close()


def _store(job: ReportJob, content: bytes, name: str) -> ReportJob:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != JobState.RUNNING:
            return job  # finished or failed meanwhile: keep that
        path = report_path(job, name)
        if job.file.storage.exists(path):
            job.file.storage.delete(path)  # a render that died before its commit left it
        job.file.save(name, ContentFile(content), save=False)
        job.state, job.size, job.error = JobState.DONE, len(content), ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "state", "size", "error", "finished_at"])
    return job


def fault_reason(error: BaseException) -> str:
    """What a failed job tells its reader of a transient error that outlived its retries:
    which service failed, not the error's own text (it names server paths)."""
    if isinstance(error, OSError):
        return _("The report could not be stored: the file store is unavailable.")
    return _("The report could not be made: the database is unavailable.")


def report_fail(*, job_id: int, reason: str) -> None:
    """A job the task gave up on (retries spent, timed out): failed, with the reason."""
    _drop_broken_connection()
    ReportJob.objects.filter(pk=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def _fail(job: ReportJob, reason: str) -> ReportJob:
    report_fail(job_id=job.pk, reason=reason)
    job.refresh_from_db()
    return job


def jobs_to_resend(*, now=None) -> list[int]:
    """The jobs left pending (the broker was down) or running with a stopped heart (the
    worker was lost), put back to pending: the sweep enqueues them again. Each lost job is
    moved back by one conditional UPDATE, so two sweeps at once rerun it once; one lost
    REPORT_MAX_ATTEMPTS times fails with the reason."""
    now = now or timezone.now()
    lost = Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=now - lost_after())
        | Q(heartbeat_at__isnull=True, started_at__lt=now - lost_after())
    )
    spent = ReportJob.objects.filter(lost, attempts__gte=settings.REPORT_MAX_ATTEMPTS)
    for pk in spent.values_list("pk", flat=True):
        ReportJob.objects.filter(lost, pk=pk).update(
            state=JobState.FAILED,
            error=_("The worker rendering this report was lost too often."),
            finished_at=now,
        )
    rerun = []
    for pk in ReportJob.objects.filter(lost).values_list("pk", flat=True):
        if ReportJob.objects.filter(lost, pk=pk).update(state=JobState.PENDING):
            rerun.append(pk)
    pending = ReportJob.objects.filter(
        Q(state=JobState.PENDING, created_at__lt=now - STALE_PENDING, enqueued_at__isnull=True)
        | Q(state=JobState.PENDING, enqueued_at__lt=now - STALE_PENDING)
    ).exclude(pk__in=rerun)
    return rerun + list(pending.values_list("pk", flat=True))
