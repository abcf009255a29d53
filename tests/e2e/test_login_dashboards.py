"""Log in through the real login page as each role, land on its dashboard, switch to
Chinese with the navbar's language select."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.support.cast import PASSWORD

pytestmark = pytest.mark.e2e

# role (dashboard template) -> (cast user, English dashboard title)
DASHBOARDS = {
    "admin": ("admin", "System administration"),
    "authority": ("province_officer", "Supervision dashboard"),
    "consultant": ("consultant", "My audits"),
    "enterprise": ("enterprise_user", "Where we stand"),
    "expert": ("expert", "My reviews"),
}
# The titles locale/zh_Hans/LC_MESSAGES/django.po is to give them.
EXPECTED_ZH = {
    "admin": "系统管理",
    "authority": "监管工作台",
    "consultant": "我的审核",
    "enterprise": "我的现状",
    "expert": "我的评审",
}
CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
SCREENSHOT = "/tmp/e2e-authority.png"


@pytest.mark.parametrize("role", list(DASHBOARDS))
def test_role_logs_in_to_its_dashboard_and_switches_to_chinese(live_server, cast, page, role):
    username, title = DASHBOARDS[role]
    user = cast.users[username]

    log_in(page, live_server.url, username)
    expect(page.get_by_test_id("dashboard-title")).to_have_text(title)
    expect(page.get_by_test_id("whoami")).to_contain_text(str(user))
    assert page.evaluate("document.documentElement.lang") == "en"
    if role == "authority":
        page.screenshot(path=SCREENSHOT, full_page=True)

    # The select submits its form on change; set_language redirects back here.
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.url == f"{live_server.url}/dashboard/"
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    expect(page.locator("#language-select")).to_have_value("zh-hans")
    expect(page.get_by_test_id("whoami")).to_contain_text(str(user))

    if not CATALOGUE.exists():
        pytest.skip(
            f"{CATALOGUE.relative_to(settings.BASE_DIR)} is not compiled yet: "
            "the Chinese dashboard titles are not checked"
        )
    expect(page.get_by_test_id("dashboard-title")).to_have_text(EXPECTED_ZH[role])


def test_wrong_password_stays_on_login_page_with_an_error(live_server, cast, page):
    log_in(page, live_server.url, "consultant", PASSWORD + "-wrong", landing=None)
    expect(page.locator("div.alert-danger")).to_contain_text("correct username and password")
    assert page.url == f"{live_server.url}/accounts/login/"
    expect(page.get_by_test_id("whoami")).to_have_count(0)


def test_anonymous_dashboard_visit_goes_to_login(live_server, page):
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_have_count(0)
