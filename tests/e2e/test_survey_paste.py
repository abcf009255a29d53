"""The status survey entered in a real browser by pasting a three-year table copied
from a spreadsheet (issue 18): the grid shows it, energy converted to tce, and the
phase checklist no longer asks for it; a bad paste shows its rows and saves nothing."""

import pytest
from playwright.sync_api import expect

from audits.choices import AuditState
from survey.models import Survey
from tests.e2e.pages import log_in
from tests.support.audits import bring_to, engaged_audit

pytestmark = pytest.mark.e2e

# As Excel puts it on the clipboard: tab-separated cells, a header with the years.
SHEET = (
    "类别\t名称\t单位\t2023\t2024\t2025\n"
    "产品\t文化纸\tt\t10,000\t10,200\t10,400\n"
    "水\t新鲜水\tt\t600000\t612000\t624000\n"
    "能源\t电力\t万kWh\t500\t510\t520\n"
)


def paste(page, text):
    box = page.get_by_label("Table pasted from a spreadsheet")
    box.fill("")
    box.focus()
    page.keyboard.insert_text(text)  # what a paste puts in the field


def test_pasting_a_three_year_table_fills_the_survey(live_server, cast, page):
    audit = bring_to(cast, engaged_audit(cast), AuditState.PRE_ASSESSMENT)
    log_in(page, live_server.url, "consultant")
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    page.get_by_test_id("survey-link").click()
    expect(page.get_by_test_id("no-survey")).to_be_visible()

    # A bad paste: nothing saved, the row named.
    paste(page, SHEET.replace("612000", "many"))
    page.get_by_role("button", name="Save the survey").click()
    expect(page.get_by_test_id("row-errors")).to_contain_text("Not a number.")
    assert not Survey.objects.filter(audit=audit).exists()

    paste(page, SHEET)
    page.get_by_role("button", name="Save the survey").click()
    grid = page.get_by_test_id("survey-grid")
    expect(grid.locator("thead")).to_contain_text("2023")
    expect(grid.locator("thead")).to_contain_text("2025")
    expect(grid.locator("[data-category=output]")).to_contain_text("10,400")  # grouped
    # 500 × 10⁴ kWh at 0.1229 kgce/kWh: 614.50 tce.
    expect(grid.locator("[data-category=energy]")).to_contain_text("614.50")
    survey = Survey.objects.get(audit=audit)
    assert survey.first_year == 2023 and survey.lines.count() == 3

    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    move = page.get_by_test_id("checklist").locator("[data-move=focused_assessment]")
    expect(move).not_to_contain_text("status survey")


def test_one_cell_is_changed_in_the_grid_without_pasting_again(live_server, cast, page):
    audit = bring_to(cast, engaged_audit(cast), AuditState.PRE_ASSESSMENT)
    log_in(page, live_server.url, "consultant")
    page.goto(f"{live_server.url}/audits/{audit.pk}/survey/")
    paste(page, SHEET)
    page.get_by_role("button", name="Save the survey").click()
    grid = page.get_by_test_id("survey-grid")
    expect(grid.locator("[data-category=water]")).to_contain_text("612,000")

    grid.get_by_role("link", name="Change the line 新鲜水").click()
    row = page.get_by_test_id("line-edit")
    # A bad cell: the field says why, nothing saved.
    row.get_by_label("2024").fill("many")
    row.get_by_label("Reason for the change").fill("Meter reading corrected")
    page.get_by_role("button", name="Save the line").click()
    expect(page.get_by_test_id("line-edit")).to_contain_text("Not a number.")

    page.get_by_test_id("line-edit").get_by_label("2024").fill("615,500")
    page.get_by_role("button", name="Save the line").click()
    expect(grid.locator("[data-category=water]")).to_contain_text("615,500")
    expect(grid.locator("[data-category=output]")).to_contain_text("10,400")
    survey = Survey.objects.get(audit=audit)
    assert survey.lines.get(category="water").value_2 == 615500
    assert survey.reason == "Meter reading corrected" and survey.lines.count() == 3
