"""Each role's daily work on its dashboard, in a real browser and in both languages
(issue 17): the consultant's work queue, the authority's deadline board and its
drill-down, the expert's scoring sheet by its titles, the enterprise's audit and days
left."""

import pytest
from playwright.sync_api import expect

from supervision.models import Urge
from tests.e2e.pages import log_in
from tests.support.dashboards import days_late, late_list
from tests.support.reviews import score_all, seat_panel, submitted

pytestmark = pytest.mark.e2e


def to_chinese(page):
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"


def test_consultant_works_from_the_queue(live_server, cast, page):
    nanjing, suzhou = late_list(cast)
    late = days_late(suzhou)
    log_in(page, live_server.url, "consultant")
    queue = page.get_by_test_id("work-queue")
    rows = queue.locator("> li")
    expect(rows).to_have_count(2)
    # The overdue start first, then the report due in 10 days.
    expect(rows.nth(0)).to_contain_text("Wujiang Dyeing Co.")
    expect(rows.nth(0).get_by_test_id("next-deadline")).to_contain_text(
        f"Start the audit · {suzhou.start_due:%Y-%m-%d} {late} days overdue"
    )
    expect(rows.nth(0).get_by_test_id("next-step")).to_have_text(
        "Ready to move on to “1 Planning and organisation”."
    )
    expect(rows.nth(1)).to_contain_text("Jinling Paper Co.")
    expect(rows.nth(1).get_by_test_id("next-deadline")).to_contain_text("10 days left")
    expect(rows.nth(1).get_by_test_id("next-step")).to_contain_text(
        "The audit team needs at least 2 members"
    )

    to_chinese(page)
    expect(page.get_by_role("heading", name="待办工作")).to_be_visible()
    expect(rows.nth(0).get_by_test_id("next-deadline")).to_contain_text(
        f"启动审核 · {suzhou.start_due:%Y-%m-%d} 已逾期 {late} 天"
    )
    expect(rows.nth(1).get_by_test_id("next-deadline")).to_contain_text("还剩 10 天")
    expect(rows.nth(1).get_by_test_id("next-step")).to_contain_text("进入“2 预审核”前尚缺")
    # The main task: the audit's workspace, one click away.
    rows.nth(1).get_by_role("link", name="Jinling Paper Co.").click()
    page.wait_for_url(f"{live_server.url}/audits/{nanjing.pk}/")
    expect(page.get_by_test_id("team")).to_be_visible()
    expect(page.get_by_test_id("team").locator("th").first).to_have_text("姓名")


def test_authority_sees_who_is_overdue_by_city_and_drills_down(live_server, cast, page):
    nanjing, suzhou = late_list(cast)
    log_in(page, live_server.url, "province_officer")
    board = page.get_by_test_id("deadline-board")
    suzhou_row = board.locator("tr[data-city='3205']")
    expect(suzhou_row.locator("th")).to_have_text("Suzhou")
    expect(suzhou_row.locator("td[data-kind=start][data-status=overdue]")).to_have_text("1")
    nanjing_row = board.locator("tr[data-city='3201']")
    expect(nanjing_row.locator("td[data-kind=report][data-status=soon]")).to_have_text("1")
    expect(nanjing_row.locator("td[data-kind=start][data-status=overdue]")).to_have_text("0")
    expect(page.get_by_test_id("overdue-audits")).to_contain_text("Wujiang Dyeing Co.")

    to_chinese(page)
    expect(board.locator("thead")).to_contain_text("城市")
    expect(board.locator("thead")).to_contain_text("启动审核")
    expect(suzhou_row.locator("th")).to_have_text("苏州市")
    expect(page.get_by_test_id("overdue-audits")).to_contain_text(f"已逾期 {days_late(suzhou)} 天")
    suzhou_row.locator("td[data-kind=start][data-status=overdue] a").click()
    page.wait_for_url(f"{live_server.url}/audits/?region=3205&deadline=start_overdue")
    audits = page.get_by_test_id("audits").locator("tbody tr")
    expect(audits).to_have_count(1)
    expect(audits.first).to_contain_text("Wujiang Dyeing Co.")
    # The filter shows what it narrows to, and can be changed from there.
    expect(page.locator("#id_deadline")).to_have_value("start_overdue")
    expect(page.locator("#id_region")).to_have_value("3205")


