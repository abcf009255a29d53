"""Supervision's list pages export what they show (issue 16, item 5, for these pages):
`?export=xlsx` gives the same rows as the page, headings in the reader's language,
numbers and dates as such."""

import datetime
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from enterprises.models import Region
from supervision import services
from supervision.choices import PenaltyGround, ReportKind
from supervision.workflow import upward_report_create
from tests.support.audits import engaged_audit

pytestmark = pytest.mark.django_db


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def page_rows(response, testid, marker):
    html = response.content.decode()
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(marker, table)


@pytest.fixture
def supervised(cast):
    officer = cast.user("province_officer")
    audit = engaged_audit(cast, published_on=datetime.date(2025, 3, 1))
    services.urge_send(actor=officer, audit=audit, text="Start now")
    services.urge_send(actor=officer, audit=audit, text="Start now, please")
    for amount in (50_000, 120_000):
        services.penalty_record(
            actor=officer,
            enterprise=cast.enterprise,
            ground=PenaltyGround.NOT_AUDITED,
            legal_basis="Art. 39",
            amount=amount,
            decided_on=datetime.date(2026, 5, 1),
        )
    upward_report_create(
        actor=cast.user("city_officer"),
        region=Region.objects.get(code="320100"),
        kind=ReportKind.PROGRESS_H1,
        year=2026,
    )
    return audit


def test_overdue_export_matches_the_page(supervised, cast, client):
    client.force_login(cast.user("province_officer"))
    shown = page_rows(client.get("/supervision/overdue/"), "overdue", r'data-audit="(\d+)"')
    rows = sheet_rows(client.get("/supervision/overdue/?export=xlsx"))
    assert rows[0][0] == "Enterprise"
    assert len(rows) - 1 == len(shown) == 2  # the Nanjing and the Suzhou audits
    nanjing = next(row for row in rows if row[0] == cast.enterprise.name)
    assert nanjing[4] == 2  # the urge notices, a number


def test_penalty_export_matches_the_page(supervised, cast, client):
    client.force_login(cast.user("city_officer"))
    shown = page_rows(client.get("/supervision/penalties/"), "penalties", r'data-penalty="(\d+)"')
    rows = sheet_rows(client.get("/supervision/penalties/?export=xlsx"))
    assert len(rows) - 1 == len(shown) == 2
    assert sorted(row[3] for row in rows[1:]) == [50_000, 120_000]
    assert isinstance(rows[1][0], datetime.datetime)  # a date, not text


def test_report_and_firm_exports_in_chinese(supervised, cast, client):
    client.force_login(cast.user("city_officer"))
    with translation.override("zh-hans"):
        reports = sheet_rows(
            client.get("/supervision/reports/?export=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
        )
    assert len(reports) == 2 and reports[1][2] == 2026
    assert reports[0][0] != "Region"  # the heading in the reader's language
    shown = page_rows(client.get("/supervision/firms/"), "firms", r'data-firm="(\d+)"')
    firms = sheet_rows(client.get("/supervision/firms/?export=xlsx"))
    assert len(firms) - 1 == len(shown)
    firm = next(row for row in firms if row[0] == cast.firm.name)
    assert firm[2] == 1 and firm[6] == 2  # one audit, two urges


def test_exports_keep_the_scope(supervised, cast, client):
    client.force_login(cast.user("other_province_officer"))
    assert len(sheet_rows(client.get("/supervision/overdue/?export=xlsx"))) == 1
    assert len(sheet_rows(client.get("/supervision/penalties/?export=xlsx"))) == 1
    client.force_login(cast.user("consultant"))
    assert client.get("/supervision/penalties/?export=xlsx").status_code == 403
