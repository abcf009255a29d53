import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.choices import Role
from assessments.models import Review
from audits.models import Audit
from core.errors import StateConflict
from core.roles import require_role
from core.tasks import task

from . import workflow
from .models import JobState, ReportFormat, ReportJob, ReportKind

# -- report jobs (api.md "Reports and statistics") -------------------------------------

# The workflow's, here too for the sweep's callers.
STALE_PENDING = workflow.STALE_PENDING
RENDER_TASK = "reporting.tasks.render_report"
log = logging.getLogger(__name__)
# Read by the tests and the bench, which run jobs in-process.
report_run = workflow.report_run


@transaction.atomic
def report_request(
    *, actor, kind: str, format: str, audit=None, region=None, year: int | None = None
) -> ReportJob:
    """Record a report job for a subject the actor may see, and enqueue its rendering
    once the transaction commits. Audit summaries and opinions name an audit (an opinion
    is of its latest concluded round of that kind); a province summary names a region in
    the authority's scope (default: its own)."""
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
            review = (
                Review.objects.filter(audit=audit, kind=review_kind, state="concluded")
                .order_by("-round")
                .first()
            )
            if review is None:
                raise StateConflict(
                    _("There is no opinion to report yet."),
                    unmet=[
                        _("The audit has no concluded %(review)s.")
                        % {"review": Review(kind=review_kind).get_kind_display().lower()}
                    ],
                )
    job = ReportJob.objects.create(
        kind=kind,
        format=format,
        audit=audit if kind != ReportKind.PROVINCE_SUMMARY else None,
        review=review,
        region=region,
        year=year,
        requested_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    # robust: an in-process render that fails leaves the job to the sweep, not a 500.
    transaction.on_commit(lambda: report_enqueue(job_id=job.pk), robust=True)
    return job


def report_enqueue(*, job_id: int) -> bool:
    """Hand the job to the broker. When the broker is down the request still succeeds:
    the job stays `pending` and the sweep enqueues it again later."""
    render_report = task(RENDER_TASK)
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
                    args=[job_id],
                    retry=False,
                    connection=connection,
                    soft_time_limit=settings.REPORT_TIME_LIMIT,
                    time_limit=settings.REPORT_TIME_LIMIT + 30,
                )
    except (KombuOperationalError, OSError) as error:
        log.warning("report job %s not enqueued, the sweep will retry: %s", job_id, error)
        return False
    ReportJob.objects.filter(pk=job_id, state=JobState.PENDING).update(enqueued_at=timezone.now())
    return True


def reports_sweep(*, now=None) -> int:
    """Enqueue again the jobs left pending (the broker was down) or running too long (the
    worker was lost); the number enqueued."""
    return sum(report_enqueue(job_id=pk) for pk in workflow.jobs_to_resend(now=now))


def report_file_response(job: ReportJob) -> FileResponse:
    """The rendered file as an attachment (the API and the pages both serve it so)."""
    content_type = {
        ReportFormat.PDF: "application/pdf",
        ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[job.format]
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
