"""The audit state machine: every guard's reason, refused moves, who may move, and two
moves at once (api.md "Audits", audits/workflow.py)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Auditor
from audits import services
from audits.choices import CostClass, DocumentKind, OptionStatus
from audits.models import Audit, TransitionLog
from audits.workflow import audit_transition
from core.errors import StateConflict
from notifications.models import Notification
from tests.support.audits import (
    add_option,
    balance,
    bring_to,
    engaged_audit,
    expired_auditor,
    move_option,
    pdf,
    prepare,
    second_auditor,
    upload,
)
from tests.support.cast import make_cast
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/audits/"


def checklist(cast, audit, role="consultant") -> dict:
    response = api_client(cast.user(role)).get(f"{URL}{audit.pk}/transitions/")
    assert response.status_code == 200, response.data
    return {move["to"]: move for move in response.data}


def refused(cast, audit, to, role="consultant") -> list[str]:
    """The move is shown as not allowed and refused with 409; the reasons agree, the
    state stays and nothing is logged. Returns the reasons."""
    state, logged = Audit.objects.get(pk=audit.pk).state, TransitionLog.objects.count()
    shown = checklist(cast, audit, role).get(to)
    response = api_client(cast.user(role)).post(
        f"{URL}{audit.pk}/transition/", {"to": to}, format="json"
    )
    assert response.status_code == 409, response.data
    assert response.data["unmet"]
    if shown is not None:
        assert shown["allowed"] is False
        assert shown["unmet"] == response.data["unmet"]
    assert Audit.objects.get(pk=audit.pk).state == state
    assert TransitionLog.objects.count() == logged
    return response.data["unmet"]


def allowed(cast, audit, to) -> None:
    assert checklist(cast, audit)[to] == {"to": to, "allowed": True, "unmet": []}


def test_start_sets_started_on_and_is_always_allowed(cast, audit):
    assert checklist(cast, audit) == {"planning": {"to": "planning", "allowed": True, "unmet": []}}
    audit = bring_to(cast, audit, "planning")
    assert audit.started_on == timezone.localdate()
    log = TransitionLog.objects.get(audit=audit)
    assert (log.from_state, log.to_state, log.actor) == (
        "not_started",
        "planning",
        cast.user("consultant"),
    )


# --- phase 1: planning and organisation (domain.md §2; seed 004) ------------------------


def documents(cast, audit, *kinds, role="consultant"):
    for kind in kinds:
        services.document_upload(
            actor=cast.user(role), audit=audit, kind=kind, title=str(kind), file=pdf()
        )


def test_planning_needs_a_team_with_its_leader_a_work_plan_and_a_commitment(cast, audit):
    audit = bring_to(cast, audit, "planning")
    assert refused(cast, audit, "pre_assessment") == [
        "The audit team needs at least 2 members; it has 0.",
        "Name the team leader, an auditor on the team.",
        "With a consulting firm, at least 2 team auditors need a certificate valid today; "
        "0 have one.",
        "Upload the leadership commitment.",
        "Upload the audit work plan.",
    ]
    consultant = cast.user("consultant")
    services.audit_update(actor=consultant, audit=audit, team=[cast.auditor])
    documents(cast, audit, DocumentKind.LEADERSHIP_COMMITMENT, DocumentKind.WORK_PLAN)
    assert refused(cast, audit, "pre_assessment") == [
        "The audit team needs at least 2 members; it has 1.",
        "Name the team leader, an auditor on the team.",
        "With a consulting firm, at least 2 team auditors need a certificate valid today; "
        "1 have one.",
    ]
    services.audit_update(
        actor=consultant,
        audit=audit,
        team=[cast.auditor, second_auditor(cast)],
        team_leader=cast.auditor,
    )
    allowed(cast, audit, "pre_assessment")


def test_the_team_leader_is_an_auditor_on_the_team(cast, audit):
    audit = bring_to(cast, audit, "planning")
    second = second_auditor(cast)
    client = api_client(cast.user("consultant"))
    url = f"{URL}{audit.pk}/"
    response = client.patch(
        url, {"team": [cast.auditor.pk], "team_leader": second.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"team_leader": ["The team leader must be on the audit team."]}
    assert not Audit.objects.get(pk=audit.pk).team.exists()  # nothing half-written
    response = client.patch(
        url, {"team": [cast.auditor.pk, second.pk], "team_leader": second.pk}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["team_leader"] == second.pk


def test_firm_team_needs_two_valid_certificates_and_names_the_expired_one(cast, audit):
    audit = bring_to(cast, audit, "planning")
    prepare(cast, audit)
    expired = expired_auditor(cast)
    services.audit_update(actor=cast.user("consultant"), audit=audit, team=[cast.auditor, expired])
    assert refused(cast, audit, "pre_assessment") == [
        "With a consulting firm, at least 2 team auditors need a certificate valid today; "
        "1 have one.",
        f"The certificate of Chen Gang (JS-0099) expired on {expired.valid_until.isoformat()}.",
    ]


def test_associate_auditors_do_not_count_towards_the_qualified_ones(cast, audit):
    """Seed 004, item 9: an associate auditor does not audit independently."""
    audit = bring_to(cast, audit, "planning")
    prepare(cast, audit)
    associate = second_auditor(cast, certificate_no="JS-0050", name="Sun Qiang")
    Auditor.objects.filter(pk=associate.pk).update(level="associate")
    services.audit_update(
        actor=cast.user("consultant"), audit=audit, team=[cast.auditor, associate]
    )
    assert refused(cast, audit, "pre_assessment") == [
        "With a consulting firm, at least 2 team auditors need a certificate valid today; "
        "1 have one.",
        "Sun Qiang is an associate auditor, who does not count towards the qualified "
        "auditors of the team.",
    ]


def staff_auditor(enterprise, name, certificate_no) -> Auditor:
    """One of the enterprise's own certified auditors (a self-audit's team)."""
    return Auditor.objects.create(
        name=name,
        certificate_no=certificate_no,
        level="auditor",
        enterprise=enterprise,
        issued_on=timezone.localdate() - datetime.timedelta(days=2000),
        valid_until=timezone.localdate() - datetime.timedelta(days=30),
    )


def test_a_self_audit_forms_its_team_from_its_own_staff_and_needs_no_valid_certificates(cast):
    """Without a consulting firm (the enterprise audits itself) the team is the
    enterprise's own auditors, and only its size and leader count."""
    engaged_audit(cast)
    audit = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    admin = cast.user("admin")
    audit_transition(audit=audit, to="planning", actor=admin)
    documents(cast, audit, DocumentKind.LEADERSHIP_COMMITMENT, DocumentKind.WORK_PLAN, role="admin")
    first = staff_auditor(cast.suzhou_enterprise, "Qian Li", "SZ-0001")
    with pytest.raises(ValidationError) as refusal:
        services.audit_update(actor=admin, audit=audit, team=[first, cast.auditor])
    assert refusal.value.message_dict == {
        "team": ["Not auditors of the engaged firm or of the enterprise: Zhang Ming."]
    }
    services.audit_update(actor=admin, audit=audit, team=[first], team_leader=first)
    assert refused(cast, audit, "pre_assessment", role="admin") == [
        "The audit team needs at least 2 members; it has 1."
    ]
    second = staff_auditor(cast.suzhou_enterprise, "Zhou Ming", "SZ-0002")
    services.audit_update(actor=admin, audit=audit, team=[first, second])
    assert checklist(cast, audit, "admin")["pre_assessment"]["allowed"] is True


