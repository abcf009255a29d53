"""The review screens in a real browser: an expert types points and sees the total move
(static/js/scoring.js), an officer forms a panel, seeing a conflict before saving, and
concludes the round."""

import re

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from assessments.models import ExpertProfile, Review, Score
from tests.e2e.pages import log_in
from tests.support.cast import user
from tests.support.reviews import expert_pool, score_all, seat_panel, submitted

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-review.png"


def test_expert_scores_with_a_live_total_and_a_veto(live_server, cast, page):
    review = submitted(cast)
    seat_panel(cast, review)
    base = live_server.url
    log_in(page, base, "expert")
    page.get_by_test_id("awaiting-score").get_by_role("link", name="Score").click()
    page.wait_for_url(f"{base}/reviews/{review.pk}/score/")
    total = page.get_by_test_id("live-total")
    verdict = page.locator("[data-verdict]")
    expect(total).to_have_text("—")

    points = {
        "report": "15",
        "process": "14.5",
        "focus_targets": "12",
        "balance": "10",
        "no_low": "18",
        "mid_high_plan": "10",
    }
    running = 0.0
    for code, value in points.items():
        page.locator(f"tr[data-item={code}] input").fill(value)
        running += float(value)
        expect(total).to_have_text(f"{running:.2f}")
    expect(verdict).to_have_attribute("data-state", "passes")  # 79.50 ≥ 70
    # Over the item's maximum: marked, and said.
    page.locator("tr[data-item=report] input").fill("16")
    expect(page.locator("tr[data-item=report] input")).to_have_class(re.compile("is-invalid"))
    expect(verdict).to_have_attribute("data-state", "over")
    page.locator("tr[data-item=report] input").fill("15")
    expect(total).to_have_text("79.50")
    # A veto fails the round whatever the points.
    veto = page.get_by_label("Banned obsolete processes or equipment still in use")
    veto.check()
    expect(verdict).to_have_attribute("data-state", "vetoed")
    expect(verdict).to_be_visible()
    veto.uncheck()
    expect(verdict).to_have_attribute("data-state", "passes")
    page.locator("tr[data-item=mid_high_plan] input").fill("0")
    expect(verdict).to_have_attribute("data-state", "fails")  # 69.50 < 70
    page.locator("tr[data-item=mid_high_plan] input").fill("10")
    veto.check()
    page.get_by_label("Comment").fill("Obsolete digester still in use.")
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("button", name="Submit my score").click()

    page.wait_for_url(f"{base}/reviews/{review.pk}/#scores")
    expect(page.locator("main .alert-success")).to_have_text("Your score was saved.")
    row = page.get_by_test_id("scores").locator("tr[data-expert=expert]")
    expect(row.get_by_test_id("total")).to_have_text("79.50")
    expect(row).to_contain_text("Banned obsolete processes")
    score = Score.objects.get(review=review, expert=cast.user("expert"))
    assert score.vetoes == ["banned_equipment"] and str(score.total) == "79.50"


def test_officer_forms_the_panel_and_concludes(live_server, cast, page):
    review = submitted(cast)
    experts = expert_pool(cast)
    insider = user("insider", Role.EXPERT, organization=cast.experts)
    ExpertProfile.objects.create(user=insider, employer=cast.enterprise)
    base, detail = live_server.url, f"{live_server.url}/reviews/{review.pk}/"
    log_in(page, base, "province_officer")
    page.goto(f"{base}/reviews/?stage=waiting_for_panel")
    page.get_by_test_id("reviews").get_by_role("link", name=cast.enterprise.name).click()
    page.wait_for_url(detail)

    page.screenshot(path="/tmp/e2e-review-panel.png", full_page=True)
    candidates = page.get_by_test_id("candidates")
    # The conflict is shown before anything is saved, and the box cannot be ticked.
    insider_row = candidates.locator("tr[data-candidate=insider]")
    expect(insider_row.get_by_test_id("conflict-reasons")).to_contain_text(
        "works for the enterprise under review"
    )
    expect(insider_row.locator("input[type=checkbox]")).to_be_disabled()
    for expert in experts:
        candidates.locator(f"tr[data-candidate={expert.username}] input").check()
    page.get_by_role("button", name="Save the panel").click()
    page.wait_for_url(f"{detail}#panel")
    expect(page.locator("main .alert-success")).to_have_text("The panel was saved.")
    expect(page.get_by_test_id("panel").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("unmet")).to_contain_text("Waiting for the scores of")

    score_all(cast, review, [80, 82, 78])
    page.reload()
    expect(page.get_by_test_id("ready")).to_be_visible()
    page.get_by_label("Opinion").fill("The audit is sound; implement M1 as planned.")
    page.get_by_role("button", name="Conclude").click()
    page.wait_for_url(f"{detail}#conclusion")
    expect(page.locator("main .alert-success")).to_have_text("The review was concluded: Passed.")
    expect(page.get_by_test_id("result")).to_have_text("Passed")
    expect(page.get_by_test_id("mean-score")).to_have_text("80.00")
    expect(page.get_by_test_id("opinion")).to_have_text(
        "The audit is sound; implement M1 as planned."
    )
    expect(page.get_by_test_id("conclusion-form")).to_have_count(0)
    page.screenshot(path="/tmp/e2e-review-concluded.png", full_page=True)
    assert Review.objects.get(pk=review.pk).result == "passed"
