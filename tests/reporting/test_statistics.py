"""Statistics (issue 6, item 3; domain.md §5, §6): `reporting.statistics.summary` and
`consultancy_records`, `GET /api/v1/statistics/summary/` and the authority's page.

The figures are checked against a plain Python recount over a small seed that holds every
audit state and every review result, in two Jiangsu cities and several industries, with
options of both cost classes and their benefits, plus Zhejiang's audit that no Jiangsu
figure may include. The seed's lists are made and published through the services (which
open the audits and cancel the removed entry's); states, rounds and options are then set
directly, walking 15 audits through the workflow would only slow the test down.
"""

import datetime
import itertools
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.http import Http404
from django.utils import timezone, translation

from accounts.models import Auditor
from assessments.models import Review, ScoringSheet, Verification, VerifiedBenefit
from audits import publishing, totals
from audits.choices import AuditState, CostClass, Indicator, OptionStatus
from audits.models import Audit, Option, OptionBenefit
from core.numbers import format_indicator, format_money
from enterprises import services as lists
from enterprises.models import EmissionDisclosure, Industry, KeyEnterpriseList, ListEntry, Region
from reporting.statistics import COLUMN_LABELS, ROW_COLUMNS, consultancy_records, summary
from tests.support.audits import zhejiang_audit
from tests.support.cast import ROLES, enterprise
from tests.support.lists import published_list
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db

LOGIN = 302
URL = "/api/v1/statistics/summary/"
PAGE = "/statistics/"
SERIALS = itertools.count(500)
TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=30)
LATER = TODAY + datetime.timedelta(days=30)
SUMMARY_KEYS = {
    "listed",
    "by_state",
    "overdue",
    "assessments",
    "acceptances",
    "options",
    "benefits",
    "by_city",
    "by_industry",
}
ROW_KEYS = {
    "code",
    "name",
    "listed",
    "started",
    "overdue",
    "submitted",
    "assessed_passed",
    "assessed_failed",
    "accepted_passed",
    "accepted_failed",
    "no_low_count",
    "no_low_implemented",
    "no_low_investment",
    "mid_high_count",
    "mid_high_implemented",
    "mid_high_investment",
}

# --- the seed ---------------------------------------------------------------------------

# The 2025 audits: (district, industry, state, firm, deadlines past?, reviews). Reviews are
# (kind, round, result or None for an open round, score). Nanjing is 3201, Suzhou 3205.
S = AuditState
AUDITS_2025 = [
    ("320115", "22", S.NOT_STARTED, None, True, []),
    ("320102", "26", S.NOT_STARTED, None, False, []),
    ("320509", "22", S.PLANNING, "firm", True, []),
    ("320505", "26", S.PRE_ASSESSMENT, "firm", False, []),
    ("320115", "26", S.FOCUSED_ASSESSMENT, "other_firm", True, []),
    ("320509", "22", S.OPTION_GENERATION, "firm", False, []),
    ("320102", "22", S.FEASIBILITY, "firm", True, []),
    # Failed its assessment: back in feasibility, its report submitted all the same.
    ("320505", "26", S.FEASIBILITY, "other_firm", False, [("assessment", 1, "failed", "61.50")]),
    ("320115", "22", S.UNDER_ASSESSMENT, "firm", True, [("assessment", 1, None, None)]),
    (
        "320509",
        "26",
        S.IMPLEMENTATION,
        "firm",
        True,
        [("assessment", 1, "failed", "55.00"), ("assessment", 2, "passed", "82.00")],
    ),
    (
        "320102",
        "26",
        S.IMPLEMENTATION,
        None,
        False,
        [("assessment", 1, "passed", "75.00"), ("acceptance", 1, "failed", "60.00")],
    ),
    ("320505", "22", S.SUSTAINING, "other_firm", True, [("assessment", 1, "passed", "85.00")]),
    (
        "320115",
        "26",
        S.UNDER_ACCEPTANCE,
        "firm",
        False,
        [("assessment", 1, "passed", "78.00"), ("acceptance", 1, None, None)],
    ),
    (
        "320509",
        "22",
        S.COMPLETED,
        "other_firm",
        True,
        [
            ("assessment", 1, "passed", "90.00"),
            ("acceptance", 1, "failed", "65.00"),
            ("acceptance", 2, "passed", "88.00"),
        ],
    ),
]
# Options by the audit's progress: (code, cost class, investment, status, benefits as
# (indicator, expected, actual)). Each audit from focused assessment on takes a prefix.
OPTION_PLAN = [
    (
        "N1",
        CostClass.NO_LOW,
        "20000.00",
        OptionStatus.IMPLEMENTED,
        [("water_t", "1000", "900"), ("cod_t", "1.5", "1.25")],
    ),
    (
        "N2",
        CostClass.NO_LOW,
        "5000.50",
        OptionStatus.PROPOSED,
        [("electricity_kwh", "20000", None)],
    ),
    ("N3", CostClass.NO_LOW, "3000.00", OptionStatus.SCREENED_OUT, [("water_t", "500", None)]),
    ("M1", CostClass.MID_HIGH, "2000000.00", OptionStatus.FEASIBLE, [("energy_tce", "300", None)]),
    (
        "M2",
        CostClass.MID_HIGH,
        "1500000.00",
        OptionStatus.IMPLEMENTED,
        [("so2_t", "12.5", "11.25"), ("economic_yuan", "800000", "650000")],
    ),
    ("M3", CostClass.MID_HIGH, "900000.00", OptionStatus.INFEASIBLE, [("nox_t", "4", None)]),
    ("M4", CostClass.MID_HIGH, "100000.00", OptionStatus.ABANDONED, [("water_t", "70", "5")]),
    ("N4", CostClass.NO_LOW, "800.00", OptionStatus.IMPLEMENTING, [("water_t", "40", None)]),
]
PROGRESS = [
    S.FOCUSED_ASSESSMENT,
    S.OPTION_GENERATION,
    S.FEASIBILITY,
    S.UNDER_ASSESSMENT,
    S.IMPLEMENTATION,
    S.SUSTAINING,
    S.UNDER_ACCEPTANCE,
    S.COMPLETED,
]