def test_with_a_firm_the_team_mixes_its_auditors_and_the_enterprises_own(cast, audit):
    audit = bring_to(cast, audit, "planning")
    prepare(cast, audit)
    own = staff_auditor(cast.enterprise, "Qian Li", "NJ-0001")
    Auditor.objects.filter(pk=own.pk).update(valid_until=timezone.localdate())
    services.audit_update(
        actor=cast.user("enterprise_user"),
        audit=audit,
        team=[cast.auditor, own],
        team_leader=own,
    )
    allowed(cast, audit, "pre_assessment")


def test_another_firms_auditor_is_not_found_for_the_team(cast, audit):
    """The team field resolves only the auditors the caller may see: another firm's is
    "not found", and its name is never echoed back."""
    audit = bring_to(cast, audit, "planning")
    response = api_client(cast.user("consultant")).patch(
        f"{URL}{audit.pk}/", {"team": [cast.auditor.pk, cast.other_auditor.pk]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.data) == ["team"] and "Wang Hua" not in str(response.data)


# --- phase 2: pre-assessment ------------------------------------------------------------


def test_pre_assessment_needs_the_focus_complete_targets_and_a_no_low_option(cast, audit):
    audit = bring_to(cast, audit, "pre_assessment")
    assert refused(cast, audit, "focused_assessment") == [
        "Choose the audit focus.",
        "Set at least one CP target.",
        "Propose the first no/low-cost options.",
    ]
    consultant = cast.user("consultant")
    services.audit_update(actor=consultant, audit=audit, focus="   ")
    target = services.target_save(
        actor=consultant, audit=audit, indicator="COD", unit="kg/t", baseline=12
    )
    add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=900_000)
    assert refused(cast, audit, "focused_assessment") == [
        "Choose the audit focus.",
        "Give each target its baseline, near-term and long-term values: COD.",
        "Propose the first no/low-cost options.",
    ]
    services.audit_update(actor=consultant, audit=audit, focus="Bleaching")
    services.target_save(actor=consultant, audit=audit, target=target, near_term=10, long_term=8)
    add_option(cast, audit, code="N1")
    allowed(cast, audit, "focused_assessment")


