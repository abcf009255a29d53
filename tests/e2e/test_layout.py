"""The key pages on a phone and the zh navbar on a laptop, in a real browser (issue 17,
item 8): at 390 × 844 no page is wider than the screen, every table either fits or
scrolls inside its own box, and no Chinese header wraps one character a line; at 1366
px the Chinese navbar holds on one line. Screenshots go to SCREENSHOTS for the report.
"""

from pathlib import Path

import pytest

from assessments.models import Review
from audits.models import Audit
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.pages import log_in
from tests.support.reviews import score_all, seat_panel, submitted

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path("/tmp/e2e-layout")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# What overflows the viewport: the page itself, a table outside a scrolling box that
# fits, a cell narrower than two characters of its own text (a Chinese header, or any
# cell of four characters or more).
GEOMETRY = """() => {
  const vw = window.innerWidth, slack = 1;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const tables = [];
  for (const table of document.querySelectorAll('table')) {
    const box = table.getBoundingClientRect();
    if (!box.width || box.right <= vw + slack) continue;
    let el = table.parentElement, held = false;
    for (; el && el !== document.body; el = el.parentElement) {
      if (scrolls(el)) { held = el.getBoundingClientRect().right <= vw + slack; break; }
    }
    if (!held) tables.push(table.dataset.testid || table.className || 'table');
  }
  const narrow = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const text = cell.innerText.trim();
    if (!cell.getBoundingClientRect().width || [...text].length < 2) continue;
    // Headers in Chinese; any cell of four characters or more (a hash, a name).
    if (cell.tagName === 'TH' ? !/[\\u4e00-\\u9fff]/.test(text) : [...text].length < 4) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const widest = Math.max(...[...range.getClientRects()].map((r) => r.width), 0);
    if (widest < 1.8 * size) narrow.push(text);
  }
  const wide = [];  // what sticks out, for the failure message
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= vw + slack || !box.width) continue;
    let up = el.parentElement, inside = false;
    for (; up && up !== document.body; up = up.parentElement) if (scrolls(up)) inside = true;
    if (!inside && wide.length < 8)
      wide.push(`${el.tagName.toLowerCase()}.${el.className}#${el.dataset.testid || ''}`
                + `:${Math.round(box.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, tables, narrow, wide};
}"""


@pytest.fixture
def browse(browser, live_server):
    """A page at a size and in a language (the language cookie), logged in as `who`."""
    contexts = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def open_as(who, language, viewport=PHONE):
        context = browser.new_context(locale="en-US", viewport=viewport)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        contexts.append(context)
        page = context.new_page()
        log_in(page, live_server.url, who)
        return page

    yield open_as
    for context in contexts:
        context.close()


def check_fits(page, url, name):
    page.goto(url)
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    found = page.evaluate(GEOMETRY)
    assert found["scrollWidth"] <= found["innerWidth"], f"{name}: {found}"
    assert found["tables"] == [], f"{name}: {found}"
    assert found["narrow"] == [], f"{name}: {found}"


@pytest.fixture
def round_scored(cast):
    """A round with its panel's scores in, the audit's options, targets, balance and
    history filled on the way (tests/support/reviews.py)."""
    review = submitted(cast)
    seat_panel(cast, review)
    score_all(cast, review, [80, 82, 78])
    return Review.objects.select_related("audit__list_entry").get(pk=review.pk)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_key_pages_fit_a_phone(live_server, cast, browse, round_scored, language):
    audit = round_scored.audit
    base = live_server.url
    officer = browse("province_officer", language)
    for name, url in [
        ("list-entries", f"{base}/lists/{audit.list_entry.key_list_id}/"),
        ("audit-list", f"{base}/audits/"),
        ("audit-page", f"{base}/audits/{audit.pk}/"),
        ("review-round", f"{base}/reviews/{round_scored.pk}/"),
        ("review-queue", f"{base}/reviews/"),
    ]:
        check_fits(officer, url, f"{language}-officer-{name}")
    consultant = browse("consultant", language)
    for name, url in [
        ("audit-list", f"{base}/audits/"),
        ("audit-page", f"{base}/audits/{audit.pk}/"),
        ("review-round", f"{base}/reviews/{round_scored.pk}/"),
    ]:
        check_fits(consultant, url, f"{language}-consultant-{name}")
    expert = browse("expert", language)
    for name, url in [
        ("review-queue", f"{base}/reviews/"),
        ("review-round", f"{base}/reviews/{round_scored.pk}/"),
        ("audit-page", f"{base}/audits/{audit.pk}/"),
    ]:
        check_fits(expert, url, f"{language}-expert-{name}")
    assert Audit.objects.filter(pk=audit.pk).exists()


@pytest.mark.parametrize(
    "who", ["admin", "province_officer", "city_officer", "consultant", "expert", "enterprise_user"]
)
def test_the_chinese_navbar_holds_on_one_line_at_1366(live_server, cast, browse, who):
    page = browse(who, "zh-hans", viewport=LAPTOP)
    page.screenshot(path=str(SCREENSHOTS / f"zh-navbar-{who}.png"))
    tops = page.evaluate(
        """() => [...document.querySelectorAll('nav.navbar #nav > *, nav.navbar .nav-item')]
              .filter((el) => el.getBoundingClientRect().width)
              .map((el) => Math.round(el.getBoundingClientRect().top + el.offsetHeight / 2))"""
    )
    assert len(set(tops)) == 1, tops
    labels = page.evaluate(
        """() => [...document.querySelectorAll('nav.navbar .nav-item .nav-link')]
              .filter((el) => el.getBoundingClientRect().width)
              .map((el) => [el.innerText, el.getClientRects().length,
                            el.getBoundingClientRect().height])"""
    )
    heights = {height for _text, _rects, height in labels}
    assert len(heights) == 1, labels


def test_printed_pages_show_the_content_only(live_server, cast, browse, round_scored):
    """The print stylesheet: no navbar, forms or buttons; tables not cut by their
    scrolling boxes."""
    page = browse("consultant", "zh-hans", viewport=LAPTOP)
    page.goto(f"{live_server.url}/audits/{round_scored.audit_id}/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['nav.navbar', 'main form', 'main .btn'].map((selector) =>
              [...document.querySelectorAll(selector)].every((el) => !el.offsetParent))"""
    )
    assert hidden == [True, True, True]
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
              .map((el) => getComputedStyle(el).overflowX)"""
    )
    assert overflow and set(overflow) == {"visible"}
    page.pdf(path=str(SCREENSHOTS / "zh-print-audit-page.pdf"))
