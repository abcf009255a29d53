"""The consulting firms' records in the statistics XLSX and PDF (issue 16, item 3): the
province summary report has a sheet and a table of each firm's record in the region and
year, whose figures are those of `GET /api/v1/consultancies/{id}/record/`."""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from audits.choices import AuditState
from enterprises.models import Region
from reporting import reports
from reporting.services import report_request
from supervision import services
from supervision.choices import PenaltyGround
from tests.reporting.test_reports import pdf_text
from tests.support.audits import engaged_audit
from tests.support.matrix import api_client
from tests.support.reviews import conclude_round, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_history(cast):
    officer = cast.user("province_officer")
    audit = engaged_audit(cast, published_on=datetime.date(2025, 3, 1))
    services.urge_send(actor=officer, audit=audit, text="Start now")
    services.urge_send(actor=officer, audit=audit, text="Start now, please")
    services.penalty_record(
        actor=officer,
        consultancy=cast.firm,
        audit=audit,
        ground=PenaltyGround.NOT_AUDITED,
        legal_basis="Art. 39",
        amount=50_000,
        decided_on=datetime.date(2026, 5, 1),
    )
    review = submitted(cast, audit=audit)
    conclude_round(cast, review.audit, AuditState.IMPLEMENTATION)
    return audit


def render(cast, format, language="en"):
    job = report_request(
        actor=cast.user("province_officer"),
        kind="province_summary",
        format=format,
        region=Region.objects.get(code="320000"),
        year=audit_year(cast),
    )
    with translation.override(language):
        content, _name = reports.render(job)
    return content


def audit_year(cast):
    from audits.models import Audit

    return Audit.objects.get(enterprise=cast.enterprise).list_entry.key_list.year


def number(value):
    return None if value is None else float(value)


def test_the_sheet_of_firms_says_what_the_record_api_says(firm_history, cast):
    book = load_workbook(io.BytesIO(render(cast, "xlsx")))
    sheet = book["Consulting firms"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    row = dict(zip(header, next(r for r in rows[1:] if r[0] == cast.firm.name), strict=True))
    record = (
        api_client(cast.user("province_officer"))
        .get(f"/api/v1/consultancies/{cast.firm.pk}/record/")
        .json()
    )
    assert row["Audits"] == record["audits"] == 1
    for state in AuditState:
        assert row[str(state.label)] == record["audits_by_state"][state.value], state
    assert row["Rounds 1 concluded"] == record["first_round_concluded"]
    assert number(row["First-time pass rate (%)"]) == number(record["first_time_pass_pct"])
    assert number(row["Mean assessment score"]) == number(record["assessment_mean_score"])
    assert record["assessment_mean_score"] is not None
    assert number(row["Mean acceptance score"]) == number(record["acceptance_mean_score"])
    assert row["Compliance signals"] == sum(record["signals"].values())
    assert row["Urge notices"] == len(record["urges"]) == 2
    assert row["Penalties"] == len(record["penalties"]) == 1
    # numbers as numbers
    assert isinstance(row["Audits"], int)
    assert isinstance(row["First-time pass rate (%)"], int | float)


def test_the_sheet_in_chinese_and_the_pdf_table(firm_history, cast):
    book = load_workbook(io.BytesIO(render(cast, "xlsx", language="zh-hans")))
    with translation.override("zh-hans"):
        title = translation.gettext("Consulting firms")
        heading = translation.gettext("Consulting firm")
    assert title in book.sheetnames and title != "Consulting firms"
    assert book[title]["A1"].value == heading
    text = " ".join(pdf_text(render(cast, "pdf")).split())
    assert "Consulting firms' records" in text
    assert cast.firm.name in text
    assert "Urge notices" in text and "Penalties" in text


def test_firm_records_cost_a_fixed_number_of_queries(firm_history, cast):
    from reporting.statistics import firm_records
    from tests.support.matrix import count_queries

    officer = cast.user("province_officer")
    few = count_queries(lambda: firm_records(user=officer, region="320000"))
    for n in range(3):
        services.penalty_record(
            actor=officer,
            consultancy=cast.firm,
            ground=PenaltyGround.NOT_AUDITED,
            legal_basis=f"Art. {n}",
            decided_on=datetime.date(2026, 5, 2),
        )
    assert count_queries(lambda: firm_records(user=officer, region="320000")) == few