# --- phase 3: focused assessment --------------------------------------------------------


def test_focused_assessment_needs_a_balance_that_closes_or_explains_its_gap(cast, audit):
    audit = bring_to(cast, audit, "focused_assessment")
    assert refused(cast, audit, "option_generation") == [
        "Draw up at least one balance of the audit focus."
    ]
    consultant = cast.user("consultant")
    flows = [
        {"direction": "in", "name": "Fresh water", "quantity": 100},
        {"direction": "out", "name": "Wastewater", "quantity": 90},
    ]
    balance = services.balance_save(
        actor=consultant, audit=audit, kind="water", title="Water", unit="t/d", flows=flows
    )
    assert refused(cast, audit, "option_generation") == [
        "The balance “Water” does not close (10.00% against a tolerance of 5%): close it "
        "or explain the gap in its closure note."
    ]
    response = api_client(consultant).patch(
        f"/api/v1/balances/{balance.pk}/",
        {"closure_note": "10 t/d evaporate from the open clarifier; not metered."},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["closes"] is False
    assert response.data["closure_note"].startswith("10 t/d evaporate")
    allowed(cast, audit, "option_generation")
    services.balance_save(
        actor=consultant, audit=audit, kind="energy", title="Steam", unit="GJ", flows=[]
    )
    assert refused(cast, audit, "option_generation") == ["The balance “Steam” has no inputs."]


def test_an_option_is_needed_before_option_generation(cast, audit):
    audit = bring_to(cast, audit, "focused_assessment")
    balance(cast, audit)
    audit.options.all().delete()
    assert refused(cast, audit, "option_generation") == ["Record at least one option."]
    add_option(cast, audit)
    allowed(cast, audit, "option_generation")


# --- phase 4: option generation and screening -------------------------------------------


def test_implemented_no_low_options_have_their_effect_summarised_before_feasibility(cast, audit):
    audit = bring_to(cast, audit, "option_generation")  # N1 proposed
    n1 = move_option(
        cast,
        audit.options.get(code="N1"),
        OptionStatus.RETAINED,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
    )
    assert refused(cast, audit, "feasibility") == [
        "Summarise the effect of each implemented no/low-cost option (an actual benefit): N1."
    ]
    services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        option=n1,
        benefits=[{"indicator": "water_t", "expected": 1000, "actual": 950}],
    )
    allowed(cast, audit, "feasibility")


def test_every_option_is_screened_before_feasibility(cast, audit):
    audit = bring_to(cast, audit, "option_generation")  # N1 proposed
    add_option(cast, audit, code="N2")
    move_option(cast, add_option(cast, audit, code="N3"), OptionStatus.SCREENED_OUT)
    assert refused(cast, audit, "feasibility") == ["Screen every option; still proposed: N1, N2."]
    prepare(cast, audit)
    allowed(cast, audit, "feasibility")


def test_the_audit_report_is_needed_before_assessment(cast, audit):
    audit = bring_to(cast, audit, "feasibility")  # N1 retained (no/low)
    move_option(
        cast, audit.options.get(code="N1"), OptionStatus.IMPLEMENTING, OptionStatus.IMPLEMENTED
    )
    upload(cast, audit, kind=DocumentKind.EVIDENCE, title="Photos")
    assert refused(cast, audit, "under_assessment") == ["Upload the audit report."]
    upload(cast, audit)
    allowed(cast, audit, "under_assessment")


def test_retained_mid_high_options_are_decided_before_assessment(cast, audit):
    audit = bring_to(cast, audit, "feasibility")
    move_option(cast, audit.options.get(code="N1"), OptionStatus.ABANDONED)
    m1 = move_option(
        cast,
        add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=2_000_000),
        OptionStatus.RETAINED,
    )
    m2 = move_option(
        cast,
        add_option(cast, audit, code="M2", cost_class=CostClass.MID_HIGH, investment=900_000),
        OptionStatus.RETAINED,
    )
    upload(cast, audit)
    assert refused(cast, audit, "under_assessment") == [
        "Analyse the feasibility of the retained mid/high-cost options: M1, M2."
    ]
    move_option(cast, m1, OptionStatus.FEASIBLE)
    move_option(cast, m2, OptionStatus.INFEASIBLE)
    allowed(cast, audit, "under_assessment")