# The annual net benefit of some options (yuan): N1 and M1 give no economic figure, so
# theirs stands for it; M2 gives one, which wins.
NET_BENEFITS = {"N1": "30000", "M1": "400000", "M2": "999999"}


def add_options(audit, count: int, scale: int = 1) -> None:
    for code, cost_class, investment, status, benefits in OPTION_PLAN[:count]:
        option = Option.objects.create(
            audit=audit,
            code=code,
            title=f"Option {code}",
            aspect="management",
            cost_class=cost_class,
            investment=Decimal(investment) * scale,
            status=status,
            annual_net_benefit=Decimal(NET_BENEFITS[code]) if code in NET_BENEFITS else None,
        )
        OptionBenefit.objects.bulk_create(
            [
                OptionBenefit(
                    option=option,
                    indicator=indicator,
                    expected=Decimal(expected),
                    actual=None if actual is None else Decimal(actual),
                )
                for indicator, expected, actual in benefits
            ]
        )
    # Written past the services: the statistics' per-audit totals are refreshed here as
    # option_save would (the recounts below read the options themselves).
    totals.refresh([audit.pk])


def add_rounds(audit, rounds) -> None:
    for kind, number, result, score in rounds:
        Review.objects.create(
            audit=audit,
            kind=kind,
            round=number,
            sheet=ScoringSheet.objects.current(kind, audit.enterprise.region_id[:2] + "0000"),
            state="concluded"
            if result
            else ("applied" if kind == "assessment" else "panel_formed"),
            result=result,
            score=Decimal(score) if score else None,
            applied_on=PAST,
            due_on=LATER,
            concluded_on=TODAY if result else None,
        )


def verify(cast, rows) -> None:
    """The acceptance panels' verifications: (district, state, round, option code,
    implemented, {indicator: verified value}); the totals refreshed as the service does."""
    for district, state, number, code, implemented, values in rows:
        audit = Audit.objects.get(enterprise__region_id=district, state=state)
        verification = Verification.objects.create(
            review=audit.reviews.get(kind="acceptance", round=number),
            option=audit.options.get(code=code),
            implemented=implemented,
            verified_by=cast.user("expert"),
        )
        VerifiedBenefit.objects.bulk_create(
            [
                VerifiedBenefit(verification=verification, indicator=i, value=Decimal(v))
                for i, v in values.items()
            ]
        )
        totals.refresh([audit.pk])


def set_audit(audit, *, state, firm, past: bool) -> Audit:
    due = PAST if past else LATER
    Audit.objects.filter(pk=audit.pk).update(
        state=state,
        consultancy=firm,
        start_due=due,
        report_due=due,
        acceptance_due=due if state in (S.IMPLEMENTATION, S.SUSTAINING) else None,
    )
    return Audit.objects.get(pk=audit.pk)


def seed(cast):
    """Jiangsu: a 2025 list (14 audits, every state but cancelled), a 2026 list (the
    Nanjing enterprise's audit, and the Suzhou one's cancelled by removing its entry),
    a 2027 draft; Zhejiang: one audit on its 2025 list, with options and a round."""
    officer = cast.user("province_officer")
    jiangsu = Region.objects.get(code="320000")
    key_list = lists.key_list_create(actor=officer, province=jiangsu, year=2025)
    plan = []
    for index, (district, industry, state, firm, past, rounds) in enumerate(AUDITS_2025):
        company = enterprise(f"Enterprise {index}", district, industry, next(SERIALS))
        lists.entry_save(
            actor=officer,
            key_list=key_list,
            enterprise=company,
            categories=["exceeds_standards"],
            reason="Over the quota",
        )
        plan.append((company, state, firm, past, rounds))
    publishing.key_list_publish(
        actor=officer, key_list=key_list, published_on=datetime.date(2025, 3, 1)
    )
    for company, state, firm, past, rounds in plan:
        audit = set_audit(
            Audit.objects.get(enterprise=company),
            state=state,
            firm=getattr(cast, firm) if firm else None,
            past=past,
        )
        add_rounds(audit, rounds)
        if state in PROGRESS:
            add_options(audit, 3 + PROGRESS.index(state), scale=1 + audit.pk % 3)

    verify(
        cast,
        [
            # The self-audit whose acceptance failed: its M2 was not implemented after all.
            ("320102", S.IMPLEMENTATION, 1, "M2", False, {}),
            # The completed one: round 1 found less SO2 saved than claimed, round 2 more.
            ("320509", S.COMPLETED, 1, "M2", True, {"so2_t": "9"}),
            ("320509", S.COMPLETED, 2, "M2", True, {"so2_t": "10.5", "nox_t": "2"}),
        ],
    )
    # Two enterprises disclosed their emissions; the others' disclosure is overdue.
    for district, state in (("320509", S.PLANNING), ("320505", S.SUSTAINING)):
        audit = Audit.objects.get(enterprise__region_id=district, state=state)
        EmissionDisclosure.objects.create(
            entry=audit.list_entry,
            legal_representative="Wang Fang",
            address="1 Test Road",
            document="disclosures/test.pdf",
            document_sha256="0" * 64,
            document_content_type="application/pdf",
            submitted_by=officer,
        )

    later = published_list(cast, year=2026, published_on=datetime.date(2026, 3, 1))
    removed = later.entries.get(enterprise=cast.suzhou_enterprise)
    publishing.amendment_remove(actor=officer, entry=removed, reason="Closed down")
    draft = lists.key_list_create(actor=officer, province=jiangsu, year=2027)
    lists.entry_save(
        actor=officer,
        key_list=draft,
        enterprise=cast.enterprise,
        categories=["toxic_hazardous"],
        reason="Uses chlorine",
    )

    theirs = zhejiang_audit(cast, year=2025)
    theirs = set_audit(theirs, state=S.IMPLEMENTATION, firm=cast.other_firm, past=True)
    add_rounds(theirs, [("assessment", 1, "passed", "99.00")])
    add_options(theirs, len(OPTION_PLAN), scale=7)


