import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.choices import Role
from core.errors import StateConflict
from core.roles import require_role

from .models import JobState, ReportFormat, ReportJob, ReportKind, report_path

# -- report jobs (api.md "Reports and statistics") -------------------------------------

# A report that has waited this long in `pending` (its enqueue lost, the broker down) or in
# `running` (its worker lost) is enqueued again by the sweep.
STALE_PENDING = datetime.timedelta(minutes=2)
STALE_RUNNING = datetime.timedelta(minutes=15)
log = logging.getLogger(__name__)


@transaction.atomic
def report_request(*, actor, kind: str, format: str, audit=None, region=None,
                   year: int | None = None) -> ReportJob:
    """Record a report job for a subject the actor may see, and enqueue its rendering
    once the transaction commits. Audit summaries and opinions name an audit (an opinion
    is of its latest concluded round of that kind); a province summary names a region in
    the authority's scope (default: its own)."""
    from assessments.models import Review
    from audits.models import Audit

    review = None
    if kind == ReportKind.PROVINCE_SUMMARY:
        require_role(actor, Role.ADMIN, Role.AUTHORITY)
        if region is None and actor.role == Role.AUTHORITY:
            region = actor.organization.region
        if region is not None and not actor.in_scope(region.pk):
            raise ValidationError({"region": [_("Choose a region within your scope.")]})
    else:
        if audit is None or not Audit.objects.for_user(actor).filter(pk=audit.pk).exists():
            raise ValidationError({"audit": [_("Choose an audit you may see.")]})
        if kind != ReportKind.AUDIT_SUMMARY:
            review_kind = "assessment" if kind == ReportKind.ASSESSMENT_OPINION else "acceptance"
            review = (Review.objects.filter(audit=audit, kind=review_kind, state="concluded")
                      .order_by("-round").first())
            if review is None:
                raise StateConflict(_("There is no opinion to report yet."), unmet=[
                    _("The audit has no concluded %(review)s.")
                    % {"review": Review(kind=review_kind).get_kind_display().lower()}])
    job = ReportJob.objects.create(
        kind=kind, format=format, audit=audit if kind != ReportKind.PROVINCE_SUMMARY else None,
        review=review, region=region, year=year, requested_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE)
    # robust: an in-process render that fails leaves the job to the sweep, not a 500.
    transaction.on_commit(lambda: report_enqueue(job_id=job.pk), robust=True)
    return job


def report_enqueue(*, job_id: int) -> bool:
    """Hand the job to the broker. When the broker is down the request still succeeds:
    the job stays `pending` and the sweep enqueues it again later."""
    from .tasks import render_report

    try:
        if render_report.app.conf.task_always_eager:
            render_report.apply_async(args=[job_id])
        else:
            # A connection of its own, not the pool's: a pooled one that a restarted broker
            # dropped can swallow the message, a fresh one fails at once when the broker
            # is down. (A message lost anyway leaves the job pending; the sweep resends.)
            with render_report.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1)
                render_report.apply_async(
                    args=[job_id], retry=False, connection=connection,
                    soft_time_limit=settings.REPORT_TIME_LIMIT,
                    time_limit=settings.REPORT_TIME_LIMIT + 30)
    except (KombuOperationalError, OSError) as error:
        log.warning("report job %s not enqueued, the sweep will retry: %s", job_id, error)
        return False
    ReportJob.objects.filter(pk=job_id, state=JobState.PENDING).update(
        enqueued_at=timezone.now())
    return True


def report_run(*, job_id: int) -> ReportJob | None:
    """Render the job once. A job already done or failed, or being rendered by another
    worker, is left as it is, so a retried or twice-delivered task never renders twice or
    leaves two files. `ReportError` fails the job with its message; other errors put it
    back to pending and propagate, so that the task retries."""
    from . import reports  # the renderers load WeasyPrint and the statistics

    with transaction.atomic():
        job = ReportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        busy = (job is not None and job.state == JobState.RUNNING
                and job.started_at > timezone.now() - STALE_RUNNING)
        if job is None or busy or job.state in (JobState.DONE, JobState.FAILED):
            return job
        job.state, job.started_at, job.attempts = (JobState.RUNNING, timezone.now(),
                                                   job.attempts + 1)
        job.save(update_fields=["state", "started_at", "attempts"])
    try:
        with translation.override(job.language):
            content, name = reports.render(job)
        return _store(job, content, name)
    except reports.ReportError as error:
        return _fail(job, str(error))
    except BaseException:
        ReportJob.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.PENDING)
        raise


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


def report_fail(*, job_id: int, reason: str) -> None:
    """A job the task gave up on (retries spent, timed out): failed, with the reason."""
    ReportJob.objects.filter(pk=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED, error=reason[:2000], finished_at=timezone.now())


def _fail(job: ReportJob, reason: str) -> ReportJob:
    report_fail(job_id=job.pk, reason=reason)
    job.refresh_from_db()
    return job


def reports_sweep(*, now=None) -> int:
    """Enqueue again the jobs left pending (the broker was down) or running too long (the
    worker was lost); the number enqueued."""
    now = now or timezone.now()
    stale = ReportJob.objects.filter(
        Q(state=JobState.PENDING, created_at__lt=now - STALE_PENDING,
          enqueued_at__isnull=True)
        | Q(state=JobState.PENDING, enqueued_at__lt=now - STALE_PENDING)
        | Q(state=JobState.RUNNING, started_at__lt=now - STALE_RUNNING))
    ids = list(stale.values_list("pk", flat=True))
    ReportJob.objects.filter(pk__in=ids, state=JobState.RUNNING).update(state=JobState.PENDING)
    return sum(report_enqueue(job_id=pk) for pk in ids)


def report_file_response(job: ReportJob) -> FileResponse:
    """The rendered file as an attachment (the API and the pages both serve it so)."""
    content_type = {ReportFormat.PDF: "application/pdf",
                    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument."
                                       "spreadsheetml.sheet"}[job.format]
    return FileResponse(job.file.open("rb"), as_attachment=True,
                        filename=job.file.name.rsplit("/", 1)[-1], content_type=content_type)
