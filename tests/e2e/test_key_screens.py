"""The key screens in a real browser: an officer imports and publishes a key list, a
consultant screens and pastes options in the audit workspace (htmx), an enterprise reads
its deadlines in both languages."""

import csv
import datetime
import re

import pytest
from playwright.sync_api import expect

from audits.choices import AuditState, OptionStatus
from audits.models import Audit, Option
from core.credit_code import make_credit_code
from enterprises.choices import ListStatus
from enterprises.models import Enterprise, KeyEnterpriseList, ListEntry
from tests.e2e.pages import log_in
from tests.support.audits import bring_to, engaged_audit
from tests.support.lists import draft_list, published_list

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-workspace.png"
HEADINGS = ["credit_code", "name", "region", "industry", "categories", "reason"]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADINGS)
        writer.writerows(rows)
    return path


# --- the officer: import, then publish ---------------------------------------------------


def test_officer_imports_a_spreadsheet_and_publishes_the_list(live_server, cast, page, tmp_path):
    key_list = draft_list(cast)
    base, detail = live_server.url, f"{live_server.url}/lists/{key_list.pk}/"
    new_code = make_credit_code(division="320100", serial=4711)
    lost_code = make_credit_code(division="320100", serial=4712)
    enterprises_before = Enterprise.objects.count()

    log_in(page, base, "province_officer")
    page.goto(detail)
    expect(page.get_by_test_id("entries").locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.wait_for_url(f"{detail}import/")

    # One good row and one in a region that does not exist: nothing is saved.
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            [new_code, "Qinhuai Printing Co.", "320104", "23", "exceeds_standards", "COD"],
            [lost_code, "Nowhere Co.", "329999", "22", "toxic_hazardous", ""],
        ],
    )
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("main .alert-danger")).to_contain_text(
        "The file has 1 error. Nothing was saved"
    )
    errors = page.get_by_test_id("row-errors").locator("tbody tr")
    expect(errors).to_have_count(1)
    # The row, the column as the file headed it, the value it held, the message.
    expect(errors.locator("td")).to_have_text(
        ["3", "region", "329999", "Unknown region code “329999”."]
    )
    assert page.url == f"{detail}import/"
    assert Enterprise.objects.count() == enterprises_before
    assert key_list.entries.count() == 2

    # The corrected file: one new enterprise, one already on the list updated.
    good = write_csv(
        tmp_path / "good.csv",
        [
            [new_code, "Qinhuai Printing Co.", "320104", "23", "exceeds_standards;高耗能", "COD"],
            [cast.enterprise.credit_code, cast.enterprise.name, "320115", "22", "双有", "Cr(VI)"],
        ],
    )
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(detail)
    expect(page.locator("main .alert-success")).to_have_text("Imported. Created: 1, updated: 1.")
    new_row = page.get_by_test_id("entries").locator("tbody tr", has_text=new_code)
    expect(new_row).to_contain_text("Qinhuai Printing Co.")
    expect(new_row).to_contain_text("COD")
    expect(page.get_by_test_id("entries").locator("tbody tr")).to_have_count(3)

    # Publish: the confirmation page, then the published list with its audits.
    page.get_by_role("link", name="Publish…").click()
    page.wait_for_url(f"{detail}publish/")
    expect(page.locator("main h1")).to_contain_text("Publish")
    expect(page.locator("main")).to_contain_text("for each of the 3 entries")
    published_on = datetime.date(2026, 3, 1)
    page.fill("#id_published_on", published_on.isoformat())
    page.get_by_role("button", name="Publish the list").click()
    page.wait_for_url(detail)
    expect(page.locator("main .alert-success")).to_have_text(
        "The list was published and its audits opened."
    )
    expect(page.locator("main h1 + .badge")).to_have_text("Published")
    expect(page.locator("main")).to_contain_text(
        f"Published on {published_on:%Y-%m-%d} by {cast.user('province_officer')}"
    )
    expect(page.get_by_role("link", name="Import a spreadsheet")).to_have_count(0)

    key_list = KeyEnterpriseList.objects.get(pk=key_list.pk)
    assert key_list.status == ListStatus.PUBLISHED and key_list.published_on == published_on
    audits = Audit.objects.filter(list_entry__key_list=key_list).select_related("enterprise")
    assert sorted(audit.enterprise.credit_code for audit in audits) == sorted(
        [new_code, cast.enterprise.credit_code, cast.suzhou_enterprise.credit_code]
    )
    assert {audit.state for audit in audits} == {AuditState.NOT_STARTED}
    rows = page.get_by_test_id("entries").locator("tbody tr")
    expect(rows).to_have_count(3)
    for audit in audits:
        row = rows.filter(has_text=audit.enterprise.credit_code)
        expect(row).to_contain_text(f"#{audit.pk} · Not started")
        expect(row).to_contain_text(f"{audit.start_due:%Y-%m-%d}")
        expect(row).to_contain_text(f"{audit.report_due:%Y-%m-%d}")
    assert ListEntry.objects.get(
        key_list=key_list, enterprise__credit_code=new_code
    ).categories == ["exceeds_standards", "energy_intensive"]


# --- the consultant: the audit workspace -------------------------------------------------