@pytest.fixture
def seeded(cast):
    seed(cast)
    return cast


# --- the recount: the definitions of reporting/statistics.py, in plain Python ---------

STARTED = set(AuditState.values) - {S.NOT_STARTED, S.CANCELLED}
SUBMITTED = {S.UNDER_ASSESSMENT, S.IMPLEMENTATION, S.SUSTAINING, S.UNDER_ACCEPTANCE, S.COMPLETED}
NO_BENEFIT = {OptionStatus.SCREENED_OUT, OptionStatus.INFEASIBLE, OptionStatus.ABANDONED}


def review_figures(reviews, kind) -> dict:
    """Audits by the result of their latest concluded round; the rounds themselves."""
    rounds = [review for review in reviews if review.kind == kind]
    concluded = sorted((r for r in rounds if r.state == "concluded"), key=lambda r: r.round)
    latest = {r.audit_id: r.result for r in concluded}  # the last round wins
    pending = sum(1 for r in rounds if r.state in ("applied", "panel_formed"))
    return {
        "passed": sum(1 for result in latest.values() if result == "passed"),
        "failed": sum(1 for result in latest.values() if result == "failed"),
        "pending": pending,
        "rounds": {
            "passed": sum(1 for r in concluded if r.result == "passed"),
            "failed": sum(1 for r in concluded if r.result == "failed"),
            "pending": pending,
        },
    }


def latest_verdicts() -> dict:
    """Per option: (implemented, {indicator: value}) of its latest verification."""
    verdicts = {}
    for verification in Verification.objects.select_related("review").order_by(
        "review__round", "pk"
    ):
        verdicts[verification.option_id] = (
            verification.implemented,
            {b.indicator: b.value for b in verification.benefits.all()},
        )
    return verdicts


def counts_as_implemented(option, verdicts) -> bool:
    return option.status == OptionStatus.IMPLEMENTED and verdicts.get(option.pk, (True,))[0]


def option_figures(options) -> dict:
    verdicts = latest_verdicts()
    figures = {}
    for cost_class in CostClass.values:
        mine = [option for option in options if option.cost_class == cost_class]
        done = [option for option in mine if counts_as_implemented(option, verdicts)]
        figures[cost_class] = {
            "count": len(mine),
            "implemented": len(done),
            "investment": sum((o.investment for o in done), Decimal("0.00")),
        }
    return figures


def row_figures(entries, audits, reviews, options, today) -> dict:
    return {
        "listed": len(entries),
        "started": sum(1 for audit in audits if audit.state in STARTED),
        "overdue": sum(1 for audit in audits if audit.overdue_kinds(today)),
        "submitted": sum(
            1
            for audit in audits
            if audit.state in SUBMITTED
            or any(r.audit_id == audit.pk and r.kind == "assessment" for r in reviews)
        ),
        "assessments": review_figures(reviews, "assessment"),
        "acceptances": review_figures(reviews, "acceptance"),
        "options": option_figures(options),
    }


def flat(figures: dict) -> dict:
    """A breakdown row's columns."""
    return {
        "listed": figures["listed"],
        "started": figures["started"],
        "overdue": figures["overdue"],
        "submitted": figures["submitted"],
        "assessed_passed": figures["assessments"]["passed"],
        "assessed_failed": figures["assessments"]["failed"],
        "accepted_passed": figures["acceptances"]["passed"],
        "accepted_failed": figures["acceptances"]["failed"],
        **{
            f"{cost_class}_{key}": value
            for cost_class in CostClass.values
            for key, value in figures["options"][cost_class].items()
        },
    }


