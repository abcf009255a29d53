"""Reports upward (issue 16, item 1): a city prepares its half-year progress report as of
30 June, submits it (the figures frozen, read from the history), the province returns it
with a comment, the city submits it again, the province receives it; the figures of
30 June stand whatever happens after; late reports are flagged; the XLSX and the PDF
carry the figures; every role gets what it should from the API and the pages."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from audits.choices import AuditState
from audits.models import TransitionLog
from core.errors import StateConflict
from enterprises.models import Region
from notifications.models import Notification
from supervision import exports, services, workflow
from supervision.choices import ReportKind, ReportState
from supervision.models import SupervisionPolicy, UpwardReport, UpwardReportTransition
from tests.reporting.test_reports import pdf_text
from tests.supervision.roles import NOT_FOR_THEM
from tests.support.audits import bring_to, engaged_audit
from tests.support.matrix import RoleMatrix, api_client

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2026, 6, 30)
URL = "/api/v1/upward-reports/"
LOGIN = 302


def history_before(audit, day):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    TransitionLog.objects.filter(audit=audit).update(at=moment)


def nanjing(cast):
    return Region.objects.get(code="320100")


def draft(cast, **fields) -> UpwardReport:
    return workflow.upward_report_create(
        actor=cast.user("city_officer"),
        region=nanjing(cast),
        kind=fields.pop("kind", ReportKind.PROGRESS_H1),
        year=fields.pop("year", 2026),
        **fields,
    )


def started_audit(cast):
    """Nanjing's audit in planning since May; Suzhou's never started."""
    audit = engaged_audit(cast, published_on=datetime.date(2026, 3, 1))
    bring_to(cast, audit, AuditState.PLANNING)
    history_before(audit, datetime.date(2026, 5, 4))
    return audit


def test_half_year_report_submitted_returned_resubmitted_received(
    cast, django_capture_on_commit_callbacks
):
    city, province = cast.user("city_officer"), cast.user("province_officer")
    audit = started_audit(cast)
    report = draft(cast)
    assert report.as_of == JUNE_30 and report.due_on == JUNE_30
    assert report.state == ReportState.DRAFT
    with django_capture_on_commit_callbacks():
        report = workflow.upward_report_submit(actor=city, report=report, comment="H1")
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_on == timezone.localdate()
    frozen = report.figures
    assert frozen["as_of"] == "2026-06-30"
    assert frozen["listed"] == 1  # the Nanjing enterprise: Suzhou is not the city's
    assert frozen["by_state"]["planning"] == 1
    assert frozen["by_city"][0]["code"] == "320100"
    # The province is told.
    assert Notification.objects.filter(recipient=province, kind="upward_report_submitted").exists()

    # After 30 June the audit moves on; the frozen figures stay, and so do recomputed ones.
    bring_to(cast, audit, AuditState.FOCUSED_ASSESSMENT)
    report.refresh_from_db()
    assert report.figures == frozen
    assert workflow.figures_for(actor=city, report=report)["by_state"]["planning"] == 1

    # The province returns it with a comment, the city submits it again, it is received.
    with pytest.raises(ValidationError):
        workflow.upward_report_return(actor=province, report=report, comment=" ")
    report = workflow.upward_report_return(actor=province, report=report, comment="Add the note")
    assert report.state == ReportState.RETURNED and report.return_comment == "Add the note"
    assert Notification.objects.filter(recipient=city, kind="upward_report_returned").exists()
    with pytest.raises(StateConflict):
        workflow.upward_report_receive(actor=province, report=report)
    workflow.upward_report_update(actor=city, report=report, note="With the note")
    with django_capture_on_commit_callbacks():
        report = workflow.upward_report_submit(actor=city, report=report)
    assert report.figures["by_state"]["planning"] == 1
    assert report.return_comment == ""
    report = workflow.upward_report_receive(actor=province, report=report, comment="Thanks")
    assert report.state == ReportState.RECEIVED
    moves = list(
        UpwardReportTransition.objects.filter(report=report).values_list(
            "from_state", "to_state", "actor__username", "comment"
        )
    )
    assert moves == [
        ("draft", "submitted", "city_officer", "H1"),
        ("submitted", "returned", "province_officer", "Add the note"),
        ("returned", "submitted", "city_officer", ""),
        ("submitted", "received", "province_officer", "Thanks"),
    ]
    with pytest.raises(StateConflict):
        workflow.upward_report_update(actor=city, report=report, note="later")


def test_only_the_region_prepares_and_only_the_level_above_receives(cast):
    with pytest.raises(PermissionDenied):
        workflow.upward_report_create(
            actor=cast.user("province_officer"),
            region=nanjing(cast),
            kind=ReportKind.PROGRESS_H1,
            year=2026,
        )
    report = workflow.upward_report_submit(actor=cast.user("city_officer"), report=draft(cast))
    for who in ("city_officer", "other_province_officer"):
        with pytest.raises(PermissionDenied):
            workflow.upward_report_receive(actor=cast.user(who), report=report)


def test_one_report_a_period_and_its_day_in_its_year(cast):
    draft(cast)
    with pytest.raises(ValidationError) as error:
        draft(cast)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        draft(cast, kind=ReportKind.ANNUAL, as_of=datetime.date(2025, 12, 31))
    assert "as_of" in error.value.message_dict


def test_due_days_are_policy_data(cast):
    annual = draft(cast, kind=ReportKind.ANNUAL, year=2025)
    assert annual.due_on == datetime.date(2026, 3, 15)
    assert annual.as_of == datetime.date(2025, 12, 31)
    SupervisionPolicy.objects.create(province_id="320000", progress_h2_due="12-10")
    assert draft(cast, kind=ReportKind.PROGRESS_H2).due_on == datetime.date(2026, 12, 10)


def test_a_report_not_sent_by_its_day_is_late(cast):
    late = draft(cast, year=2025)  # due 30 June 2025
    assert late.is_late
    submitted = workflow.upward_report_submit(actor=cast.user("city_officer"), report=late)
    assert submitted.is_late  # sent after its day
    on_time = draft(cast, kind=ReportKind.PROGRESS_H2, year=2030, as_of=datetime.date(2030, 1, 5))
    assert not on_time.is_late


def test_a_report_of_a_day_to_come_cannot_be_submitted(cast):
    report = draft(cast, kind=ReportKind.PROGRESS_H2, year=2030)
    with pytest.raises(StateConflict):
        workflow.upward_report_submit(actor=cast.user("city_officer"), report=report)


def test_the_spreadsheet_has_the_figures_as_numbers_in_the_readers_language(cast):
    started_audit(cast)
    report = workflow.upward_report_submit(actor=cast.user("city_officer"), report=draft(cast))
    with translation.override("zh-hans"):
        book = load_workbook(io.BytesIO(exports.report_xlsx(report, report.figures)))
    sheets = book.sheetnames
    assert len(sheets) == 5
    by_city = list(book[sheets[1]].iter_rows(values_only=True))
    assert by_city[0][2] == "列入名单的企业"  # "Enterprises listed", in Chinese
    assert by_city[1][0] == "320100" and by_city[1][2] == 1  # a number, not text
    summary = dict(book[sheets[0]].iter_rows(min_row=2, values_only=True))
    assert 1 in summary.values()


def test_the_pdf_is_landscape_with_the_figures(cast):
    started_audit(cast)
    report = workflow.upward_report_submit(actor=cast.user("city_officer"), report=draft(cast))
    assert services.upward_report_render(report_id=report.pk)
    report.refresh_from_db()
    content = report.pdf.open("rb").read()
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(content)
    assert "2026-06-30" in text and "Nanjing" in text
    # Rendered once: a second run does nothing.
    assert not services.upward_report_render(report_id=report.pk)


# --- the API ------------------------------------------------------------------------------


def test_api_walks_the_report(cast):
    started_audit(cast)
    city = api_client(cast.user("city_officer"))
    province = api_client(cast.user("province_officer"))
    created = city.post(
        URL, {"region": "320100", "kind": "progress_h1", "year": 2026}, format="json"
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["as_of"] == "2026-06-30" and created.data["state"] == "draft"
    detail = city.get(f"{URL}{pk}/")
    assert detail.data["figures"]["by_state"]["planning"] == 1
    # A draft is not the province's to see.
    assert province.get(f"{URL}{pk}/").status_code == 404
    assert city.post(f"{URL}{pk}/submit/", {}, format="json").status_code == 200
    assert province.get(URL).data["count"] == 1
    returned = province.post(f"{URL}{pk}/return/", {}, format="json")
    assert returned.status_code == 400 and "comment" in returned.data
    assert province.post(f"{URL}{pk}/return/", {"comment": "Fix"}, format="json").status_code == 200
    assert city.post(f"{URL}{pk}/submit/", {}, format="json").data["state"] == "submitted"
    received = province.post(f"{URL}{pk}/receive/", {}, format="json")
    assert received.data["state"] == "received"
    again = province.post(f"{URL}{pk}/receive/", {}, format="json")
    assert again.status_code == 409 and again.data["unmet"]
    sheet = province.get(f"{URL}{pk}/xlsx/")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd")
    assert province.get(f"{URL}{pk}/pdf/").status_code == 404  # not rendered yet


@pytest.mark.parametrize(
    "body,field",
    [
        ({"region": "320100", "kind": "monthly", "year": 2026}, "kind"),
        ({"region": "320100", "kind": "progress_h1", "year": "x"}, "year"),
        ({"region": "999999", "kind": "progress_h1", "year": 2026}, "region"),
        ({"region": "320100", "kind": "progress_h1", "year": 2026, "as_of": "2025-01-01"}, "as_of"),
    ],
)
def test_api_rejects_bad_input(cast, body, field):
    response = api_client(cast.user("city_officer")).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not UpwardReport.objects.exists()


def world(cast):
    city_report = workflow.upward_report_submit(actor=cast.user("city_officer"), report=draft(cast))
    province_draft = workflow.upward_report_create(
        actor=cast.user("province_officer"),
        region=Region.objects.get(code="320000"),
        kind=ReportKind.PROGRESS_H1,
        year=2026,
    )
    return {"city_report": city_report, "province_draft": province_draft}


class TestUpwardReportApiRoles(RoleMatrix):
    build = staticmethod(world)
    matrix = {
        "list": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "city_report": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "province_draft": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 404,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "receive": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 403,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
        "create_city": {
            "admin": 201,
            "province_officer": 403,
            "other_province_officer": 403,
            "city_officer": 201,
            **NOT_FOR_THEM,
            "anonymous": 401,
        },
    }

    def request(self, action, client, cast):
        if action == "list":
            return client.get(URL)
        if action == "city_report":
            return client.get(f"{URL}{self.world.city_report.pk}/")
        if action == "province_draft":
            return client.get(f"{URL}{self.world.province_draft.pk}/")
        if action == "receive":
            return client.post(f"{URL}{self.world.city_report.pk}/receive/", {}, format="json")
        return client.post(URL, {"region": "320100", "kind": "annual", "year": 2026}, format="json")


class TestUpwardReportPageRoles(RoleMatrix):
    api = False
    build = staticmethod(world)
    matrix = {
        "list": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "detail": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "xlsx": {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 404,
            "city_officer": 200,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
        "return": {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 404,
            "city_officer": 403,
            **NOT_FOR_THEM,
            "anonymous": LOGIN,
        },
    }

    def request(self, action, client, cast):
        pk = self.world.city_report.pk
        if action == "list":
            return client.get("/supervision/reports/")
        if action == "detail":
            return client.get(f"/supervision/reports/{pk}/")
        if action == "xlsx":
            return client.get(f"/supervision/reports/{pk}.xlsx")
        return client.post(f"/supervision/reports/{pk}/return/", {"comment": "Fix it"})


def test_page_prepares_submits_and_returns(cast, client):
    started_audit(cast)
    client.force_login(cast.user("city_officer"))
    response = client.post("/supervision/reports/", {"kind": "progress_h1", "year": 2026})
    assert response.status_code == 302
    report = UpwardReport.objects.get()
    page = client.get(f"/supervision/reports/{report.pk}/")
    assert b'data-testid="submit-form"' in page.content
    assert client.post(f"/supervision/reports/{report.pk}/submit/", {}).status_code == 302
    client.force_login(cast.user("province_officer"))
    listing = client.get("/supervision/reports/")
    assert b'data-testid="received-reports"' in listing.content
    bad = client.post(f"/supervision/reports/{report.pk}/return/", {"comment": ""})
    assert bad.status_code == 400
    client.post(f"/supervision/reports/{report.pk}/return/", {"comment": "Fix the totals"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    with translation.override("zh-hans"):
        client.force_login(cast.user("city_officer"))
        page = client.get(f"/supervision/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Fix the totals" in page.content.decode()
    assert page.status_code == 200


def test_page_rejects_a_bad_year_with_a_form_error(cast, client):
    client.force_login(cast.user("city_officer"))
    response = client.post("/supervision/reports/", {"kind": "progress_h1", "year": "1900"})
    assert response.status_code == 400
    assert not UpwardReport.objects.exists()
