"""The workspace checklist in a real browser shows each guard of issue 12 while it is
unmet, and the move becomes ready once it is met (audits/workflow.py)."""

import pytest
from playwright.sync_api import expect

from audits import services
from audits.choices import AuditState, DocumentKind, OptionStatus
from audits.models import Balance
from tests.e2e.pages import log_in
from tests.support.audits import (
    add_option,
    bring_to,
    engaged_audit,
    move_option,
    prepare,
    second_auditor,
    upload,
)

pytestmark = pytest.mark.e2e


def checklist_of(page, live_server, audit, move):
    page.goto(f"{live_server.url}/audits/{audit.pk}/")
    return page.get_by_test_id("checklist").locator(f"[data-move={move}]")


def test_each_new_guard_is_shown_until_met(live_server, cast, page):
    audit = bring_to(cast, engaged_audit(cast), AuditState.PLANNING)
    consultant = cast.user("consultant")
    log_in(page, live_server.url, "consultant")

    # Planning: the team leader, the work plan and the leadership commitment.
    services.audit_update(actor=consultant, audit=audit, team=[cast.auditor, second_auditor(cast)])
    move = checklist_of(page, live_server, audit, AuditState.PRE_ASSESSMENT)
    unmet = move.get_by_test_id("unmet")
    expect(unmet).to_contain_text("Name the team leader, an auditor on the team.")
    expect(unmet).to_contain_text("Upload the audit work plan.")
    expect(unmet).to_contain_text("Upload the leadership commitment.")
    expect(move.get_by_test_id("transition-button")).to_be_disabled()
    services.audit_update(actor=consultant, audit=audit, team_leader=cast.auditor)
    upload(cast, audit, kind=DocumentKind.WORK_PLAN, title="Work plan")
    upload(cast, audit, kind=DocumentKind.LEADERSHIP_COMMITMENT, title="Commitment")
    move = checklist_of(page, live_server, audit, AuditState.PRE_ASSESSMENT)
    expect(move.get_by_test_id("unmet")).to_have_count(0)
    expect(move.get_by_test_id("transition-button")).to_be_enabled()
    move.get_by_test_id("transition-button").click()
    expect(
        page.get_by_test_id("checklist").locator("[data-move=focused_assessment]")
    ).to_be_visible()

    # Pre-assessment: a target without its goal values, no no/low-cost option yet.
    services.audit_update(actor=consultant, audit=audit, focus="Pulping line")
    services.target_save(
        actor=consultant, audit=audit, indicator="Water per tonne", unit="t/t", baseline=60
    )
    move = checklist_of(page, live_server, audit, AuditState.FOCUSED_ASSESSMENT)
    unmet = move.get_by_test_id("unmet")
    expect(unmet).to_contain_text("baseline, near-term and long-term values: Water per tonne")
    expect(unmet).to_contain_text("Propose the first no/low-cost options.")

    # Focused assessment: a balance 10 % off its 5 % tolerance, until its note explains.
    audit.targets.update(near_term=50, long_term=40)
    prepare(cast, audit)
    audit = bring_to(cast, audit, AuditState.FOCUSED_ASSESSMENT)
    services.balance_save(
        actor=consultant,
        audit=audit,
        kind="water",
        title="Water of the pulping line",
        unit="t/d",
        flows=[
            {"direction": "in", "name": "Fresh water", "quantity": 100},
            {"direction": "out", "name": "Wastewater", "quantity": 90},
        ],
    )
    move = checklist_of(page, live_server, audit, AuditState.OPTION_GENERATION)
    expect(move.get_by_test_id("unmet")).to_contain_text(
        "does not close (10.00% against a tolerance of 5%)"
    )
    services.balance_save(
        actor=consultant,
        audit=audit,
        balance=Balance.objects.get(audit=audit),
        closure_note="Evaporation from the open clarifier, not metered",
    )
    move = checklist_of(page, live_server, audit, AuditState.OPTION_GENERATION)
    expect(move.get_by_test_id("unmet")).to_have_count(0)

    # Option generation: an implemented no/low-cost option has its effect summarised.
    audit = bring_to(cast, audit, AuditState.OPTION_GENERATION)
    quick = move_option(
        cast,
        add_option(cast, audit, code="N9"),
        OptionStatus.RETAINED,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
    )
    move = checklist_of(page, live_server, audit, AuditState.FEASIBILITY)
    expect(move.get_by_test_id("unmet")).to_contain_text(
        "Summarise the effect of each implemented no/low-cost option (an actual benefit): N9"
    )
    services.option_save(
        actor=consultant,
        audit=audit,
        option=quick,
        benefits=[{"indicator": "water_t", "expected": 800, "actual": 750}],
    )

    # Implementation: what each target achieved.
    audit = bring_to(cast, audit, AuditState.IMPLEMENTATION)
    move = checklist_of(page, live_server, audit, AuditState.SUSTAINING)
    expect(move.get_by_test_id("unmet")).to_contain_text(
        "Record what each target achieved: Water per tonne"
    )

    # Sustaining: the acceptance report, the monitoring data and the sustaining plan.
    audit = bring_to(cast, audit, AuditState.SUSTAINING)
    upload(cast, audit, kind=DocumentKind.ACCEPTANCE_REPORT, title="Acceptance report")
    move = checklist_of(page, live_server, audit, AuditState.UNDER_ACCEPTANCE)
    unmet = move.get_by_test_id("unmet")
    expect(unmet).to_contain_text("Upload the monitoring report (before and after).")
    expect(unmet).to_contain_text("Upload the plan for sustaining cleaner production.")
    expect(unmet).not_to_contain_text("acceptance report")
