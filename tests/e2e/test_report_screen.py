"""The reports page in a real browser, as in full mode: a report asked for from the audit
page waits as pending, and the page shows it done, with its download link, once a worker
has rendered it, without a reload (htmx polls while a job is pending)."""

import contextlib

import pytest
from playwright.sync_api import expect

from cpaudit.celery import app as celery_app
from reporting import services
from reporting.models import ReportJob
from tests.e2e.pages import log_in
from tests.reporting.test_reports import chinese_audit

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def no_broker():
    """Full mode with its broker down: the request cannot enqueue, so the job stays
    pending until the test renders it as a worker would."""
    eager, url = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.close()
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        yield
    finally:
        celery_app.close()
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, url


def test_a_pending_report_turns_done_on_the_page_without_a_reload(live_server, cast, page):
    audit = chinese_audit(cast)
    with no_broker():
        pending_then_done(live_server, page, audit)


def pending_then_done(live_server, page, audit):
    base = live_server.url
    log_in(page, base, "consultant")
    page.goto(f"{base}/audits/{audit.pk}/")
    page.locator("[data-testid=report-audit_summary]").get_by_role(
        "button", name="Audit summary (PDF)"
    ).click()
    page.wait_for_url(f"{base}/reports/")
    row = page.locator("[data-testid=reports] tbody tr").first
    expect(row).to_have_attribute("data-state", "pending")
    job = ReportJob.objects.get()
    services.report_run(job_id=job.pk)  # what the worker does
    expect(row).to_have_attribute("data-state", "done", timeout=10_000)
    with page.expect_download() as download:
        row.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == f"audit_summary-{job.pk}.pdf"
    assert page.url == f"{base}/reports/"  # no reload on the way