def test_expert_scores_by_the_sheets_titles(live_server, cast, page):
    review = submitted(cast)
    seat_panel(cast, review)
    log_in(page, live_server.url, "expert")
    page.get_by_test_id("awaiting-score").get_by_role("link", name="Score").click()
    page.wait_for_url(f"{live_server.url}/reviews/{review.pk}/score/")
    report = page.locator("tr[data-item=report]")
    expect(report.locator("label")).to_have_text("Completeness and conformity of the audit report")
    expect(page.get_by_test_id("score-items")).not_to_contain_text("focus_targets")
    # A score over the item's maximum: the message names the item by its title.
    for row in page.locator("tr[data-item] input").all():
        row.fill("10")
    report.locator("input").fill("16")
    page.get_by_role("button", name="Submit my score").click()
    expect(report.get_by_test_id("item-error")).to_have_text(
        "“Completeness and conformity of the audit report”: give 0 to 15 points."
    )

    to_chinese(page)
    page.goto(f"{live_server.url}/reviews/{review.pk}/score/")
    expect(report.locator("label")).to_have_text("审核报告完整性与规范性")
    report.locator("input").fill("16")
    page.locator("form[data-testid=score-form] button[type=submit]").click()
    expect(report.get_by_test_id("item-error")).to_contain_text("“审核报告完整性与规范性”")
    expect(report.get_by_test_id("item-error")).not_to_contain_text("report")
    # Scored within the maxima, the expert's own row shows under the titles.
    for row in page.locator("tr[data-item] input").all():
        row.fill("10")
    page.locator("form[data-testid=score-form] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/reviews/{review.pk}/#scores")
    heads = page.get_by_test_id("scores").locator("thead")
    expect(heads).to_contain_text("审核重点与清洁生产目标")
    expect(heads).not_to_contain_text("focus_targets")


def test_enterprise_opens_its_audit_and_sees_the_days_left(live_server, cast, page):
    nanjing, _suzhou = late_list(cast)
    log_in(page, live_server.url, "enterprise_user")
    expect(page.get_by_test_id("next-deadline")).to_contain_text("Submit the audit report · ")
    expect(page.get_by_test_id("next-deadline")).to_contain_text("10 days left")
    expect(page.locator("[data-status=next]")).to_contain_text("due next")
    to_chinese(page)
    expect(page.get_by_test_id("next-deadline")).to_contain_text("下一项期限")
    expect(page.get_by_test_id("next-deadline")).to_contain_text("还剩 10 天")
    expect(page.locator("[data-status=next]")).not_to_contain_text("即将到期")
    page.get_by_test_id("audit-link").click()
    page.wait_for_url(f"{live_server.url}/audits/{nanjing.pk}/")


def test_authority_urges_an_overdue_audit_from_the_board(live_server, cast, page):
    """The board's way to the urge (issue 17, item 5): the button, the form naming what
    is overdue, and back to the board with the notice sent."""
    _nanjing, suzhou = late_list(cast)
    log_in(page, live_server.url, "province_officer")
    to_chinese(page)
    row = page.get_by_test_id("overdue-audits").locator(f"li[data-audit='{suzhou.pk}']")
    row.get_by_role("link", name="催办").click()
    page.wait_for_url(f"{live_server.url}/supervision/audits/{suzhou.pk}/urge/?next=/dashboard/")
    expect(page.get_by_test_id("urge-overdue")).to_contain_text("启动审核")
    page.get_by_role("button", name="发送催办通知").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.locator("main .alert-success")).to_be_visible()
    assert Urge.objects.get().audit_id == suzhou.pk


def test_city_officer_sees_its_own_city_on_the_board(live_server, cast, page):
    late_list(cast)
    log_in(page, live_server.url, "city_officer")
    board = page.get_by_test_id("deadline-board")
    expect(board.locator("tbody tr[data-city]")).to_have_count(1)
    expect(board.locator("tr[data-city='3201'] th")).to_have_text("Nanjing")
    expect(
        board.locator("tr[data-city='3201'] td[data-kind=report][data-status=soon]")
    ).to_have_text("1")
    expect(page.get_by_test_id("overdue-audits")).to_have_count(0)  # Suzhou's is not its own
    to_chinese(page)
    expect(board.locator("tr[data-city='3201'] th")).to_have_text("南京市")


def test_the_review_page_heads_the_scores_with_the_sheets_titles(live_server, cast, page):
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    log_in(page, live_server.url, "province_officer")
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    heads = page.get_by_test_id("scores").locator("thead")
    expect(heads).to_contain_text("Completeness and conformity of the audit report")
    expect(heads).not_to_contain_text("focus_targets")
    to_chinese(page)
    expect(heads).to_contain_text("审核报告完整性与规范性")
    expect(heads).not_to_contain_text("report")
