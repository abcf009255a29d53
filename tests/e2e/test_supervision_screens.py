"""Supervision in a real browser (issue 16): the city officer prepares and submits its
half-year report from the Supervision menu, the province officer returns it with a
comment which the city then reads; an officer urges an overdue audit from the overdue
list and the urge shows on the audit's page."""

import datetime

import pytest
from playwright.sync_api import expect

from audits.choices import AuditState
from tests.e2e.pages import log_in
from tests.support.audits import bring_to, engaged_audit

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-upward-report.png"


def test_city_submits_province_returns(live_server, cast, page, browser):
    audit = engaged_audit(cast, published_on=datetime.date(2026, 3, 1))
    bring_to(cast, audit, AuditState.PLANNING)
    base = live_server.url
    log_in(page, base, "city_officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Supervision").click()
    page.wait_for_url(f"{base}/supervision/reports/")
    form = page.get_by_test_id("report-form")
    form.get_by_label("Report").select_option("progress_h1")
    form.get_by_label("Year").fill("2026")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("report-state")).to_have_text("Draft")
    expect(page.get_by_test_id("report-by-city")).to_contain_text("320100")
    page.get_by_test_id("submit-form").get_by_role("button").click()
    expect(page.get_by_test_id("report-state")).to_have_text("Submitted")
    report_url = page.url

    province = browser.new_context(locale="en-US").new_page()
    log_in(province, base, "province_officer")
    province.goto(f"{base}/supervision/reports/")
    province.get_by_test_id("received-reports").get_by_role("link").first.click()
    returning = province.get_by_test_id("return-form")
    returning.get_by_label("Why it is returned").fill("Add the Suzhou figures")
    returning.get_by_role("button").click()
    expect(province.get_by_test_id("report-state")).to_have_text("Returned")
    province.context.close()

    page.goto(report_url)
    expect(page.get_by_test_id("return-comment")).to_contain_text("Add the Suzhou figures")
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_urge_from_the_overdue_list_shows_on_the_audit(live_server, cast, page):
    audit = engaged_audit(cast, published_on=datetime.date(2025, 3, 1))
    base = live_server.url
    log_in(page, base, "province_officer")
    page.goto(f"{base}/supervision/overdue/")
    row = page.locator(f"[data-audit='{audit.pk}']")
    row.get_by_role("textbox").fill("Start within ten days")
    row.get_by_role("button", name="Urge").click()
    page.wait_for_url(f"{base}/supervision/overdue/")
    expect(row).to_contain_text("1")
    page.goto(f"{base}/audits/{audit.pk}/")
    expect(page.get_by_test_id("supervision-events")).to_contain_text("Start within ten days")
