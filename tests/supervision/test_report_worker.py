"""A submitted report upward's PDF through a real Redis broker and worker process
(issue 16, item 1): submitting enqueues the render once the change commits; the worker
renders it in the submitter's language, landscape."""

import datetime
import io

import pytest
from pypdf import PdfReader

from enterprises.models import Region
from supervision.choices import ReportKind
from supervision.models import UpwardReport
from supervision.workflow import upward_report_create
from tests.reporting.test_reports import pdf_text
from tests.support.cast import make_cast
from tests.support.matrix import api_client
from tests.support.worker import broker_or_skip, celery_worker_process  # noqa: F401

pytestmark = pytest.mark.broker


def test_the_worker_renders_the_submitted_report(celery_worker_process):  # noqa: F811
    worker = celery_worker_process
    cast = make_cast()
    report = upward_report_create(
        actor=cast.user("city_officer"),
        region=Region.objects.get(code="320100"),
        kind=ReportKind.PROGRESS_H1,
        year=2026,
        as_of=datetime.date(2026, 6, 30),
    )
    client = api_client(cast.user("city_officer"))
    response = client.post(
        f"/api/v1/upward-reports/{report.pk}/submit/",
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200 and response.data["pdf_ready"] is False
    worker.wait_for(
        lambda: bool(UpwardReport.objects.get(pk=report.pk).pdf), timeout=60, what="the PDF"
    )
    report.refresh_from_db()
    content = report.pdf.open("rb").read()
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert "南京" in pdf_text(content)
    assert "render_upward_report" in worker.log.read_text()
    download = client.get(f"/api/v1/upward-reports/{report.pk}/pdf/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
