"""A report job orphaned by a killed worker is run again within two minutes (issue 14,
item 5): the rendering worker beats on the job's row; the sweep puts a job whose heart
stopped back to the queue, once, and a job lost too often fails with the reason."""

import datetime
import os
import signal
import time

import pytest
from django.utils import timezone

from audits.services import options_bulk_create
from reporting import services, workflow
from reporting.models import JobState, ReportJob
from tests.support.worker import celery_worker_process  # noqa: F401  (fixture)

from .test_report_worker import ask_for_report
from .test_reports import chinese_audit

LOST = datetime.timedelta(seconds=61)


def running_job(cast, audit, *, beat_ago, attempts=1):
    now = timezone.now()
    return ReportJob.objects.create(
        kind="audit_summary",
        format="pdf",
        audit=audit,
        requested_by=cast.user("consultant"),
        state=JobState.RUNNING,
        started_at=now - beat_ago,
        heartbeat_at=now - beat_ago,
        enqueued_at=now - beat_ago,
        attempts=attempts,
    )


@pytest.mark.django_db
def test_the_defaults_detect_a_lost_worker_within_two_minutes(settings):
    # The heart stops; it is called lost after REPORT_LOST_AFTER_SECONDS, and the sweep
    # runs every minute (beat): at most two minutes in all.
    sweep_every = settings.CELERY_BEAT_SCHEDULE["sweep-report-jobs"]["schedule"]
    assert settings.REPORT_HEARTBEAT_SECONDS * 2 < settings.REPORT_LOST_AFTER_SECONDS
    assert settings.REPORT_LOST_AFTER_SECONDS + sweep_every <= 120


@pytest.mark.django_db
def test_a_job_whose_heart_stopped_is_rerun_once(cast):
    audit = chinese_audit(cast)
    lost = running_job(cast, audit, beat_ago=LOST)
    alive = running_job(cast, audit, beat_ago=datetime.timedelta(seconds=5))
    assert workflow.jobs_to_resend() == [lost.pk]
    assert workflow.jobs_to_resend() == []  # a second sweep at once: not again
    assert ReportJob.objects.get(pk=lost.pk).state == JobState.PENDING
    assert ReportJob.objects.get(pk=alive.pk).state == JobState.RUNNING


@pytest.mark.django_db
def test_a_job_lost_too_often_fails_with_the_reason(cast, settings):
    job = running_job(
        cast, chinese_audit(cast), beat_ago=LOST, attempts=settings.REPORT_MAX_ATTEMPTS
    )
    assert services.reports_sweep() == 0
    job.refresh_from_db()
    assert (job.state, job.error) == (
        JobState.FAILED,
        "The worker rendering this report was lost too often.",
    )


@pytest.mark.broker
def test_a_job_of_a_killed_worker_is_rendered_again_within_two_minutes(
    transactional_db, monkeypatch, settings, request
):
    """A real worker (solo pool: the render in its own process) is killed with SIGKILL in
    the middle of a long render; the sweep sees the heart stop and a second
    worker renders the job, once."""
    monkeypatch.setenv("REPORT_HEARTBEAT_SECONDS", "0.5")  # the workers read these
    settings.REPORT_LOST_AFTER_SECONDS = 3  # the sweep, here
    from tests.support.cast import make_cast

    cast = make_cast()
    audit = chinese_audit(cast)
    options_bulk_create(
        actor=cast.user("consultant"),
        audit=audit,
        rows=[
            {
                "code": f"B{n}",
                "title": f"方案 {n}",
                "aspect": "management",
                "cost_class": "no_low",
                "investment": "1000",
            }
            for n in range(600)
        ],
    )
    first = request.getfixturevalue("celery_worker_process")
    job = ReportJob.objects.get(pk=ask_for_report(cast, audit).data["id"])

    def beating():
        row = ReportJob.objects.get(pk=job.pk)
        assert row.state in (JobState.PENDING, JobState.RUNNING), "rendered before the kill"
        return row.state == JobState.RUNNING and row.heartbeat_at > row.started_at

    first.wait_for(beating, timeout=60, what="the render to start beating")
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(10)
    killed = time.monotonic()
    assert ReportJob.objects.get(pk=job.pk).state == JobState.RUNNING  # orphaned

    swept = 0
    while not swept and time.monotonic() - killed < 120:
        time.sleep(0.5)
        swept = services.reports_sweep()  # the broker is up: enqueued for any worker
    detected = time.monotonic() - killed
    print(f"lost worker: detected and re-enqueued {detected:.1f} s after the kill")
    assert swept == 1 and detected < 120
    assert ReportJob.objects.get(pk=job.pk).state == JobState.PENDING

    # A second worker on the same queue (the fixture starts one per test: a new one here).
    from tests.support import worker as support

    second = support.start_worker(first.queue, first.log.parent / "second.log")
    try:
        second.wait_for(
            lambda: ReportJob.objects.get(pk=job.pk).state == JobState.DONE,
            timeout=120,
            what="the second worker to render the job",
        )
    finally:
        second.stop()
    job.refresh_from_db()
    assert job.attempts == 2 and job.file.name.endswith(".pdf") and job.error == ""


@pytest.mark.django_db(transaction=True)
def test_a_time_limit_striking_mid_query_still_fails_the_job(cast):
    """The soft time limit is a signal: struck while a query waits, it leaves the
    connection with the query still in progress. Failing the job drops that connection
    first (it was 'another command is already in progress', and the job stayed running)."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import connection

    job = running_job(cast, chinese_audit(cast), beat_ago=datetime.timedelta(0))

    def strike(signum, frame):
        raise SoftTimeLimitExceeded()

    before = signal.signal(signal.SIGALRM, strike)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(SoftTimeLimitExceeded), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert not connection.is_usable()

    workflow.report_fail(job_id=job.pk, reason="The report took too long to render.")
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "The report took too long to render.")
