"""Report jobs (issue 6 item 1, 2 and 5), rendered in-process as in the embedded default:
PDFs that are text with the Chinese names in them, spreadsheets with numbers, jobs that
run once, and downloads only to whoever may see the subject."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from audits.choices import AuditState, CostClass
from audits.models import Audit
from enterprises.models import Enterprise
from reporting import services
from reporting.models import JobState, ReportJob
from tests.support.audits import add_option, bring_to, engaged_audit
from tests.support.cast import ROLES
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries, page_client
from tests.support.reviews import conclude_round

pytestmark = pytest.mark.django_db

CHINESE_NAME = "南京金陵纸业有限公司"


def chinese_audit(cast) -> Audit:
    Enterprise.objects.filter(pk=cast.enterprise.pk).update(name=CHINESE_NAME)
    audit = engaged_audit(cast)
    bring_to(cast, audit, AuditState.FOCUSED_ASSESSMENT)
    add_option(
        cast,
        audit,
        code="M1",
        cost_class=CostClass.MID_HIGH,
        investment=2_600_000,
        title="溶剂回收装置改造",
    )
    return Audit.objects.get(pk=audit.pk)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """Run each request's after-commit enqueue (the test's transaction never commits)."""
    global committed  # noqa: PLW0603 - the helpers below are called without fixtures
    committed = django_capture_on_commit_callbacks


committed = None


def request_report(cast, role="consultant", **data):
    """POST a report request as `role`; the job is rendered once the request commits."""
    with committed(execute=True):
        return api_client(cast.user(role)).post("/api/v1/reports/", data, format="json")


def rendered_job(cast, audit, format="pdf") -> ReportJob:
    job = services.report_request(
        actor=cast.user("consultant"), kind="audit_summary", format=format, audit=audit
    )
    return services.report_run(job_id=job.pk)


def test_audit_summary_pdf_is_text_with_the_chinese_names_in_chapter_order(cast):
    audit = chinese_audit(cast)
    response = request_report(cast, kind="audit_summary", format="pdf", audit=audit.pk)
    assert response.status_code == 202
    job = ReportJob.objects.get(pk=response.data["id"])
    # 202 pending, as api.md says; rendered in-process once the request committed.
    assert (response.data["state"], job.state) == ("pending", "done")
    detail = api_client(cast.user("enterprise_user")).get(f"/api/v1/reports/{job.pk}/")
    assert detail.data["download_url"] == f"/api/v1/reports/{job.pk}/download/"
    download = api_client(cast.user("enterprise_user")).get(detail.data["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    content = body(download)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert CHINESE_NAME in text and "溶剂回收装置改造" in text
    chapters = [
        "Planning and organisation",
        "Pre-assessment",
        "Focused assessment",
        "Option generation and screening",
        "Feasibility analysis",
        "Implementation",
        "Sustaining cleaner production",
    ]
    positions = [text.rindex(chapter) for chapter in chapters]  # after the header
    assert positions == sorted(positions)
    assert job.started_at <= job.finished_at and job.attempts == 1 and job.size == len(content)


def test_audit_summary_in_chinese_for_a_chinese_reader(cast):
    audit = chinese_audit(cast)
    client = api_client(cast.user("consultant"))
    with committed(execute=True):
        response = client.post(
            "/api/v1/reports/",
            {"kind": "audit_summary", "format": "pdf", "audit": audit.pk},
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    job = ReportJob.objects.get(pk=response.data["id"])
    assert job.language == "zh-hans"
    text = pdf_text(job.file.open("rb").read())
    assert "清洁生产审核报告" in text and CHINESE_NAME in text


def test_audit_summary_xlsx_holds_numbers(cast):
    audit = chinese_audit(cast)
    response = request_report(cast, kind="audit_summary", format="xlsx", audit=audit.pk)
    job = ReportJob.objects.get(pk=response.data["id"])
    download = api_client(cast.user("consultant")).get(f"/api/v1/reports/{job.pk}/download/")
    book = load_workbook(io.BytesIO(body(download)))
    options = book["Options"]
    rows = {row[0]: row for row in options.iter_rows(min_row=2, values_only=True)}
    assert rows["M1"][1] == "溶剂回收装置改造"
    assert rows["M1"][5] == 2_600_000 and isinstance(rows["M1"][5], (int, float))
    assert [cell.value for cell in book["Options"][1]][:3] == ["Code", "Title", "Aspect"]


def test_opinions_need_a_concluded_round_and_show_panel_scores_and_opinion(cast):
    audit = chinese_audit(cast)
    early = request_report(cast, kind="assessment_opinion", format="pdf", audit=audit.pk)
    assert early.status_code == 409
    assert early.data["unmet"] == ["The audit has no concluded assessment."]
    audit = bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    conclude_round(cast, audit, AuditState.FEASIBILITY, comment="请补充物料平衡数据。")
    response = request_report(
        cast, role="province_officer", kind="assessment_opinion", format="pdf", audit=audit.pk
    )
    job = ReportJob.objects.get(pk=response.data["id"])
    assert job.state == "done" and job.review.result == "failed"
    text = pdf_text(job.file.open("rb").read())
    assert "请补充物料平衡数据。" in text and CHINESE_NAME in text
    assert "expert2" in text and "60.00" in text
    sheet = request_report(
        cast, role="province_officer", kind="assessment_opinion", format="xlsx", audit=audit.pk
    )
    book = load_workbook(ReportJob.objects.get(pk=sheet.data["id"]).file.open("rb"))
    totals = [row[-3] for row in book["Scores"].iter_rows(min_row=2, values_only=True)]
    assert totals == [60, 60, 60]


def test_a_job_runs_once_however_often_it_is_delivered(cast):
    audit = chinese_audit(cast)
    job = ReportJob.objects.get(
        pk=request_report(cast, kind="audit_summary", format="pdf", audit=audit.pk).data["id"]
    )
    first = (job.file.name, job.finished_at)
    again = services.report_run(job_id=job.pk)
    assert (again.file.name, again.finished_at, again.attempts) == (*first, 1)
    files = list(job.file.storage.listdir(f"reports/{job.pk}")[1])
    assert files == [job.file.name.rsplit("/", 1)[-1]]


def test_a_job_whose_subject_cannot_be_reported_fails_with_the_reason(cast):
    audit = chinese_audit(cast)
    job = ReportJob.objects.create(
        kind="acceptance_opinion",
        format="pdf",
        audit=audit,
        requested_by=cast.user("consultant"),
        language="en",
    )
    services.report_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "The review of this report is not concluded.")
    assert services.report_run(job_id=job.pk).attempts == 1  # not tried again
    response = api_client(cast.user("consultant")).get(f"/api/v1/reports/{job.pk}/")
    assert (response.data["state"], response.data["download_url"]) == ("failed", None)
    download = api_client(cast.user("consultant")).get(f"/api/v1/reports/{job.pk}/download/")
    assert download.status_code == 409


def test_pending_jobs_are_swept_back_to_the_queue(cast):
    audit = chinese_audit(cast)
    job = ReportJob.objects.create(
        kind="audit_summary", format="pdf", audit=audit, requested_by=cast.user("consultant")
    )
    assert services.reports_sweep() == 0  # too recent to call lost
    later = job.created_at + services.STALE_PENDING * 2
    assert services.reports_sweep(now=later) == 1  # in-process: rendered at once
    job.refresh_from_db()
    assert job.state == JobState.DONE


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "audit_summary", "format": "doc"}, "format"),
        ({"kind": "nope", "format": "pdf"}, "kind"),
        ({"kind": "audit_summary", "format": "pdf"}, "audit"),
        ({"kind": "audit_summary", "format": "pdf", "audit": 999999}, "audit"),
        ({"kind": "province_summary", "format": "pdf", "year": 1900}, "year"),
    ],
)
def test_bad_requests_are_400_and_record_nothing(cast, data, field):
    response = request_report(cast, role="province_officer", **data)
    assert response.status_code == 400 and field in response.data
    assert not ReportJob.objects.exists()


def test_province_summary_needs_an_authority_in_scope(cast):
    assert (
        request_report(cast, role="consultant", kind="province_summary", format="pdf").status_code
        == 403
    )
    response = request_report(
        cast, role="city_officer", kind="province_summary", format="pdf", region="320000"
    )
    assert response.status_code == 400 and "region" in response.data


# -- every role ----------------------------------------------------------------------


class TestReportApiRoles(RoleMatrix):
    """A job is seen by whoever may see its subject: the Nanjing audit's parties and
    its authorities; others get 404 (and 400 when they name the audit in a request)."""

    build = staticmethod(lambda cast: {"audit": chinese_audit(cast)})

    def request(self, action, client, cast):
        audit = self.world.audit
        if action == "create":
            return client.post(
                "/api/v1/reports/",
                {"kind": "audit_summary", "format": "xlsx", "audit": audit.pk},
                format="json",
            )
        job = rendered_job(cast, audit, "xlsx")
        return client.get(
            f"/api/v1/reports/{job.pk}/" + ("download/" if action == "download" else "")
        )

    seen = {
        "admin": 200,
        "province_officer": 200,
        "other_province_officer": 404,
        "city_officer": 200,
        "consultant": 200,
        "other_consultant": 404,
        "enterprise_user": 200,
        "other_enterprise_user": 404,
        "expert": 404,
        "anonymous": 401,
    }
    matrix = {
        "create": {role: 202 if code == 200 else 400 for role, code in seen.items()}
        | {"anonymous": 401},
        "retrieve": seen,
        "download": seen,
    }


class TestReportPageRoles(RoleMatrix):
    api = False
    build = staticmethod(lambda cast: {"audit": chinese_audit(cast)})

    def request(self, action, client, cast):
        audit = self.world.audit
        if action == "list":
            return client.get("/reports/")
        if action == "create":
            return client.post(
                "/reports/new/", {"kind": "audit_summary", "format": "pdf", "audit": audit.pk}
            )
        return client.get(f"/reports/{rendered_job(cast, audit).pk}/download/")

    matrix = {
        "list": {role: 200 for role in ROLES} | {"anonymous": 302},
        "create": {role: 302 for role in ROLES},
        "download": TestReportApiRoles.seen | {"anonymous": 302},
    }


def test_the_page_lists_the_users_reports_and_refreshes_while_one_is_pending(cast, client):
    audit = chinese_audit(cast)
    page_client(client, cast.user("consultant"))
    with committed(execute=True):
        response = client.post(
            "/reports/new/", {"kind": "audit_summary", "format": "pdf", "audit": audit.pk}
        )
    response = client.get(response["Location"])
    html = response.content.decode()
    assert "The report was requested" in html and 'data-state="done"' in html
    assert "hx-trigger" not in html  # nothing left to wait for
    ReportJob.objects.create(
        kind="audit_summary", format="xlsx", audit=audit, requested_by=cast.user("consultant")
    )
    html = client.get("/reports/").content.decode()
    assert 'data-state="pending"' in html and 'hx-trigger="every 2s"' in html
    refused = client.post(
        "/reports/new/",
        {"kind": "acceptance_opinion", "format": "pdf", "audit": audit.pk},
        follow=True,
    )
    assert "The audit has no concluded acceptance." in refused.content.decode()


def test_province_summary_renders_the_performance_table_by_city_and_industry(cast):
    chinese_audit(cast)
    response = request_report(
        cast, role="province_officer", kind="province_summary", format="pdf", year=2026
    )
    job = ReportJob.objects.get(pk=response.data["id"])
    assert (job.state, job.region_id) == ("done", "320000")  # the officer's province
    text = pdf_text(job.file.open("rb").read())
    assert "Nanjing" in text and "Jiangsu · 2026" in text  # names in the reader's language
    sheet = request_report(
        cast, role="province_officer", kind="province_summary", format="xlsx", year=2026
    )
    book = load_workbook(ReportJob.objects.get(pk=sheet.data["id"]).file.open("rb"))
    cities = {row[1]: row for row in book["By city"].iter_rows(min_row=2, values_only=True)}
    nanjing = cities["Nanjing"]
    assert all(isinstance(value, (int, float)) for value in nanjing[2:] if value is not None)
    assert nanjing[2] >= 1  # listed


def test_a_transient_error_in_process_leaves_the_job_pending_for_the_sweep(cast, settings):
    """Storage that cannot be written (an OSError) is transient: in-process there is no
    worker to retry later, so the request still succeeds and the job waits, pending, for
    the sweep; nothing half-written is left. (With a worker the task retries with
    back-off: tests/reporting/test_report_worker.py.)"""
    audit = chinese_audit(cast)
    settings.MEDIA_ROOT = "/dev/null/media"  # not a directory: every write fails
    response = request_report(cast, kind="audit_summary", format="xlsx", audit=audit.pk)
    assert response.status_code == 202
    job = ReportJob.objects.get(pk=response.data["id"])
    assert (job.state, job.attempts, job.file.name) == ("pending", 1, "")


def test_the_report_list_costs_the_same_queries_for_few_or_many_jobs(cast):
    audit = chinese_audit(cast)
    client = api_client(cast.user("consultant"))

    def grow(n):
        ReportJob.objects.bulk_create(
            ReportJob(
                kind="audit_summary",
                format="pdf",
                audit=audit,
                requested_by=cast.user("consultant"),
            )
            for _ in range(n)
        )

    assert_constant_queries(lambda: client.get("/api/v1/reports/"), grow)


def test_province_summary_pdf_is_landscape_and_its_headers_do_not_wrap_per_character(cast):
    """Sixteen columns (issue 17 item 9): A4 landscape, and the Chinese headers wrap
    between a few characters at most, not one character per line."""
    chinese_audit(cast)
    with committed(execute=True):
        response = api_client(cast.user("province_officer")).post(
            "/api/v1/reports/",
            {"kind": "province_summary", "format": "pdf", "year": 2026},
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    job = ReportJob.objects.get(pk=response.data["id"])
    assert job.state == "done"
    reader = PdfReader(io.BytesIO(job.file.open("rb").read()))
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) > float(box.height)  # landscape
        assert round(float(box.width)) == 842  # A4: 297 mm
    text = "".join(page.extract_text() for page in reader.pages)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lonely = [line for line in lines if len(line) == 1 and "\u4e00" <= line <= "\u9fff"]
    assert lonely == []
    assert "南京市" in text