def recount(*, prefix: str, year=None, today=TODAY) -> dict:
    def of_year(entry):
        return year is None or (entry is not None and entry.key_list.year == year)

    entries = [
        entry
        for entry in ListEntry.objects.select_related("enterprise", "key_list")
        if entry.status == "active"
        and entry.key_list.status == "published"
        and entry.enterprise.region_id.startswith(prefix)
        and of_year(entry)
    ]
    audits = [
        audit
        for audit in Audit.objects.select_related(
            "enterprise", "list_entry__key_list", "list_entry__disclosure"
        )
        if audit.enterprise.region_id.startswith(prefix) and of_year(audit.list_entry)
    ]
    enterprise_of = {audit.pk: audit.enterprise for audit in audits}
    reviews = [review for review in Review.objects.all() if review.audit_id in enterprise_of]
    options = [option for option in Option.objects.all() if option.audit_id in enterprise_of]
    verdicts = latest_verdicts()
    zero = Decimal("0.0000")
    benefits = {i: {"expected": zero, "actual": zero, "verified": zero} for i in Indicator.values}
    for option in options:
        if option.status in NO_BENEFIT:
            continue
        claims = {b.indicator: (b.expected, b.actual) for b in option.benefits.all()}
        if "economic_yuan" not in claims and option.annual_net_benefit is not None:
            done = option.status == OptionStatus.IMPLEMENTED
            claims["economic_yuan"] = (option.annual_net_benefit, option.annual_net_benefit * done)
        implemented, verified = verdicts.get(option.pk, (None, {}))
        for indicator in claims.keys() | verified.keys():
            expected, actual = claims.get(indicator, (None, None))
            figures = benefits[indicator]
            figures["expected"] += expected or 0
            figures["actual"] += actual or 0
            if implemented is None:  # not verified: as claimed
                figures["verified"] += actual or 0
            elif implemented:  # the panel's figure, else the claim
                figures["verified"] += verified.get(indicator, actual) or 0

    def breakdown(key, name):
        codes = sorted(
            {key(entry.enterprise) for entry in entries}
            | {key(audit.enterprise) for audit in audits}
        )
        return [
            {
                "code": code,
                "name": name(code),
                **flat(
                    row_figures(
                        [e for e in entries if key(e.enterprise) == code],
                        [a for a in audits if key(a.enterprise) == code],
                        [r for r in reviews if key(enterprise_of[r.audit_id]) == code],
                        [o for o in options if key(enterprise_of[o.audit_id]) == code],
                        today,
                    )
                ),
            }
            for code in codes
        ]

    total = row_figures(entries, audits, reviews, options, today)
    return {
        "listed": total["listed"],
        "by_state": {
            state: sum(1 for a in audits if a.state == state) for state in AuditState.values
        },
        "overdue": {
            kind: sum(1 for a in audits if kind in a.overdue_kinds(today))
            for kind in ("start", "disclosure", "report", "acceptance")
        },
        "assessments": total["assessments"],
        "acceptances": total["acceptances"],
        "options": total["options"],
        "benefits": benefits,
        "by_city": breakdown(
            lambda e: e.region_id[:4] + "00", lambda code: Region.objects.get(code=code).name
        ),
        "by_industry": breakdown(
            lambda e: e.industry_id, lambda code: Industry.objects.get(code=code).name
        ),
    }


def assert_same(result: dict, expected: dict) -> None:
    """Field by field, so that a failure names the figure."""
    assert set(result) == SUMMARY_KEYS
    for key in SUMMARY_KEYS - {"by_city", "by_industry"}:
        assert result[key] == expected[key], key
    for key in ("by_city", "by_industry"):
        assert [row["code"] for row in result[key]] == [row["code"] for row in expected[key]]
        for row, wanted in zip(result[key], expected[key], strict=True):
            assert set(row) == ROW_KEYS
            for field in ROW_KEYS:
                assert row[field] == wanted[field], (key, row["code"], field)


# --- (a) the figures agree with the recount ---------------------------------------------


def test_seed_has_every_state_and_result(seeded):
    """The seed is worth recounting: every state, result, cost class; two cities."""
    jiangsu = Audit.objects.filter(enterprise__region__code__startswith="32")
    assert set(jiangsu.values_list("state", flat=True)) == set(AuditState.values)
    rounds = Review.objects.filter(audit__in=jiangsu)
    for kind in ("assessment", "acceptance"):
        assert set(rounds.filter(kind=kind).values_list("result", flat=True)) == {
            "passed",
            "failed",
            None,
        }
    assert set(
        Option.objects.filter(audit__in=jiangsu).values_list("cost_class", flat=True)
    ) == set(CostClass.values)
    data = summary(user=seeded.user("province_officer"), today=TODAY)
    assert [row["code"] for row in data["by_city"]] == ["320100", "320500"]
    assert [row["code"] for row in data["by_industry"]] == ["17", "22", "26"]
    assert all(data["overdue"].values())
    assert data["benefits"]["water_t"]["actual"] > 0


@pytest.mark.parametrize(
    "role,region,year,prefix",
    [
        ("admin", None, None, ""),
        ("admin", None, 2025, ""),
        ("admin", "320000", None, "32"),
        ("admin", "330000", 2025, "33"),
        ("province_officer", None, None, "32"),
        ("province_officer", None, 2026, "32"),
        ("province_officer", "320500", None, "3205"),
        ("province_officer", "320115", 2025, "320115"),
        ("city_officer", None, None, "3201"),
        ("city_officer", None, 2025, "3201"),
        ("other_province_officer", None, None, "33"),
    ],
)
def test_summary_agrees_with_a_python_recount(seeded, role, region, year, prefix):
    result = summary(user=seeded.user(role), region=region, year=year, today=TODAY)
    assert_same(result, recount(prefix=prefix, year=year))


