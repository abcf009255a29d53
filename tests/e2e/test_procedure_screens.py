"""The steps around the audit in a real browser: the firm files the contract and audit
plan, the authority returns it with reasons, the firm files again and the authority
accepts (the audit starts that day); the authority schedules the round's meeting, an
expert declines with a reason, the authority draws the replacement."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Audit
from core import workdays
from procedures.models import Invitation
from tests.e2e.pages import log_in
from tests.procedures.support import wuhan_rules
from tests.support.audits import PDF_BYTES, engaged_audit
from tests.support.reviews import expert_pool, seat_panel, submitted

pytestmark = pytest.mark.e2e


def test_file_return_refile_accept(live_server, cast, page, tmp_path):
    wuhan_rules()
    audit = engaged_audit(cast, published_on=timezone.localdate())
    contract, plan = tmp_path / "contract.pdf", tmp_path / "plan.pdf"
    contract.write_bytes(PDF_BYTES)
    plan.write_bytes(PDF_BYTES)
    base = live_server.url

    def file_it(note):
        page.goto(f"{base}/audits/{audit.pk}/procedures/")
        form = page.get_by_test_id("filing-form")
        form.get_by_label("Consultancy contract").set_input_files(str(contract))
        form.get_by_label("Audit plan").set_input_files(str(plan))
        form.get_by_label("Note").fill(note)
        form.get_by_role("button", name="File with the authority").click()
        expect(page.get_by_text("The filing was submitted to the authority.")).to_be_visible()

    log_in(page, base, "consultant")
    file_it("Signed on 1 December")
    expect(page.get_by_test_id("filings").get_by_test_id("filing-state")).to_have_text("Submitted")

    page.context.clear_cookies()
    log_in(page, base, "province_officer")
    page.goto(f"{base}/filings/")
    page.get_by_test_id("filing-list").get_by_role("link").first.click()
    page.get_by_label("Reasons").fill("The plan has no dates for the phases.")
    page.get_by_role("button", name="Return with these reasons").click()
    expect(page.get_by_test_id("filing-reason")).to_have_text(
        "The plan has no dates for the phases."
    )

    page.context.clear_cookies()
    log_in(page, base, "consultant")
    page.goto(f"{base}/audits/{audit.pk}/procedures/")
    expect(page.get_by_test_id("filings")).to_contain_text("The plan has no dates for the phases.")
    file_it("With the phase dates")

    page.context.clear_cookies()
    log_in(page, base, "city_officer")
    page.goto(f"{base}/filings/")
    page.get_by_test_id("filing-list").get_by_role("link").first.click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The filing was accepted.")).to_be_visible()
    audit.refresh_from_db()
    assert audit.state == "planning" and audit.started_on == timezone.localdate()
    page.goto(f"{base}/audits/{audit.pk}/")
    expect(page.get_by_text(f"started on {timezone.localdate():%Y-%m-%d}")).to_be_visible()


def test_schedule_decline_and_draw_a_replacement(live_server, cast, page):
    review = submitted(cast)
    experts = expert_pool(cast, count=4)
    seat_panel(cast, review, experts[:3])
    held_on = workdays.after(timezone.localdate(), 8).day
    release = workdays.before(held_on, 3).day
    base = live_server.url

    log_in(page, base, "province_officer")
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_test_id("meeting-link").click()
    form = page.get_by_test_id("meeting-form")
    form.get_by_label("Meeting date").fill(held_on.isoformat())
    form.get_by_label("Place").fill("EPB room 3")
    form.get_by_role("button", name="Save and invite the panel").click()
    expect(page.get_by_test_id("release-on")).to_contain_text(release.isoformat())

    page.context.clear_cookies()
    log_in(page, base, "expert2")
    page.goto(f"{base}/meetings/mine/")
    expect(page.get_by_test_id("my-meetings")).to_contain_text("Answer the invitation")
    page.get_by_test_id("my-meetings").get_by_role("link").first.click()
    answer = page.get_by_test_id("answer-form")
    answer.get_by_label("I decline").check()
    answer.get_by_label("Declaration or reason for declining").fill("I advised the firm in 2024.")
    answer.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_test_id("my-invitation")).to_contain_text("Declined")

    page.context.clear_cookies()
    log_in(page, base, "province_officer")
    page.goto(f"{base}/reviews/{review.pk}/meeting/")
    row = page.locator("tr[data-expert=expert2]")
    expect(row).to_contain_text("I advised the firm in 2024.")
    row.get_by_role("button", name="Draw a replacement").click()
    expect(page.locator("tr[data-expert=expert4]")).to_contain_text("Invited")
    expect(page.locator("tr[data-expert=expert2]")).to_contain_text("replaced by a draw")
    declined = Invitation.objects.get(expert=experts[1])
    assert declined.replaced_by.expert == experts[3] and declined.draw["drawn"] == experts[3].pk
    assert Audit.objects.get(pk=review.audit_id).state == "under_assessment"