@pytest.mark.parametrize("status", [OptionStatus.RETAINED, OptionStatus.IMPLEMENTING])
def test_retained_no_low_options_are_implemented_before_assessment(cast, audit, status):
    audit = bring_to(cast, audit, "feasibility")  # N1 retained
    n1 = audit.options.get(code="N1")
    if status == OptionStatus.IMPLEMENTING:
        n1 = move_option(cast, n1, OptionStatus.IMPLEMENTING)
    upload(cast, audit)
    assert refused(cast, audit, "under_assessment") == [
        "Implement or abandon the retained no/low-cost options: N1."
    ]
    move_option(
        cast,
        n1,
        *([OptionStatus.IMPLEMENTING] if status == OptionStatus.RETAINED else []),
        OptionStatus.IMPLEMENTED,
    )
    allowed(cast, audit, "under_assessment")


def test_every_unmet_guard_is_listed_at_once(cast, audit):
    audit = bring_to(cast, audit, "feasibility")
    move_option(
        cast,
        add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=500_000),
        OptionStatus.RETAINED,
    )
    assert refused(cast, audit, "under_assessment") == [
        "Upload the audit report.",
        "Analyse the feasibility of the retained mid/high-cost options: M1.",
        "Implement or abandon the retained no/low-cost options: N1.",
    ]


@pytest.mark.parametrize(
    "state, moves, review",
    [
        ("under_assessment", ["implementation", "feasibility"], "assessment"),
        ("under_acceptance", ["completed", "implementation"], "acceptance"),
    ],
)
def test_review_states_are_left_only_by_the_reviews_conclusion(cast, audit, state, moves, review):
    audit = bring_to(cast, audit, state)
    reason = f"Only the conclusion of the {review} moves the audit on."
    for to in moves:
        assert refused(cast, audit, to) == [reason]
        assert refused(cast, audit, to, role="enterprise_user") == [reason]
        assert refused(cast, audit, to, role="admin") == [reason]
    # The review's conclusion moves it (here: a failed one sends it back).
    audit_transition(audit=audit, to=moves[1], actor=cast.user("province_officer"), by_review=True)
    assert Audit.objects.get(pk=audit.pk).state == moves[1]


def test_a_review_conclusion_does_not_skip_other_guards(cast, audit):
    audit = bring_to(cast, audit, "planning")
    with pytest.raises(StateConflict) as refusal:
        audit_transition(audit=audit, to="pre_assessment", actor=cast.user("admin"), by_review=True)
    assert "The audit team needs at least 2 members; it has 0." in refusal.value.unmet


def implementation_with_m1(cast, audit, *m1_statuses, **fields):
    """An audit in implementation whose mid/high option M1 was found feasible; N1
    (no/low) is implemented with an actual benefit."""
    audit = bring_to(cast, audit, "feasibility")
    m1 = add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=3_000_000)
    move_option(cast, m1, OptionStatus.RETAINED)
    audit = bring_to(cast, audit, "implementation")
    prepare(cast, audit)  # each target's achieved value
    move_option(cast, audit.options.get(code="M1"), *m1_statuses, **fields)
    return audit


@pytest.mark.parametrize("statuses", [(), (OptionStatus.IMPLEMENTING,)])
def test_feasible_mid_high_options_are_implemented_before_sustaining(cast, audit, statuses):
    audit = implementation_with_m1(cast, audit, *statuses)
    assert refused(cast, audit, "sustaining") == [
        "Implement or abandon the feasible mid/high-cost options: M1."
    ]
    move_option(cast, audit.options.get(code="M1"), OptionStatus.ABANDONED)
    allowed(cast, audit, "sustaining")


def test_implemented_options_need_an_actual_benefit_before_sustaining(cast, audit):
    audit = implementation_with_m1(
        cast,
        audit,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
        benefits=[{"indicator": "water_t", "expected": 50_000, "actual": None}],
    )
    assert refused(cast, audit, "sustaining") == [
        "Record an actual benefit for each implemented option: M1."
    ]
    services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        option=audit.options.get(code="M1"),
        benefits=[{"indicator": "water_t", "expected": 50_000, "actual": 48_000}],
    )
    allowed(cast, audit, "sustaining")


def test_reclassing_a_feasible_option_does_not_escape_the_implementation_guard(cast, audit):
    audit = implementation_with_m1(cast, audit)
    m1 = audit.options.get(code="M1")
    response = api_client(cast.user("consultant")).patch(
        f"/api/v1/options/{m1.pk}/", {"cost_class": "no_low"}, format="json"
    )
    assert response.status_code == 400, response.data
    assert list(response.data) == ["cost_class"]
    assert refused(cast, audit, "sustaining")