def test_summary_figures_by_hand(seeded):
    """A few figures worked out from the seed by hand, so that the recount itself is
    checked too."""
    data = summary(user=seeded.user("province_officer"), today=TODAY)
    # 14 entries in 2025, 2 in 2026 of which one removed; the 2027 draft lists nobody.
    assert data["listed"] == 15
    assert data["by_state"][S.CANCELLED] == 1
    assert data["by_state"][S.NOT_STARTED] == 3
    assert data["by_state"][S.FEASIBILITY] == 2
    # Audits by their latest round: the one that failed and then passed counts as passed.
    assert data["assessments"] == {
        "passed": 5,
        "failed": 1,
        "pending": 1,
        "rounds": {"passed": 5, "failed": 2, "pending": 1},
    }
    assert data["acceptances"] == {
        "passed": 1,
        "failed": 1,
        "pending": 1,
        "rounds": {"passed": 1, "failed": 2, "pending": 1},
    }
    # 14 of the 2025 audits were due to disclose by 2025-04-01; two did. The 2026 one is
    # overdue as well (due 2026-04-01); the cancelled one owes nothing.
    assert data["overdue"]["disclosure"] == 13
    # The self-audit's M2 (1.5 m yuan × 3) was found not implemented: not counted.
    # Verified SO2: the completed audit's M2 at its round 2 (10.5), the others as claimed.
    assert data["benefits"]["so2_t"]["verified"] < data["benefits"]["so2_t"]["actual"]
    assert data["benefits"]["nox_t"]["verified"] == Decimal("2")
    nanjing, suzhou = data["by_city"]
    assert (nanjing["name"], suzhou["name"]) == ("Nanjing", "Suzhou")
    # Submitted: under assessment and beyond (6), and the feasibility audit that failed.
    assert nanjing["submitted"] + suzhou["submitted"] == 7


def test_every_breakdown_column_has_a_heading(seeded):
    """The spreadsheet and the page head each column with COLUMN_LABELS."""
    row = summary(user=seeded.user("province_officer"))["by_city"][0]
    assert list(row) == ["code", "name", *ROW_COLUMNS]
    assert set(COLUMN_LABELS) == ROW_KEYS - {"code", "name"}
    with translation.override("en"):
        assert all(str(label) for label in COLUMN_LABELS.values())


def test_summary_names_in_the_readers_language(seeded):
    with translation.override("zh-hans"):
        data = summary(user=seeded.user("city_officer"))
    assert [(row["code"], row["name"]) for row in data["by_city"]] == [("320100", "南京市")]
    assert {row["name"] for row in data["by_industry"]} >= {"造纸和纸制品业"}


def test_consultancy_records(seeded):
    """Per firm: audits; assessment round 1 passed of round 1 concluded; mean scores of
    the concluded rounds. Self-audits come last."""
    records = consultancy_records(user=seeded.user("province_officer"))
    by_name = {record["name"]: record for record in records}
    firm = by_name["Green Source Consulting"]
    # firm: planning, pre-assessment, option generation, feasibility, under assessment,
    # implementation (r1 failed 55, r2 passed 82), under acceptance (r1 passed 78).
    assert firm["audits"] == 7
    assert (firm["first_round_concluded"], firm["first_round_passed"]) == (2, 1)
    assert firm["first_time_pass_pct"] == Decimal("50.0")
    assert firm["assessment_mean_score"] == Decimal("71.67")
    assert firm["acceptance_mean_score"] is None
    other = by_name["West Lake Consulting"]
    # focused (no round), feasibility (r1 failed 61.5), sustaining (85), completed (90;
    # acceptance 65 then 88). Zhejiang's audit is not Jiangsu's.
    assert other["audits"] == 4
    assert other["first_time_pass_pct"] == Decimal("66.7")
    assert other["assessment_mean_score"] == Decimal("78.83")
    assert other["acceptance_mean_score"] == Decimal("76.50")
    assert records[-1]["id"] is None
    assert records[-1]["audits"] == 5  # 2 not started, 1 implementation; 2026: 2
    assert records[-1]["first_time_pass_pct"] == Decimal("100.0")


def test_consultancy_records_of_a_firm_without_rounds(seeded):
    records = consultancy_records(user=seeded.user("province_officer"), region="320505")
    by_name = {record["name"]: record for record in records}
    # Suzhou Huqiu: pre-assessment (firm), feasibility failed and sustaining (other firm).
    assert by_name["Green Source Consulting"]["first_time_pass_pct"] is None
    assert by_name["Green Source Consulting"]["assessment_mean_score"] is None
    assert by_name["West Lake Consulting"]["first_time_pass_pct"] == Decimal("50.0")


# --- (b) year and region scoping ----------------------------------------------------------


def test_year_filter(seeded):
    officer = seeded.user("province_officer")
    assert summary(user=officer, year=2026)["listed"] == 1
    assert summary(user=officer, year=2026)["by_state"][S.CANCELLED] == 1
    assert summary(user=officer, year=2025)["listed"] == 14
    # The 2027 list is a draft: nothing is listed yet, no audit is open.
    draft_year = summary(user=officer, year=2027)
    assert draft_year["listed"] == 0
    assert not any(draft_year["by_state"].values())
    assert draft_year["by_city"] == draft_year["by_industry"] == []


def test_other_province_officer_gets_nothing_of_jiangsu(seeded):
    officer = seeded.user("other_province_officer")
    data = summary(user=officer)
    assert data["listed"] == 1
    assert [row["code"] for row in data["by_city"]] == ["330100"]
    assert [row["code"] for row in data["by_industry"]] == ["26"]
    assert sum(data["by_state"].values()) == 1
    assert data["assessments"] == {
        "passed": 1,
        "failed": 0,
        "pending": 0,
        "rounds": {"passed": 1, "failed": 0, "pending": 0},
    }
    for region in ("320000", "320100", "320115"):
        with pytest.raises(Http404):
            summary(user=officer, region=region)
    assert [r["name"] for r in consultancy_records(user=officer)] == ["West Lake Consulting"]
    response = api_client(officer).get(URL, {"region": "320000"})
    assert response.status_code == 404


