"""The statistics page in a real browser: the vendored Chart.js draws every chart from
the figures the page passes as JSON (static/js/statistics.js), without a script error,
and the filters reload the page for another year and region."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.reporting.test_statistics import seed

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-statistics.png"
CHARTS = [
    "chart-pipeline",
    "chart-overdue",
    "chart-reviews",
    "chart-options",
    "chart-benefits",
    "chart-consultancies",
]


def test_officer_sees_every_chart_drawn(live_server, cast, page):
    seed(cast)
    errors = []
    # Chromium's benign "ResizeObserver loop" notice (Chart.js resizes) is no error.
    page.on(
        "pageerror",
        lambda error: "ResizeObserver loop" not in str(error) and errors.append(str(error)),
    )
    # Every script and style sheet loads (the browser's own favicon request may 404).
    page.on(
        "response",
        lambda response: (
            "/static/" in response.url
            and response.status != 200
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    base = live_server.url
    log_in(page, base, "province_officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    page.wait_for_url(f"{base}/statistics/")
    for chart in CHARTS:
        drawn = page.evaluate(
            "(id) => { const c = window.Chart.getChart(document.getElementById(id));"
            " return c ? c.data.datasets.reduce((n, d) => n + d.data.length, 0) : -1; }",
            chart,
        )
        assert drawn > 0, chart
    # The pipeline chart holds the same figures as its table.
    pipeline = page.evaluate(
        "() => window.Chart.getChart(document.getElementById('chart-pipeline'))"
        ".data.datasets[0].data"
    )
    cells = page.locator("[data-testid=table-pipeline] tbody td").all_inner_texts()
    assert pipeline == [float(cell) for cell in cells]
    # The value axis says what it counts, with its unit (issue 17 item 9).
    title = page.evaluate(
        "() => window.Chart.getChart(document.getElementById('chart-benefits'))"
        ".options.scales.x.title.text"
    )
    assert title == "Actual benefit as a share of the expected one (%)"
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.select_option("#id_year", "2026")
    page.select_option("#id_region", "320100")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{base}/statistics/?region=320100&year=2026")
    expect(page.locator("[data-total=listed]")).to_have_text("1")
    assert errors == []


def test_a_signal_count_opens_the_rounds_that_raised_it(live_server, cast, page):
    """Issue 18, the province view: the count of a firm's rounds that raised a signal
    links to the review list narrowed to those rounds."""
    from assessments.models import RaisedSignal, Review, RoundCheck

    seed(cast)
    raised = list(
        Review.objects.filter(
            audit__consultancy=cast.firm, audit__region_code__startswith="32"
        ).order_by("pk")[:2]
    )
    for review in Review.objects.all():
        codes = ["end_of_pipe"] if review in raised else []
        RoundCheck.objects.create(review=review, signals_at="2026-01-01T00:00Z", signal_codes=codes)
        RaisedSignal.objects.bulk_create([RaisedSignal(review=review, code=c) for c in codes])
    base = live_server.url
    log_in(page, base, "province_officer")
    page.goto(f"{base}/statistics/")
    row = page.get_by_test_id("table-signals-by-firm").locator(f"[data-row='{cast.firm.pk}']")
    row.get_by_role("link", name="2").click()
    expect(page.get_by_test_id("narrowed")).to_contain_text("Green Source Consulting")
    listed = page.get_by_test_id("reviews").locator("tbody tr[data-review]")
    expect(listed).to_have_count(2)
    assert {int(pk) for pk in listed.evaluate_all("rows => rows.map(r => r.dataset.review)")} == {
        review.pk for review in raised
    }