def test_an_implemented_option_without_any_benefit_is_named(cast, audit):
    audit = implementation_with_m1(cast, audit, OptionStatus.IMPLEMENTING, OptionStatus.IMPLEMENTED)
    assert refused(cast, audit, "sustaining") == [
        "Record an actual benefit for each implemented option: M1."
    ]


def test_implementation_records_what_each_target_achieved_before_sustaining(cast, audit):
    audit = implementation_with_m1(cast, audit, OptionStatus.ABANDONED)
    audit.targets.update(achieved=None)
    assert refused(cast, audit, "sustaining") == [
        "Record what each target achieved: Water per tonne."
    ]
    prepare(cast, audit)
    allowed(cast, audit, "sustaining")


def test_acceptance_needs_its_report_the_monitoring_data_and_the_sustaining_plan(cast, audit):
    audit = bring_to(cast, audit, "sustaining")
    assert refused(cast, audit, "under_acceptance") == [
        "Upload the acceptance report.",
        "Upload the monitoring report (before and after).",
        "Upload the plan for sustaining cleaner production.",
    ]
    upload(cast, audit, kind=DocumentKind.MONITORING_REPORT, title="Monitoring")
    documents(cast, audit, DocumentKind.SUSTAINING_PLAN)
    assert refused(cast, audit, "under_acceptance") == ["Upload the acceptance report."]
    upload(cast, audit, kind=DocumentKind.ACCEPTANCE_REPORT, title="Acceptance report")
    allowed(cast, audit, "under_acceptance")


@pytest.mark.parametrize(
    "state, to",
    [
        ("not_started", "pre_assessment"),
        ("not_started", "completed"),
        ("planning", "not_started"),
        ("planning", "planning"),
        ("feasibility", "implementation"),
        ("implementation", "under_acceptance"),
        ("planning", "no_such_state"),
    ],
)
def test_a_move_that_is_not_a_step_from_the_current_state_conflicts(cast, audit, state, to):
    audit = bring_to(cast, audit, state)
    assert to not in checklist(cast, audit)
    assert refused(cast, audit, to) == ["Not a step from the current state."]


def test_a_completed_audit_moves_nowhere(cast, audit):
    audit = bring_to(cast, audit, "completed")
    assert checklist(cast, audit) == {}
    assert refused(cast, audit, "implementation") == ["Not a step from the current state."]


@pytest.mark.parametrize("role", ["province_officer", "city_officer"])
def test_authorities_may_not_move_an_audit(cast, audit, role):
    client = api_client(cast.user(role))
    assert client.get(f"{URL}{audit.pk}/transitions/").status_code == 200
    response = client.post(f"{URL}{audit.pk}/transition/", {"to": "planning"}, format="json")
    assert response.status_code == 403
    assert Audit.objects.get(pk=audit.pk).state == "not_started"
    assert not TransitionLog.objects.exists()


def test_the_service_refuses_an_authority_too(cast, audit):
    with pytest.raises(PermissionDenied):
        audit_transition(audit=audit, to="planning", actor=cast.user("province_officer"))
    assert not TransitionLog.objects.exists()


def test_a_transition_names_its_target(cast, audit):
    response = api_client(cast.user("consultant")).post(
        f"{URL}{audit.pk}/transition/", {}, format="json"
    )
    assert response.status_code == 400
    assert "to" in response.data


def test_a_move_notifies_the_other_parties(cast, audit):
    bring_to(cast, audit, "planning")
    assert (
        Notification.objects.filter(
            recipient=cast.user("enterprise_user"), kind="audit_moved"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=cast.user("consultant"), kind="audit_moved"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_give_one_success_one_conflict_one_log_row():
    if connection.vendor != "postgresql":
        pytest.skip("row locking is tested against PostgreSQL (DATABASE_URL)")
    cast = make_cast()
    audit = engaged_audit(cast)
    actors = [cast.user("consultant"), cast.user("enterprise_user")]
    barrier = threading.Barrier(2)
    outcomes = []

    def start(actor):
        try:
            barrier.wait(timeout=10)
            audit_transition(audit=audit, to="planning", actor=actor)
            outcomes.append("moved")
        except StateConflict as exc:
            outcomes.append(exc.unmet)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == sorted(
        ["moved", str(["Not a step from the current state."])]
    )
    assert TransitionLog.objects.filter(audit=audit).count() == 1
    assert Audit.objects.get(pk=audit.pk).state == "planning"