def test_city_officer_gets_its_city_only(seeded):
    officer = seeded.user("city_officer")
    data = summary(user=officer)
    assert [row["code"] for row in data["by_city"]] == ["320100"]
    assert data == summary(user=officer, region="320100")
    for region in ("320000", "320500", "320509"):
        with pytest.raises(Http404):
            summary(user=officer, region=region)
    # A district of its city is in scope.
    assert summary(user=officer, region="320115")["listed"] == 5


def test_unknown_region_is_404_like_one_out_of_scope(seeded):
    with pytest.raises(Http404):
        summary(user=seeded.user("admin"), region="329999")


def test_other_roles_have_no_statistics(seeded):
    from django.core.exceptions import PermissionDenied

    for role in ("consultant", "enterprise_user", "expert"):
        with pytest.raises(PermissionDenied):
            summary(user=seeded.user(role))


# --- the API ------------------------------------------------------------------------------


def as_json(value):
    """The summary as the API writes it: decimals as strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def test_api_answers_the_summary(seeded):
    officer = seeded.user("province_officer")
    response = api_client(officer).get(URL, {"year": 2025, "region": "320100"})
    assert response.status_code == 200
    body = response.json()
    # Beside the performance table, the signals and CP levels (issue 18,
    # tests/reporting/test_signal_statistics.py).
    assert set(body) == SUMMARY_KEYS | {"signals", "cp_grades"}
    del body["signals"], body["cp_grades"]
    assert body == as_json(summary(user=officer, year=2025, region="320100"))
    assert set(body["options"]) == {"no_low", "mid_high"}
    assert set(body["options"]["no_low"]) == {"count", "implemented", "investment"}
    assert isinstance(body["options"]["mid_high"]["investment"], str)
    assert Decimal(body["options"]["mid_high"]["investment"]) > 0
    # Benefits to four places, investment to the fen, as decimal strings.
    assert re.fullmatch(r"\d+\.\d{4}", body["benefits"]["so2_t"]["actual"])
    assert re.fullmatch(r"\d+\.\d{2}", body["options"]["no_low"]["investment"])
    assert set(body["by_state"]) == set(AuditState.values)


@pytest.mark.parametrize(
    "params,field",
    [
        ({"region": "32"}, "region"),
        ({"region": "jiangsu"}, "region"),
        ({"year": "1999"}, "year"),
        ({"year": "twenty"}, "year"),
    ],
)
def test_api_rejects_bad_parameters(cast, params, field):
    response = api_client(cast.user("province_officer")).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_api_blank_parameters_mean_everything(cast):
    response = api_client(cast.user("province_officer")).get(URL, {"region": "", "year": ""})
    assert response.status_code == 200


# --- (c) roles ----------------------------------------------------------------------------

NOT_FOR_THEM = {
    "consultant": 403,
    "other_consultant": 403,
    "enterprise_user": 403,
    "other_enterprise_user": 403,
    "expert": 403,
}


def statistics_matrix(anonymous: int) -> dict:
    everyone = {
        "admin": 200,
        "province_officer": 200,
        "other_province_officer": 200,
        "city_officer": 200,
        **NOT_FOR_THEM,
        "anonymous": anonymous,
    }
    return {
        # Without a region: each authority its own jurisdiction.
        "summary": everyone,
        "year": everyone,
        # Jiangsu: its province officer; a city officer's scope is narrower.
        "jiangsu": everyone | {"other_province_officer": 404, "city_officer": 404},
        "nanjing": everyone | {"other_province_officer": 404},
        "suzhou": everyone | {"other_province_officer": 404, "city_officer": 404},
        "zhejiang": everyone | {"province_officer": 404, "city_officer": 404},
    }


QUERIES = {
    "summary": {},
    "year": {"year": 2026},
    "jiangsu": {"region": "320000"},
    "nanjing": {"region": "320100"},
    "suzhou": {"region": "320509"},
    "zhejiang": {"region": "330000"},
}


class TestStatisticsApiRoles(RoleMatrix):
    matrix = statistics_matrix(anonymous=401)

    def request(self, action, client, cast):
        return client.get(URL, QUERIES[action])


class TestStatisticsPageRoles(RoleMatrix):
    api = False
    matrix = statistics_matrix(anonymous=LOGIN)

    def request(self, action, client, cast):
        return client.get(PAGE, QUERIES[action])


def test_every_role_is_in_the_matrix():
    for row in statistics_matrix(401).values():
        assert set(row) == set(ROLES)


# --- (d) queries --------------------------------------------------------------------------


def test_summary_queries_do_not_grow_with_the_audits(cast):
    officer = cast.user("province_officer")
    key_list = KeyEnterpriseList.objects.create(
        year=2024,
        province_id="320000",
        title="2024",
        status="published",
        published_on=datetime.date(2024, 3, 1),
    )
    districts = itertools.cycle(["320115", "320509", "320205", "320412", "320583"])
    industries = itertools.cycle(["22", "26", "17", "31"])
    states = itertools.cycle(PROGRESS + [S.NOT_STARTED])

    def grow(count):
        for _number in range(count):
            company = enterprise(
                f"Grown {next(SERIALS)}", next(districts), next(industries), next(SERIALS)
            )
            entry = ListEntry.objects.create(
                key_list=key_list, enterprise=company, exceeds_standards=True
            )
            audit = Audit.objects.create(
                enterprise=company,
                list_entry=entry,
                state=next(states),
                consultancy=cast.firm,
                start_due=PAST,
                report_due=PAST,
            )
            add_rounds(audit, [("assessment", 1, "passed", "80.00")])
            add_options(audit, len(OPTION_PLAN))

    queries = assert_constant_queries(lambda: summary(user=officer), grow, few=2, many=12)
    # One aggregate query each: listed, audits, rounds, options, benefits; then the
    # names of the cities and of the industries.
    assert queries == 7
    assert count_queries(lambda: summary(user=officer, region="320100", year=2024)) == 8
    assert count_queries(lambda: consultancy_records(user=officer)) == 1


# --- (e) the page -------------------------------------------------------------------------


class Tables(HTMLParser):
    """The rows of each table with a data-testid: cell texts, header cells included."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None
        self.section = None
        self.canvases, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-testid" in attrs:
            self.current = self.tables.setdefault(attrs["data-testid"], [])
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr" and self.current is not None and self.section != "thead":
            self.row = []
            self.current.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "canvas":
            self.canvases.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = self.row = None
        elif tag == "tr":
            self.row = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parse(response) -> Tables:
    assert response.status_code == 200
    tables = Tables()
    tables.feed(response.content.decode())
    return tables


