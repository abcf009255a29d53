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
