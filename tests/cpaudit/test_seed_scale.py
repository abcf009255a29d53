"""`manage.py seed_scale` (issue 6) on a tiny province: counts, every state, reviews and
options consistent with the audits' states, determinism, refusing to seed twice."""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from accounts.models import Auditor, Organization, User
from assessments.choices import ReviewKind, ReviewResult, ReviewState
from assessments.models import VERIFIABLE_OPTIONS, PanelMember, Review, Score, Verification
from audits.choices import AuditState, CostClass, DocumentKind, OptionStatus
from audits.models import Audit, Document, Option, OptionBenefit, TransitionLog
from core.credit_code import make_credit_code
from cpaudit.seeding import scale
from cpaudit.seeding.scale import seeder
from enterprises.choices import EntryStatus, ListStatus
from enterprises.models import Enterprise, KeyEnterpriseList
from procedures.models import Registration
from survey.guards import survey_unmet
from tests.support.audits import PATH

S = AuditState
pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale needs PostgreSQL"
)
SMALL = {"enterprises": 200, "years": 2, "seed": 7}
AFTER_ASSESSMENT = {S.IMPLEMENTATION, S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED}
AFTER_IMPLEMENTATION = {S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_refuses_other_databases_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed()


@postgresql_only
def test_small_province_is_complete_and_consistent():
    out = seed()
    assert "audit content and reviews" in out and "total" in out  # timings per step

    enterprises = scale.scale_enterprises("320000")
    assert enterprises.count() == 200
    lists = KeyEnterpriseList.objects.filter(province_id="320000")
    assert sorted(lists.values_list("year", flat=True)) == [2025, 2026]
    assert all(k.status == ListStatus.PUBLISHED and k.published_on and k.policy for k in lists)
    audits = Audit.objects.filter(enterprise__in=enterprises)
    n_audits = audits.count()
    assert 250 <= n_audits <= 350  # 1.5 per enterprise
    assert n_audits == audits.filter(list_entry__isnull=False).count()
    n_options = Option.objects.filter(audit__in=audits).count()
    assert 7 <= n_options / n_audits <= 13  # ≈ 10 per audit
    assert (
        Option.objects.filter(audit__in=audits)
        .values("audit")
        .annotate(n=Count("pk"))
        .filter(n=scale.SHOWCASE_OPTIONS)
        .exists()
    )

    # Every state, and the cancelled audits' entries removed.
    states = Counter(audits.values_list("state", flat=True))
    assert set(states) == set(S.values)
    assert set(audits.filter(state=S.CANCELLED).values_list("list_entry__status", flat=True)) == {
        EntryStatus.REMOVED
    }

    # Options: codes unique per audit; statuses consistent with the audit's state.
    assert (
        not Option.objects.filter(audit__in=audits)
        .values("audit", "code")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    by_state = defaultdict(set)
    for state, cost_class, status in Option.objects.filter(audit__in=audits).values_list(
        "audit__state", "cost_class", "status"
    ):
        by_state[state].add((cost_class, status))
    assert not by_state[S.NOT_STARTED] and not by_state[S.PLANNING]
    assert {
        status for _c, status in by_state[S.PRE_ASSESSMENT] | by_state[S.FOCUSED_ASSESSMENT]
    } == {OptionStatus.PROPOSED}
    for state in {S.FEASIBILITY, S.UNDER_ASSESSMENT} | AFTER_ASSESSMENT:
        assert OptionStatus.PROPOSED not in {status for _c, status in by_state[state]}, state
    for state in {S.UNDER_ASSESSMENT} | AFTER_ASSESSMENT:  # the assessment guard
        assert (CostClass.MID_HIGH, OptionStatus.RETAINED) not in by_state[state]
        assert (CostClass.NO_LOW, OptionStatus.RETAINED) not in by_state[state]
        assert (CostClass.NO_LOW, OptionStatus.IMPLEMENTING) not in by_state[state]
    for state in AFTER_IMPLEMENTATION:  # the implementation guard
        assert (CostClass.MID_HIGH, OptionStatus.FEASIBLE) not in by_state[state]
        assert (CostClass.MID_HIGH, OptionStatus.IMPLEMENTING) not in by_state[state]
    implemented = Option.objects.filter(audit__in=audits, status=OptionStatus.IMPLEMENTED)
    assert implemented.exists()
    assert not implemented.exclude(benefits__actual__isnull=False).exists()
    assert OptionBenefit.objects.filter(option__audit__in=audits, expected__isnull=False).exists()

    # The workflow's other guards (issue 12) and the audit trail.
    kinds = defaultdict(set)
    for audit_id, kind in Document.objects.filter(audit__in=audits).values_list("audit", "kind"):
        kinds[audit_id].add(kind)
    for audit in audits.exclude(state__in=[S.NOT_STARTED, S.CANCELLED]).prefetch_related(
        "targets", "team", "balances__flows", "options", "reviews"
    ):
        reached = PATH.index(audit.state)
        if audit.state not in (S.PLANNING, S.PRE_ASSESSMENT):
            assert audit.focus and audit.targets.all(), audit.pk
        if reached > PATH.index(S.PLANNING):
            assert {DocumentKind.WORK_PLAN, DocumentKind.LEADERSHIP_COMMITMENT} <= kinds[audit.pk]
            if audit.consultancy_id:
                assert len(audit.team.all()) >= 2, audit.pk
                assert audit.team_leader_id in {a.pk for a in audit.team.all()}, audit.pk
        if reached > PATH.index(S.PRE_ASSESSMENT):  # the status survey (issue 18)
            assert survey_unmet(audit) == [], audit.pk
        if reached > PATH.index(S.FOCUSED_ASSESSMENT):
            for balance in audit.balances.all():
                assert balance.closes or balance.closure_note, balance.pk
        if reached > PATH.index(S.IMPLEMENTATION):
            assert all(t.achieved is not None for t in audit.targets.all()), audit.pk
        if reached > PATH.index(S.SUSTAINING):
            assert {DocumentKind.MONITORING_REPORT, DocumentKind.SUSTAINING_PLAN} <= kinds[audit.pk]
        applied = {r.kind: r.applied_on for r in audit.reviews.all() if r.round == 1}
        assert audit.report_submitted_on == applied.get(ReviewKind.ASSESSMENT), audit.pk
        assert audit.acceptance_applied_on == applied.get(ReviewKind.ACCEPTANCE), audit.pk
        passed = [
            r.concluded_on
            for r in audit.reviews.all()
            if r.kind == ReviewKind.ASSESSMENT and r.result == ReviewResult.PASSED
        ]
        for option in audit.options.all():
            if option.status in (OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTED) and (
                option.cost_class == CostClass.MID_HIGH
            ):
                assert option.annual_net_benefit and option.discount_rate is not None
                assert 0 <= option.discount_rate < 1
            if option.status == OptionStatus.IMPLEMENTED:
                assert option.implemented_on, option.pk
                if option.cost_class == CostClass.MID_HIGH:  # after the assessment passed
                    assert passed and option.implemented_on >= passed[0], option.pk
        assert audit.started_on
    last_move = {}
    for audit_id, to_state in (
        TransitionLog.objects.filter(audit__in=audits)
        .order_by("at", "pk")
        .values_list("audit", "to_state")
    ):
        last_move[audit_id] = to_state
    for audit_id, state in audits.values_list("pk", "state"):
        assert last_move.get(audit_id, S.NOT_STARTED) == (
            S.NOT_STARTED if state == S.CANCELLED else state
        ), audit_id
    reported = set(
        Document.objects.filter(audit__in=audits, kind=DocumentKind.AUDIT_REPORT).values_list(
            "audit", flat=True
        )
    )
    assert (
        set(
            audits.filter(state__in={S.UNDER_ASSESSMENT} | AFTER_ASSESSMENT).values_list(
                "pk", flat=True
            )
        )
        <= reported
    )

    # Reviews consistent with the audits' states.
    rounds = defaultdict(list)
    for review in Review.objects.filter(audit__in=audits).select_related("audit", "sheet"):
        rounds[review.audit_id, review.kind].append(review)
    for audit in audits:
        assessment = sorted(rounds[audit.pk, ReviewKind.ASSESSMENT], key=lambda r: r.round)
        acceptance = sorted(rounds[audit.pk, ReviewKind.ACCEPTANCE], key=lambda r: r.round)
        assert [r.round for r in assessment] == list(range(1, len(assessment) + 1))
        assert [r.round for r in acceptance] == list(range(1, len(acceptance) + 1))
        opened = [r for r in assessment + acceptance if r.state != ReviewState.CONCLUDED]
        if audit.state == S.UNDER_ASSESSMENT:
            assert opened == [assessment[-1]]
        elif audit.state == S.UNDER_ACCEPTANCE:
            assert opened == [acceptance[-1]]
        else:
            assert not opened, audit.pk
        for review in assessment[:-1] + acceptance[:-1]:  # earlier rounds failed
            assert review.result == ReviewResult.FAILED
        if audit.state in AFTER_ASSESSMENT:
            assert ReviewResult.PASSED in {r.result for r in assessment}, audit.pk
            assert audit.acceptance_due
        else:
            assert ReviewResult.PASSED not in {r.result for r in assessment}, audit.pk
        if audit.state == S.COMPLETED:
            assert acceptance[-1].result == ReviewResult.PASSED and audit.next_round_due
        else:
            assert ReviewResult.PASSED not in {r.result for r in acceptance}, audit.pk
    reviews = Review.objects.filter(audit__in=audits)
    for kind in ReviewKind.values:  # some failed round 1 and passed round 2
        assert reviews.filter(kind=kind, round=2, result=ReviewResult.PASSED).exists(), kind
        assert reviews.filter(kind=kind, round=1, result=ReviewResult.FAILED).exists(), kind

    # Panels and scores: by the sheet, and the result by the sheet's rule.
    panels = defaultdict(set)
    for review_id, expert_id in PanelMember.objects.filter(review__in=reviews).values_list(
        "review", "expert"
    ):
        panels[review_id].add(expert_id)
    scores = defaultdict(list)
    for score in Score.objects.filter(review__in=reviews):
        scores[score.review_id].append(score)
    verified = set(Verification.objects.filter(review__in=reviews).values_list("review", "option"))
    for review in reviews.select_related("sheet"):
        if review.state == ReviewState.APPLIED:
            assert not panels[review.pk] and not scores[review.pk]
            continue
        assert len(panels[review.pk]) >= 3
        maxima = review.sheet.item_max()
        for score in scores[review.pk]:
            assert score.expert_id in panels[review.pk]
            assert set(score.items) == set(maxima)
            points = {code: Decimal(str(value)) for code, value in score.items.items()}
            assert all(0 <= points[code] <= maxima[code] for code in maxima)
            assert score.total == sum(points.values())
        if review.state != ReviewState.CONCLUDED:
            continue
        assert len(scores[review.pk]) == len(panels[review.pk])
        mean = sum(s.total for s in scores[review.pk]) / len(scores[review.pk])
        vetoed = any(s.vetoes for s in scores[review.pk])
        assert review.vetoed == vetoed
        assert review.score == mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        passed = mean >= review.sheet.pass_mark and not vetoed and not review.not_implemented
        assert review.result == (ReviewResult.PASSED if passed else ReviewResult.FAILED)
        assert review.concluded_on and review.concluded_by_id and review.opinion
        if review.kind == ReviewKind.ACCEPTANCE:
            due = Option.objects.filter(
                audit=review.audit_id, cost_class=CostClass.MID_HIGH, status__in=VERIFIABLE_OPTIONS
            )
            assert {(review.pk, pk) for pk in due.values_list("pk", flat=True)} <= verified


def others():
    """What the scale data must leave alone."""
    return (
        sorted(Enterprise.objects.values_list("credit_code", flat=True)),
        sorted(User.objects.values_list("username", flat=True)),
        sorted(Organization.objects.values_list("name", flat=True)),
        Auditor.objects.count(),
    )


@postgresql_only
def test_deterministic_refuses_twice_flushes_and_deletes(cast):
    # A real enterprise whose organisation code happens to start with 6, like scale ones.
    Enterprise.objects.create(
        name="真实企业",
        region_id="320102",
        industry_id="26",
        credit_code=make_credit_code(division="320100", serial=61_234_567),
    )
    before = others()
    small = {"enterprises": 100}
    seed(**small)
    first, counts = scale.fingerprint("320000")
    assert counts["audits"] and counts["options"] and counts["scores"]

    with pytest.raises(CommandError, match="already has scale data"):
        seed(**small)
    assert "nothing to do" in seed(if_missing=True, **small)
    assert scale.fingerprint("320000")[0] == first

    seed(flush=True, **small)  # same seed, fresh rows: the same data
    assert scale.fingerprint("320000") == (first, counts)
    seed(flush=True, **{**small, "seed": 8})
    assert scale.fingerprint("320000")[0] != first

    call_command("seed_scale", delete=True, stdout=StringIO())
    assert not scale.has_scale_data("320000")
    assert others() == before
    assert not KeyEnterpriseList.objects.filter(province_id="320000").exists()
    assert not Audit.objects.exists() and not Review.objects.exists()


@postgresql_only
def test_refuses_years_that_hold_lists_not_made_by_it():
    KeyEnterpriseList.objects.create(province_id="320000", year=2026, title="江苏省2026年名单")
    with pytest.raises(CommandError, match="not scale data"):
        seed()
    assert not scale.has_scale_data("320000")


KEPT_COLUMNS = {
    Audit: [
        "region_code",
        "city_code",
        "province_code",
        "disclosure_pending",
        "year",
        "industry_code",
        "registered_on",
        "filed",
    ],
    Review: ["region_code", "city_code", "province_code", "superseded"],
}


def kept_rows() -> dict:
    return {
        model: sorted(model.objects.values_list("pk", *columns))
        for model, columns in KEPT_COLUMNS.items()
    }


@postgresql_only
def test_the_load_runs_without_the_triggers_and_leaves_their_columns_and_them_in_place():
    """The rows are written with the triggers off and every kept column filled once at
    the end: the columns hold what the triggers' own fill gives, and the triggers are
    back (a registration written after the load moves its audit's registration day)."""
    seed()
    loaded = kept_rows()
    assert any(filed for *_, filed in loaded[Audit]) and any(
        superseded for *_, superseded in loaded[Review]
    )
    for trigger_set in seeder.KEPT_BY_DATABASE:
        trigger_set.fill(connection)
    assert kept_rows() == loaded

    audit = (
        Audit.objects.filter(enterprise__in=scale.scale_enterprises("320000"))
        .filter(registered_on__isnull=True)
        .exclude(state__in=[S.NOT_STARTED, S.CANCELLED])
        .first()
    )
    assert audit is not None
    Registration.objects.create(
        audit=audit,
        contact_name="王立",
        contact_phone="025-8000 0000",
        registered_by=User.objects.filter(enterprise=audit.enterprise).first(),
        registered_on=datetime.date(2026, 10, 9),
    )
    audit.refresh_from_db()
    assert audit.registered_on == datetime.date(2026, 10, 9)