def test_page_shows_every_chart_with_its_table(seeded, client):
    officer = seeded.user("province_officer")
    client.force_login(officer)
    page = parse(client.get(PAGE))
    data = summary(user=officer)
    chart_ids = {canvas["id"] for canvas in page.canvases}
    assert chart_ids == {
        "chart-pipeline",
        "chart-overdue",
        "chart-reviews",
        "chart-options",
        "chart-benefits",
        "chart-consultancies",
    }
    assert all(canvas.get("role") == "img" and canvas.get("aria-label") for canvas in page.canvases)
    sources = [script.get("src", "") for script in page.scripts]
    assert any(src.endswith("vendor/chartjs/chart.umd.min.js") for src in sources)
    assert any(src.endswith("js/statistics.js") for src in sources)
    # No inline script: the figures travel as JSON.
    assert all(
        script.get("src") or script.get("type") == "application/json" for script in page.scripts
    )

    pipeline = dict(row for row in page.tables["table-pipeline"][:-1])
    assert pipeline == {
        str(AuditState(state).label): str(n) for state, n in data["by_state"].items()
    }
    assert page.tables["table-overdue"] == [
        [row["name"], str(row["listed"]), str(row["started"]), str(row["overdue"])]
        for row in data["by_city"]
    ]
    assert page.tables["table-overdue-kinds"][0][1] == str(data["overdue"]["start"])
    assert page.tables["table-reviews"] == [
        ["Assessment", *[str(data["assessments"][k]) for k in ("passed", "failed", "pending")]],
        ["Acceptance", *[str(data["acceptances"][k]) for k in ("passed", "failed", "pending")]],
    ]
    assert page.tables["table-options"][1] == [
        "Mid/high-cost",
        str(data["options"]["mid_high"]["count"]),
        str(data["options"]["mid_high"]["implemented"]),
        # In yuan (the English UI's default unit), comma-grouped, whole yuan.
        format_money(data["options"]["mid_high"]["investment"], "yuan"),
    ]
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", page.tables["table-options"][1][3])
    water = next(row for row in page.tables["table-benefits"] if row[0] == "Water (t/a)")
    assert water[1:3] == [
        format_indicator(data["benefits"]["water_t"]["expected"], "water_t"),
        format_indicator(data["benefits"]["water_t"]["actual"], "water_t"),
    ]
    firms = {row[0]: row for row in page.tables["table-consultancies"]}
    assert firms["Green Source Consulting"][1:4] == ["7", "2", "50.0"]
    by_city = page.tables["table-by-city"]
    assert [row[:6] for row in by_city] == [
        [
            row["code"],
            row["name"],
            str(row["listed"]),
            str(row["started"]),
            str(row["overdue"]),
            str(row["submitted"]),
        ]
        for row in data["by_city"]
    ]
    assert [row[0] for row in page.tables["table-by-industry"]] == ["17", "22", "26"]
    content = client.get(PAGE).content.decode()
    assert f'data-total="listed">{data["listed"]}<' in content
    assert f'data-total="overdue">{sum(row["overdue"] for row in data["by_city"])}<' in content
    assert 'id="statistics-charts" type="application/json"' in content


def test_page_filters_by_year_and_region(seeded, client):
    client.force_login(seeded.user("province_officer"))
    page = parse(client.get(PAGE, {"year": 2026, "region": "320100"}))
    assert [row[0] for row in page.tables["table-by-city"]] == ["320100"]
    content = client.get(PAGE, {"year": 2026, "region": "320100"}).content.decode()
    assert 'data-total="listed">1<' in content
    assert '<option value="320100" selected>' in content
    assert '<option value="2026" selected>' in content
    # A district is not in the list of cities, but asked for by its code it is shown.
    content = client.get(PAGE, {"region": "320115"}).content.decode()
    assert '<option value="320115" selected>· Jiangning District (320115)</option>' in content
    assert 'data-total="listed">5<' in content


def test_page_ignores_a_bad_year_and_says_so(seeded, client):
    client.force_login(seeded.user("province_officer"))
    response = client.get(PAGE, {"year": "1900"})
    assert response.status_code == 200
    assert 'data-total="listed">15<' in response.content.decode()
    assert response.context["form"].errors["year"]