def test_consultant_screens_an_option_inline_and_pastes_two_more(live_server, cast, page):
    audit = bring_to(cast, engaged_audit(cast), AuditState.OPTION_GENERATION)
    option = audit.options.get()
    assert option.status == OptionStatus.PROPOSED
    workspace = f"{live_server.url}/audits/{audit.pk}/"

    log_in(page, live_server.url, "consultant")
    page.goto(workspace)
    expect(page.locator("main h1")).to_have_text(cast.enterprise.name)
    page.screenshot(path=SCREENSHOT, full_page=True)
    feasibility = page.get_by_test_id("checklist").locator("[data-move=feasibility]")
    expect(feasibility.get_by_test_id("unmet")).to_contain_text(f"still proposed: {option.code}")
    expect(feasibility.get_by_test_id("transition-button")).to_be_disabled()
    expect(page.get_by_test_id("total-investment")).to_have_text("20,000")

    # A marker that a full page load would wipe out.
    page.evaluate("window.__noReload = true")
    row = page.locator(f"#option-{option.pk}")
    row.get_by_role("link", name="Edit").click()
    form = row.get_by_test_id("option-edit")
    expect(form).to_be_visible()
    form.locator(f"#id_option-{option.pk}-status").select_option(OptionStatus.RETAINED)
    with page.expect_response(re.compile(rf"/audits/{audit.pk}/options/{option.pk}/$")):
        form.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("option-edit")).to_have_count(0)
    expect(row.locator("[data-status]")).to_have_attribute("data-status", OptionStatus.RETAINED)
    expect(row.locator("[data-status]")).to_have_text("Retained")
    # The checklist was swapped out of band: nothing is still proposed, the move is ready.
    expect(feasibility.get_by_test_id("unmet")).to_have_count(0)
    expect(page.get_by_test_id("checklist")).not_to_contain_text("still proposed")
    expect(feasibility.get_by_test_id("ready")).to_be_visible()
    expect(feasibility.get_by_test_id("transition-button")).to_be_enabled()
    assert page.evaluate("window.__noReload") is True, "the save reloaded the whole page"
    assert page.url == workspace
    assert Option.objects.get(pk=option.pk).status == OptionStatus.RETAINED

    # A bad paste shows its row errors in place (htmx swaps the 400 answer in too).
    page.goto(f"{workspace}options/bulk/")
    page.fill("#bulk-text", "B9\tNo such aspect\tweather\tno_low\t100")
    page.get_by_role("button", name="Add the pasted options").click()
    expect(page.locator("main")).to_contain_text("Unknown aspect")
    assert not audit.options.filter(code="B9").exists()

    # Two rows pasted from a spreadsheet (tab-separated) on the bulk page.
    page.goto(f"{workspace}options/bulk/")
    page.fill(
        "#bulk-text",
        "\n".join(
            [
                "B1\tRecover white water\twaste\tno_low\t15000\tClosed loop on PM2",
                "B2\tVariable-frequency pumps\tequipment\tmid_high\t350000\tPulping line",
            ]
        ),
    )
    page.get_by_role("button", name="Add the pasted options").click()
    expect(page.locator("main .alert-success")).to_have_text("2 options were added.")
    assert sorted(audit.options.values_list("code", flat=True)) == ["B1", "B2", option.code]

    page.goto(workspace)
    options = page.get_by_test_id("options")
    expect(options.locator("tbody tr")).to_have_count(3)
    expect(options.locator("tr[data-option=B1]")).to_contain_text("Recover white water")
    expect(options.locator("tr[data-option=B1]")).to_contain_text("15,000")
    expect(options.locator("tr[data-option=B2]")).to_contain_text("Variable-frequency pumps")
    expect(options.locator("tr[data-option=B2]")).to_contain_text("350,000")
    expect(page.get_by_test_id("total-investment")).to_have_text("385,000")
    expect(feasibility.get_by_test_id("unmet")).to_contain_text("still proposed: B1, B2")


# --- the enterprise: its dashboard, in English and Chinese --------------------------------


def test_enterprise_sees_its_list_year_and_deadlines_in_both_languages(live_server, cast, page):
    published_list(cast)
    audit = Audit.objects.get(enterprise=cast.enterprise)

    log_in(page, live_server.url, "enterprise_user")
    listing = page.get_by_test_id("listing")
    expect(listing).to_have_count(1)
    expect(listing.locator("h2")).to_have_text("You are on the 2026 key-enterprise list of Jiangsu")
    expect(page.get_by_test_id("audit-state")).to_have_text("Not started")
    deadlines = {
        "start": audit.start_due,
        "disclosure": audit.disclosure_due,
        "report": audit.report_due,
    }
    assert all(deadlines.values())
    timeline = page.get_by_test_id("timeline")
    for kind, due in deadlines.items():
        expect(timeline.locator(f"[data-kind={kind}] time")).to_have_attribute(
            "datetime", f"{due:%Y-%m-%d}"
        )
    expect(timeline.locator("[data-kind=start]")).to_contain_text("Start the audit")
    expect(timeline.locator("[data-kind=report]")).to_contain_text("Submit the audit report")

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.url == f"{live_server.url}/dashboard/"
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    expect(listing.locator("h2")).to_contain_text("重点企业名单")
    expect(listing.locator("h2")).to_contain_text("2026")
    for kind, due in deadlines.items():
        expect(timeline.locator(f"[data-kind={kind}] time")).to_have_text(f"{due:%Y-%m-%d}")
    expect(timeline.locator("[data-kind=start]")).not_to_contain_text("Start the audit")
