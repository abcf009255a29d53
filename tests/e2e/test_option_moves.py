"""Options moved together in a real browser (issue 17, item 6): the consultant ticks
several options in the audit's table and screens them with one move; a move one of them
cannot make moves none and names it."""

import pytest
from playwright.sync_api import expect

from audits.choices import OptionStatus
from audits.models import Option
from tests.e2e.pages import log_in
from tests.support.audits import add_option, engaged_audit

pytestmark = pytest.mark.e2e


def test_consultant_screens_five_options_at_once(live_server, cast, page):
    audit = engaged_audit(cast)
    for number in range(1, 7):
        add_option(cast, audit, code=f"N{number}", title=f"Option {number}")
    log_in(page, live_server.url, "consultant")
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    options = page.get_by_test_id("options")
    for number in range(1, 6):
        options.locator(f"tr[data-option=N{number}]").get_by_test_id("choose").check()
    move = page.get_by_test_id("move-form")
    move.get_by_label("Move the chosen options to").select_option("retained")
    move.get_by_role("button", name="Move the chosen options").click()
    page.wait_for_url(f"{live_server.url}/audits/{audit.pk}/#options")
    expect(page.locator("main .alert-success")).to_have_text("5 options moved to “Retained”.")
    for number in range(1, 6):
        expect(options.locator(f"tr[data-option=N{number}] [data-status]")).to_have_text("Retained")
    expect(options.locator("tr[data-option=N6] [data-status]")).to_have_text("Proposed")

    # N6 is still proposed: it cannot start being implemented, so N1 does not either.
    for code in ("N1", "N6"):
        options.locator(f"tr[data-option={code}]").get_by_test_id("choose").check()
    move.get_by_label("Move the chosen options to").select_option("implementing")
    move.get_by_role("button", name="Move the chosen options").click()
    errors = page.get_by_test_id("move-errors")
    expect(errors).to_contain_text("Nothing was moved.")
    expect(errors).to_contain_text("N6 “Option 6” cannot move")
    expect(errors).not_to_contain_text("N1 “")
    expect(options.locator("tr[data-option=N6]").get_by_test_id("choose")).to_be_checked()
    assert Option.objects.get(audit=audit, code="N1").status == OptionStatus.RETAINED