def test_page_offers_the_export(seeded, client):
    """A plain form posting a province_summary XLSX job for what the page shows."""
    client.force_login(seeded.user("province_officer"))
    content = client.get(PAGE, {"year": 2025}).content.decode()
    form = content[content.index('data-testid="export-xlsx"') - 80 :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in form
    for name, value in (
        ("kind", "province_summary"),
        ("format", "xlsx"),
        ("region", "320000"),
        ("year", "2025"),
    ):
        assert f'name="{name}" value="{value}"' in form
    assert "csrfmiddlewaretoken" in form


def test_page_for_an_admin_offers_provinces_and_cities(seeded, client):
    client.force_login(seeded.user("admin"))
    response = client.get(PAGE)
    content = response.content.decode()
    assert '<option value="320000">Jiangsu (320000)</option>' in content
    assert '<option value="320100">· Nanjing (320100)</option>' in content
    assert 'value="320115"' not in content


def test_navigation_and_dashboard_link(cast, client):
    client.force_login(cast.user("province_officer"))
    content = client.get("/dashboard/").content.decode()
    assert f'href="{PAGE}"' in content
    assert 'data-testid="statistics-link"' in content
    client.force_login(cast.user("consultant"))
    assert f'href="{PAGE}"' not in client.get("/dashboard/").content.decode()


# --- issue 17 item 9: what the page says when there is nothing, and who audits --------------


def test_page_says_no_data_instead_of_empty_charts(cast, client):
    """An authority whose scope has no audit: every chart is a "no data" line, not an
    axis from 0 to 1; the benefits nobody reported are greyed, not rows of 0.0000."""
    client.force_login(cast.user("other_province_officer"))
    Audit.objects.filter(province_code="33").delete()
    response = client.get(PAGE)
    page = parse(response)
    assert page.canvases == []
    content = response.content.decode()
    for chart in ("chart-consultancies", "chart-benefits", "chart-pipeline", "chart-overdue"):
        assert f'data-testid="no-data-{chart}">No data in this selection.<' in content
    water = re.search(r'<tr data-row="water_t"([^>]*)>(.*?)</tr>', content, re.S)
    assert "data-unreported" in water.group(1)
    assert "0.0000" not in content and ">0.00<" not in content
    assert water.group(2).count("—") == 1


def test_page_charts_say_what_they_count(seeded, client):
    client.force_login(seeded.user("province_officer"))
    charts = {chart["id"]: chart for chart in client.get(PAGE).context["charts"]}
    assert charts["chart-benefits"]["value_title"] == (
        "Actual benefit as a share of the expected one (%)"
    )
    assert charts["chart-consultancies"]["value_title"] == "First-time pass rate (%)"
    assert not any(chart["empty"] for chart in charts.values())


def test_audits_without_a_firm_are_not_self_audits(seeded):
    """No firm and no team: "no consulting firm engaged yet"; no firm and a team of the
    enterprise's own staff: a self-audit. Each its own last row."""
    officer = seeded.user("province_officer")
    [before] = [r for r in consultancy_records(user=officer) if r["id"] is None]
    assert (before["kind"], before["name"]) == ("none", "No consulting firm engaged yet")
    audit = Audit.objects.filter(consultancy=None, province_code="32").order_by("pk").first()
    staff = Auditor.objects.create(
        name="Qian Li",
        certificate_no="SELF-0001",
        level="auditor",
        enterprise=audit.enterprise,
        issued_on=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
    )
    audit.team.add(staff)
    records = consultancy_records(user=officer)
    assert [(r["kind"], r["name"], r["audits"]) for r in records if r["id"] is None] == [
        ("self", "Self-audit (the enterprise's own auditors)", 1),
        ("none", "No consulting firm engaged yet", before["audits"] - 1),
    ]
    assert records[-1]["kind"] == "none"
    assert count_queries(lambda: consultancy_records(user=officer)) == 1
    with translation.override("zh-hans"):
        names = {r["kind"]: r["name"] for r in consultancy_records(user=officer)}
    assert names["none"] != names["self"]


def test_page_offers_the_performance_table_as_pdf(seeded, client):
    client.force_login(seeded.user("province_officer"))
    content = client.get(PAGE, {"year": 2025}).content.decode()
    form = content[content.index('data-testid="export-pdf"') :]
    form = form[: form.index("</form>")]
    for name, value in (
        ("kind", "province_summary"),
        ("format", "pdf"),
        ("region", "320000"),
        ("year", "2025"),
    ):
        assert f'name="{name}" value="{value}"' in form
    assert "Performance table as PDF" in form


def test_page_in_chinese_shows_money_in_wan_unless_switched(seeded, client):
    """Issue 17 item 4: 万元 by default in the Chinese UI, yuan after the switch."""
    client.force_login(seeded.user("province_officer"))
    data = summary(user=seeded.user("province_officer"))
    investment = data["options"]["mid_high"]["investment"]
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    page = parse(client.get(PAGE, **zh))
    assert page.tables["table-options"][1][3] == format_money(investment, "wan")
    assert re.fullmatch(r"[\d,]+\.\d\d", page.tables["table-options"][1][3])
    page = parse(client.get(PAGE, {"money": "yuan"}, **zh))
    assert page.tables["table-options"][1][3] == format_money(investment, "yuan")
    assert client.session["money_unit"] == "yuan"
