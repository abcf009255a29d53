"""The record in a real browser (issue 11): the firm sees that a submitted report cannot
be deleted and still downloads it, answers the failed round's two demands on the round
page, re-applies, and the officer reads round 2's changes and the audit's timeline."""

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Review
from audits.models import Audit
from tests.e2e.pages import log_in
from tests.support.reviews import FAIL_TOTAL, officer, score_all, seat_panel, submitted

pytestmark = pytest.mark.e2e

DEMANDS = ["Reconcile the energy data of the three years.", "Add the online monitoring data."]


def test_firm_answers_the_demands_and_round_two_shows_what_changed(live_server, cast, page):
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [FAIL_TOTAL] * 3)
    services.review_conclude(actor=officer(cast), review=review, opinion="No.", demands=DEMANDS)
    audit = Audit.objects.get(pk=review.audit_id)
    base = live_server.url

    log_in(page, base, "consultant")
    page.goto(f"{base}/audits/{audit.pk}/#documents")
    report_row = page.get_by_test_id("documents").locator("tr", has_text="Audit report").first
    expect(report_row.get_by_test_id("document-version")).to_contain_text("submitted")
    # No delete button for a submitted document; the download works.
    expect(report_row.get_by_role("button", name="Delete")).to_have_count(0)
    with page.expect_download() as download:
        report_row.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # Re-applying waits for the demands: the checklist says which.
    page.goto(f"{base}/audits/{audit.pk}/")
    expect(page.get_by_text("Answer rectification demand 1 of round 1")).to_be_visible()
    expect(page.get_by_role("button", name="Move to “Under assessment”")).to_be_disabled()
    page.goto(f"{base}/reviews/{review.pk}/#demands")
    forms = page.get_by_test_id("demand-form")
    expect(forms).to_have_count(2)
    forms.nth(0).get_by_label("Response").fill("Reconciled with the meter ledgers.")
    forms.nth(0).get_by_role("button", name="Answer").click()
    expect(page.locator("main .alert-success")).to_have_text("Your answer was recorded.")
    page.get_by_test_id("demand-form").nth(1).get_by_label("Response").fill("Added 2024–2026.")
    page.get_by_test_id("demand-form").nth(1).get_by_role("button", name="Answer").click()
    expect(page.get_by_test_id("demands").locator("[data-answered=yes]")).to_have_count(2)

    page.goto(f"{base}/audits/{audit.pk}/")
    page.get_by_role("button", name="Move to “Under assessment”").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    second = Review.objects.get(audit=audit, round=2)

    page.context.clear_cookies()
    log_in(page, base, "province_officer")
    page.goto(f"{base}/reviews/{second.pk}/")
    expect(page.get_by_test_id("previous-demands")).to_contain_text("Reconciled with the meter")
    expect(page.get_by_test_id("changes")).to_be_visible()
    expect(page.get_by_test_id("snapshot-team")).to_contain_text(cast.auditor.certificate_no)
    page.screenshot(path="/tmp/e2e-record-round2.png", full_page=True)

    page.goto(f"{base}/audits/{audit.pk}/#events")
    events = page.get_by_test_id("events")
    expect(events.locator("[data-kind=demand_answered]")).to_have_count(2)
    expect(events.locator("[data-kind=concluded]")).to_have_count(1)
