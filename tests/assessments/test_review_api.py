"""The review API (api.md "Reviews: assessment and acceptance"; domain.md §3, §4): who may
do what to a round, panels, scores, verifications and conclusions as a client meets them,
scoring sheets, expert profiles, the public acceptances and list query counts."""

import datetime
import random
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.choices import Role
from assessments import services
from assessments.models import ExpertProfile, PanelChange, PanelMember, Review, ScoringSheet
from audits.choices import AuditState
from audits.models import Audit
from tests.support.audits import bring_to
from tests.support.cast import ROLES, user
from tests.support.matrix import RoleMatrix, api_client, assert_constant_queries
from tests.support.reviews import (
    answer_demands,
    conclude_round,
    expert_pool,
    items_for,
    officer,
    round_reads,
    score_all,
    seat_panel,
    submitted,
    verify_all,
)

pytestmark = pytest.mark.django_db

ASSESSMENTS, ACCEPTANCES = "/api/v1/assessments/", "/api/v1/acceptances/"
SHEETS, PROFILES = "/api/v1/sheets/", "/api/v1/expert-profiles/"
PUBLIC = "/api/v1/public/acceptances/"


def url(review: Review, action: str = "") -> str:
    base = ASSESSMENTS if review.kind == "assessment" else ACCEPTANCES
    return f"{base}{review.pk}/" + (f"{action}/" if action else "")


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.data)
    return response.data


def post(client, path, data):
    return client.post(path, data, format="json")


def unmet_of(response) -> str:
    assert response.status_code == 409, (response.status_code, response.data)
    return " ".join(response.data["unmet"])


# -- rounds shared by the cells of a role matrix ----------------------------------------


def assessment_round(cast) -> dict:
    """The Nanjing enterprise's open assessment round; the cast's expert and two more on
    the panel, each having scored 80."""
    review = submitted(cast)
    experts = seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    return {"review": review, "experts": experts}


def acceptance_rounds(cast) -> dict:
    """The Nanjing enterprise's acceptance: round 1 failed (so it is published), round 2
    open with the cast's expert and two more on the panel, scored, M1 verified."""
    first = submitted(cast, "acceptance")
    conclude_round(cast, first.audit, AuditState.IMPLEMENTATION)
    bring_to(cast, first.audit, AuditState.UNDER_ACCEPTANCE)
    review = Review.objects.get(audit=first.audit, kind="acceptance", round=2)
    experts = seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    verify_all(cast, review)
    return {
        "review": review,
        "concluded": Review.objects.get(pk=first.pk),
        "experts": experts,
        "option": first.audit.options.get(code="M1"),
    }


# -- role matrices ----------------------------------------------------------------------
# Reading a round: whoever sees its audit, and the experts on its panel (round_reads).
# Panels, draws, candidates and conclusions are the authority's in charge (and admin's);
# other roles are refused by role before their scope is looked at.
def supervises(ok=200) -> dict:
    return round_reads(ok) | {
        "consultant": 403,
        "other_consultant": 403,
        "enterprise_user": 403,
        "other_enterprise_user": 403,
        "expert": 403,
    }


# Lists are scoped, not refused.
LISTED = {role: 200 for role in ROLES} | {"anonymous": 401}
# Only the panel's experts score; those who see the round without sitting on it: 403.
SCORES = round_reads(201) | {
    "admin": 403,
    "province_officer": 403,
    "city_officer": 403,
    "consultant": 403,
    "enterprise_user": 403,
}
# Verifications: the panel's experts or the authority in charge.
VERIFIES = round_reads(201) | {"consultant": 403, "enterprise_user": 403}
ROUND_MATRIX = {
    "list": LISTED,
    "retrieve": round_reads(),
    "sheet": round_reads(),
    "panel_history": round_reads(),
    "scores": round_reads(),
    "score": SCORES,
    "panel": supervises(),
    "draw": supervises(),
    "candidates": supervises(),
    "conclude": supervises(),
}


def round_request(action, client, world):
    """One call on `world.review` (or its list) per action of ROUND_MATRIX."""
    review = world.review
    calls = {
        "list": lambda: client.get(ASSESSMENTS if review.kind == "assessment" else ACCEPTANCES),
        "retrieve": lambda: client.get(url(review)),
        "sheet": lambda: client.get(url(review, "sheet")),
        "panel_history": lambda: client.get(url(review, "panel-history")),
        "scores": lambda: client.get(url(review, "scores")),
        "candidates": lambda: client.get(url(review, "candidates")),
        "verifications": lambda: client.get(url(review, "verifications")),
        "panel": lambda: post(
            client, url(review, "panel"), {"experts": [expert.pk for expert in world.experts]}
        ),
        "draw": lambda: post(client, url(review, "draw"), {"size": 3, "seed": 7}),
        "score": lambda: post(
            client,
            url(review, "scores"),
            {"items": items_for(review, 85), "vetoes": [], "comment": "Sound balance"},
        ),
        "conclude": lambda: post(
            client, url(review, "conclude"), {"opinion": "Passed; calibrate the water meters."}
        ),
        "verify": lambda: post(
            client,
            url(review, "verifications"),
            {
                "option": world.option.pk,
                "implemented": True,
                "verified_benefits": [{"indicator": "water_t", "value": "4700"}],
                "note": "Meter readings seen on site",
            },
        ),
    }
    return calls[action]()


class TestAssessmentApiRoles(RoleMatrix):
    """An open round: panel seated (the cast's expert on it), every expert scored."""

    matrix = ROUND_MATRIX
    build = staticmethod(assessment_round)

    def request(self, action, client, cast):
        return round_request(action, client, self.world)


class TestAcceptanceApiRoles(RoleMatrix):
    """Round 2 of an acceptance: panel seated, every expert scored, M1 verified."""

    matrix = ROUND_MATRIX | {"verifications": round_reads(), "verify": VERIFIES}
    build = staticmethod(acceptance_rounds)

    def request(self, action, client, cast):
        return round_request(action, client, self.world)


class TestPublicAcceptanceApiRoles(RoleMatrix):
    """No login needed; only concluded acceptances exist there."""

    matrix = {
        "list": {role: 200 for role in ROLES},
        "retrieve": {role: 200 for role in ROLES},
        "retrieve_open": {role: 404 for role in ROLES},
    }
    build = staticmethod(acceptance_rounds)

    def request(self, action, client, cast):
        review = {
            "list": None,
            "retrieve": self.world.concluded,
            "retrieve_open": self.world.review,
        }[action]
        return client.get(PUBLIC if review is None else f"{PUBLIC}{review.pk}/")


def sheet_row(admin, province, other_province, city, others=403) -> dict:
    return {
        "admin": admin,
        "province_officer": province,
        "other_province_officer": other_province,
        "city_officer": city,
        "consultant": others,
        "other_consultant": others,
        "enterprise_user": others,
        "other_enterprise_user": others,
        "expert": others,
        "anonymous": 401,
    }


SHEET_ITEMS = [
    {"code": "report", "title_zh": "审核报告", "title_en": "Audit report", "max_points": 40},
    {"code": "options", "title_zh": "方案", "title_en": "Options", "max_points": 60},
]
SHEET_VETOES = [
    {"code": "falsified_data", "title_zh": "数据弄虚作假", "title_en": "Falsified data"}
]


def sheet_body(province="320000", **changes) -> dict:
    return {
        "kind": "assessment",
        "province": province,
        "items": SHEET_ITEMS,
        "vetoes": SHEET_VETOES,
        "pass_mark": "80",
    } | changes


class TestScoringSheetApiRoles(RoleMatrix):
    """Sheets are the authorities' data: a provincial officer publishes its province's
    (a city officer reads them but may not publish), the admin also the national one."""

    matrix = {
        "list": sheet_row(200, 200, 200, 200),
        "retrieve": sheet_row(200, 200, 404, 200),  # Jiangsu's sheet
        "retrieve_national": sheet_row(200, 200, 200, 200),
        "publish": sheet_row(201, 201, 403, 403),  # for Jiangsu
        "publish_national": sheet_row(201, 403, 403, 403),
    }

    def request(self, action, client, cast):
        jiangsu = services.sheet_publish(
            actor=officer(cast),
            kind="assessment",
            province=cast.province.region,
            items=SHEET_ITEMS,
            vetoes=SHEET_VETOES,
            pass_mark=80,
        )
        national = ScoringSheet.objects.get(kind="acceptance", province=None, version=1)
        return {
            "list": lambda: client.get(SHEETS),
            "retrieve": lambda: client.get(f"{SHEETS}{jiangsu.pk}/"),
            "retrieve_national": lambda: client.get(f"{SHEETS}{national.pk}/"),
            "publish": lambda: post(client, SHEETS, sheet_body()),
            "publish_national": lambda: post(client, SHEETS, sheet_body(province=None)),
        }[action]()


class TestExpertProfileApiRoles(RoleMatrix):
    """Profiles are reference data the admin keeps."""

    matrix = {
        action: {role: 403 for role in ROLES} | {"admin": status, "anonymous": 401}
        for action, status in [
            ("list", 200),
            ("retrieve", 200),
            ("create", 201),
            ("update", 200),
            ("delete", 204),
        ]
    }

    def request(self, action, client, cast):
        profile = ExpertProfile.objects.create(user=cast.user("expert"))
        newcomer = user("expert9", Role.EXPERT, organization=cast.experts)
        detail = f"{PROFILES}{profile.pk}/"
        return {
            "list": lambda: client.get(PROFILES),
            "retrieve": lambda: client.get(detail),
            "create": lambda: post(
                client, PROFILES, {"user": newcomer.pk, "industries": ["22", "26"]}
            ),
            "update": lambda: client.patch(
                detail, {"consultancy": cast.other_firm.pk}, format="json"
            ),
            "delete": lambda: client.delete(detail),
        }[action]()


# -- who sees which round ---------------------------------------------------------------


def every_call(review, option=None) -> list[tuple[str, str, dict | None]]:
    """Every call on one round (method, path, body)."""
    calls = [
        ("get", url(review), None),
        ("get", url(review, "sheet"), None),
        ("get", url(review, "panel-history"), None),
        ("get", url(review, "scores"), None),
        ("post", url(review, "scores"), {"items": items_for(review, 80)}),
        ("post", url(review, "panel"), {"experts": []}),
        ("post", url(review, "draw"), {"seed": 1}),
        ("get", url(review, "candidates"), None),
        ("post", url(review, "conclude"), {"opinion": "Fine"}),
    ]
    if review.kind == "acceptance":
        calls += [
            ("get", url(review, "verifications"), None),
            (
                "post",
                url(review, "verifications"),
                {"option": option.pk if option else 0, "implemented": True},
            ),
        ]
    return calls


SUPERVISOR_CALLS = ("panel/", "draw/", "candidates/", "conclude/")


def test_another_provinces_officer_gets_404_on_every_round_of_jiangsu(cast):
    world = SimpleNamespace(**acceptance_rounds(cast))
    assessment = Review.objects.get(audit=world.review.audit, kind="assessment")
    zhejiang = api_client(cast.user("other_province_officer"))
    for review in (assessment, world.concluded, world.review):
        for method, path, body in every_call(review, world.option):
            response = getattr(zhejiang, method)(path, body, format="json")
            assert response.status_code == 404, (method, path, response.status_code)
    for base in (ASSESSMENTS, ACCEPTANCES):
        assert ok(zhejiang.get(base))["count"] == 0
        assert ok(zhejiang.get(f"{base}?audit={world.review.audit_id}"))["count"] == 0


def test_an_expert_sees_only_the_rounds_they_sit_on(cast):
    """Off the panel, every round call is a 404 (the supervisors' calls a 403, by role,
    before scope); seated, the round appears."""
    review = submitted(cast)
    expert, *others = expert_pool(cast, 4)
    seat_panel(cast, review, others)
    client = api_client(expert)
    for method, path, body in every_call(review):
        expected = 403 if path.endswith(SUPERVISOR_CALLS) else 404
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == expected, (method, path, response.status_code)
    assert ok(client.get(ASSESSMENTS))["count"] == 0

    seat_panel(cast, review, [expert, *others[:2]])
    assert sorted(ok(client.get(url(review)))["panel"]) == sorted(
        [expert.pk, others[0].pk, others[1].pk]
    )
    assert [row["id"] for row in ok(client.get(ASSESSMENTS))["results"]] == [review.pk]
    # The expert who left no longer sees it.
    assert api_client(others[2]).get(url(review)).status_code == 404


def test_lists_show_each_role_the_rounds_in_its_scope(cast):
    review = submitted(cast)
    seat_panel(cast, review)
    for role in (
        "admin",
        "province_officer",
        "city_officer",
        "consultant",
        "enterprise_user",
        "expert",
    ):
        rows = ok(api_client(cast.user(role)).get(ASSESSMENTS))["results"]
        assert [row["id"] for row in rows] == [review.pk], role
        assert ok(api_client(cast.user(role)).get(ACCEPTANCES))["count"] == 0, role
    for role in ("other_province_officer", "other_consultant", "other_enterprise_user"):
        assert ok(api_client(cast.user(role)).get(ASSESSMENTS))["count"] == 0, role


# -- results and where they send the audit ----------------------------------------------


def form_panel(cast, review, experts=None) -> list:
    experts = experts or expert_pool(cast)
    ok(
        post(
            api_client(officer(cast)),
            url(review, "panel"),
            {"experts": [expert.pk for expert in experts]},
        )
    )
    return experts


def score(review, expert, total, vetoes=(), status=201):
    return ok(
        post(
            api_client(expert),
            url(review, "scores"),
            {
                "items": items_for(review, total),
                "vetoes": list(vetoes),
                "comment": f"{total} points",
            },
        ),
        status,
    )


def score_through_api(review, experts, totals, vetoes=None) -> None:
    for index, (expert, total) in enumerate(zip(experts, totals, strict=True)):
        score(review, expert, total, (vetoes or {}).get(index, ()))


def conclude(cast, review, opinion="Opinion of the panel", status=200):
    demands = [] if services.would_pass(review) else ["Revise the water balance."]
    body = {"opinion": opinion, "demands": demands}
    return ok(post(api_client(officer(cast)), url(review, "conclude"), body), status)


@pytest.mark.parametrize(
    "totals,vetoes,result,mean",
    [
        ([75, 80, 85], {}, "passed", "80.00"),
        ([69, 70, 71], {}, "passed", "70.00"),  # the national pass mark, 70, passes
        ([90, 90, 90], {1: ["falsified_data"]}, "failed", "90.00"),
        ([60, 65, 70], {}, "failed", "65.00"),
    ],
    ids=["mean-80", "mean-70", "90-with-a-veto", "mean-65"],
)
def test_assessment_passes_at_the_pass_mark_without_veto_and_moves_the_audit(
    cast, totals, vetoes, result, mean
):
    """A pass sends the audit to implementation with the acceptance due within 12 months
    (national policy); a fail sends it back to feasibility (domain.md §3)."""
    review = submitted(cast)
    experts = form_panel(cast, review)
    score_through_api(review, experts, totals, vetoes)
    data = conclude(cast, review, "Revise the water balance.")
    assert (data["state"], data["result"], data["score"], data["vetoed"]) == (
        "concluded",
        result,
        mean,
        bool(vetoes),
    )
    assert data["opinion"] == "Revise the water balance."
    assert data["concluded_on"] == timezone.localdate().isoformat()
    assert [row["total"] for row in data["snapshot"]["scores"]] == [
        f"{total}.00" for total in totals
    ]
    audit = Audit.objects.get(pk=review.audit_id)
    if result == "passed":
        assert audit.state == AuditState.IMPLEMENTATION
        assert audit.acceptance_due == timezone.localdate() + relativedelta(months=12)
    else:
        assert audit.state == AuditState.FEASIBILITY
        assert audit.acceptance_due is None


@pytest.mark.parametrize(
    "totals,vetoes,result",
    [
        ([80, 80, 80], {}, "passed"),
        ([60, 65, 70], {}, "failed"),
        ([90, 90, 90], {0: ["end_of_pipe"]}, "failed"),
    ],
    ids=["mean-80", "mean-65", "90-with-a-veto"],
)
def test_acceptance_pass_completes_the_audit_and_a_fail_sends_it_back(cast, totals, vetoes, result):
    """A pass completes the audit and sets the next compulsory round (5 years for a paper
    mill not on the toxic list); a fail sends it back to implementation (domain.md §4)."""
    review = submitted(cast, "acceptance")
    experts = form_panel(cast, review)
    score_through_api(review, experts, totals, vetoes)
    verify_all(cast, review)
    assert conclude(cast, review)["result"] == result
    audit = Audit.objects.get(pk=review.audit_id)
    if result == "passed":
        assert audit.state == AuditState.COMPLETED
        assert audit.next_round_due == timezone.localdate() + relativedelta(years=5)
    else:
        assert audit.state == AuditState.IMPLEMENTATION
        assert audit.next_round_due is None


def test_reapplying_opens_round_2_and_keeps_round_1_as_it_was(cast):
    review = submitted(cast)
    experts = form_panel(cast, review)
    score_through_api(review, experts, [60, 62, 64], {2: ["wrong_focus"]})
    conclude(cast, review, "Choose the pulping line as the focus.")
    company = api_client(cast.user("enterprise_user"))
    before = ok(company.get(url(review)))
    scores_before = ok(company.get(url(review, "scores")))
    assert (before["result"], before["score"], len(scores_before)) == ("failed", "62.00", 3)

    answer_demands(cast, review.audit)
    ok(
        post(
            api_client(cast.user("consultant")),
            f"/api/v1/audits/{review.audit_id}/transition/",
            {"to": "under_assessment", "comment": "Revised report"},
        )
    )

    rows = ok(company.get(f"{ASSESSMENTS}?audit={review.audit_id}"))["results"]
    assert [(row["round"], row["state"], row["result"]) for row in rows] == [
        (2, "applied", None),
        (1, "concluded", "failed"),
    ]
    assert ok(company.get(url(review))) == before
    assert ok(company.get(url(review, "scores"))) == scores_before
    # The concluded round takes no more scores, panels or conclusions.
    assert "concluded" in unmet_of(
        post(api_client(experts[0]), url(review, "scores"), {"items": items_for(review, 90)})
    )
    assert (
        post(
            api_client(officer(cast)), url(review, "panel"), {"experts": [e.pk for e in experts]}
        ).status_code
        == 409
    )
    assert (
        post(
            api_client(officer(cast)), url(review, "conclude"), {"opinion": "Passed after all"}
        ).status_code
        == 409
    )
    assert ok(company.get(url(review))) == before
    # Filters: state, result, audit.
    officer_client = api_client(officer(cast))

    def rounds(query):
        return [row["round"] for row in ok(officer_client.get(f"{ASSESSMENTS}?{query}"))["results"]]

    assert rounds("result=failed") == [1]
    assert rounds("state=applied") == [2]
    assert rounds("state=applied&state=concluded") == [2, 1]
    assert rounds("overdue=true") == []
    Review.objects.filter(audit=review.audit, round=2).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert rounds("overdue=true") == [2]
    assert rounds("overdue=false") == [1]


# -- panels ------------------------------------------------------------------------------


def test_a_panel_of_fewer_than_three_is_refused(cast):
    review = submitted(cast)
    experts = expert_pool(cast, 3)
    response = post(
        api_client(officer(cast)), url(review, "panel"), {"experts": [experts[0].pk, experts[1].pk]}
    )
    assert response.status_code == 400
    assert "at least 3" in response.data["experts"][0]
    assert Review.objects.get(pk=review.pk).state == "applied"
    assert not PanelMember.objects.filter(review=review).exists()
    assert not PanelChange.objects.filter(review=review).exists()


def test_a_panel_refuses_experts_who_are_not_independent_naming_each_and_why(cast):
    """Experts employed by the enterprise or its consulting firm (domain.md §3), and
    users who are no experts, are refused; the 400 names each and says why."""
    review = submitted(cast)
    independent = expert_pool(cast, 3)
    admin = api_client(cast.user("admin"))
    employee = user("mill_engineer", Role.EXPERT, organization=cast.experts)
    ok(post(admin, PROFILES, {"user": employee.pk, "employer": cast.enterprise.pk}), 201)
    firm_expert = user("firm_expert", Role.EXPERT, organization=cast.experts)
    ok(post(admin, PROFILES, {"user": firm_expert.pk, "consultancy": cast.firm.pk}), 201)
    consultant = cast.user("consultant")
    ids = [e.pk for e in independent] + [employee.pk, firm_expert.pk, consultant.pk, 999999]

    response = post(api_client(officer(cast)), url(review, "panel"), {"experts": ids})

    assert response.status_code == 400
    errors = [str(message) for message in response.data["experts"]]
    assert len(errors) == 4, errors
    (missing,) = [e for e in errors if "999999" in e]
    assert "No user" in missing
    (of_mill,) = [e for e in errors if "mill_engineer" in e]
    assert "works for the enterprise under review" in of_mill
    (of_firm,) = [e for e in errors if "firm_expert" in e]
    assert "works for the enterprise's consulting firm" in of_firm
    (of_consultant,) = [e for e in errors if "(consultant)" in e]
    assert "not an expert" in of_consultant
    assert "works for the enterprise's consulting firm" in of_consultant
    assert not any(f"({expert.username})" in " ".join(errors) for expert in independent)
    assert not PanelMember.objects.filter(review=review).exists()
    # The candidates the panel form shows carry the same reasons.
    rows = {
        row["username"]: row for row in ok(api_client(officer(cast)).get(url(review, "candidates")))
    }
    assert rows["mill_engineer"]["conflicts"] == ["works for the enterprise under review"]
    assert rows["firm_expert"]["conflicts"] == ["works for the enterprise's consulting firm"]
    assert rows["expert"] | {"id": 0} == {
        "id": 0,
        "username": "expert",
        "name": "expert",
        "conflicts": [],
        "on_panel": False,
        "matches_industry": True,
    }


def test_a_draw_with_a_seed_is_reproducible_and_recorded_with_its_pool(cast):
    """Anyone can repeat a draw from its record (domain.md §7): random.Random(seed) over
    the recorded pool gives the same panel."""
    review = submitted(cast)
    pool = expert_pool(cast, 6)
    client = api_client(officer(cast))
    first = sorted(ok(post(client, url(review, "draw"), {"size": 3, "seed": 42}))["panel"])
    assert len(first) == 3 and set(first) <= {e.pk for e in pool}
    ok(post(client, url(review, "draw"), {"size": 4, "seed": 7}))
    again = sorted(ok(post(client, url(review, "draw"), {"size": 3, "seed": 42}))["panel"])
    assert again == first

    history = ok(client.get(url(review, "panel-history")))
    assert [row["draw"]["seed"] for row in history] == [42, 7, 42]
    assert [row["actor"] for row in history] == ["province_officer"] * 3
    draw = history[0]["draw"]
    assert draw["pool"] == sorted(e.pk for e in pool)
    assert draw["matching"] == draw["pool"]  # all six know paper making
    assert sorted(draw["drawn"]) == first == sorted(history[0]["added"])
    assert random.Random(42).sample(draw["matching"], 3) == draw["drawn"]
    assert history[2]["draw"] == draw


def test_a_draw_skips_experts_who_are_not_independent(cast):
    review = submitted(cast)
    independent = expert_pool(cast, 3)
    conflicted = expert_pool(cast, 5)[3:]
    ExpertProfile.objects.filter(user=conflicted[0]).update(employer=cast.enterprise)
    ExpertProfile.objects.filter(user=conflicted[1]).update(consultancy=cast.firm)
    client = api_client(officer(cast))
    for seed in range(5):
        data = ok(post(client, url(review, "draw"), {"seed": seed}))
        assert sorted(data["panel"]) == sorted(e.pk for e in independent), seed
    draw = ok(client.get(url(review, "panel-history")))[0]["draw"]
    assert draw["pool"] == sorted(e.pk for e in independent)
    assert "needs 4" in unmet_of(post(client, url(review, "draw"), {"size": 4}))
    assert post(client, url(review, "draw"), {"size": 2}).status_code == 400


# -- scores --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change,field,message",
    [
        (lambda items, vetoes: items.pop("balance"), "items", "“balance”: give a score."),
        (lambda items, vetoes: items.update(report="15.5"), "items", "give 0 to 15 points"),
        (lambda items, vetoes: items.update(report=-1), "items", "give 0 to 15 points"),
        (lambda items, vetoes: items.update(report="many"), "items", "a number of points"),
        (lambda items, vetoes: items.update(bonus=5), "items", "“bonus” is not an item"),
        (lambda items, vetoes: vetoes.append("too_expensive"), "vetoes", "too_expensive"),
    ],
    ids=["incomplete", "over-max", "negative", "not-a-number", "unknown-item", "unknown-veto"],
)
def test_bad_scores_are_refused_and_nothing_is_saved(cast, change, field, message):
    review = submitted(cast)
    expert = form_panel(cast, review)[0]
    score(review, expert, 75)
    items, vetoes = items_for(review, 80), []
    change(items, vetoes)
    response = post(
        api_client(expert),
        url(review, "scores"),
        {"items": items, "vetoes": vetoes, "comment": "Second thoughts"},
    )
    assert response.status_code == 400
    assert any(message in str(error) for error in response.data[field]), response.data
    (kept,) = ok(api_client(expert).get(url(review, "scores")))
    assert (kept["total"], kept["comment"], kept["vetoes"]) == ("75.00", "75 points", [])


def test_an_expert_replaces_their_score_until_the_round_is_concluded(cast):
    review = submitted(cast)
    experts = form_panel(cast, review)
    score(review, experts[0], 70, ["banned_equipment"])
    score(review, experts[0], 85)
    (row,) = ok(api_client(experts[0]).get(url(review, "scores")))
    assert (row["total"], row["vetoes"], row["expert"]) == ("85.00", [], experts[0].pk)
    assert sum(row["items"].values()) == 85


def test_scores_stay_private_until_the_round_is_concluded(cast):
    """Before the conclusion each expert sees only their own score, the enterprise and
    its firm none, the authority all; afterwards everyone who sees the round sees all."""
    review = submitted(cast)
    experts = form_panel(cast, review)
    score_through_api(review, experts, [70, 80, 90])

    def seen(who):
        return sorted(row["expert"] for row in ok(api_client(who).get(url(review, "scores"))))

    all_three = sorted(e.pk for e in experts)
    for expert in experts:
        assert seen(expert) == [expert.pk]
    assert seen(cast.user("enterprise_user")) == seen(cast.user("consultant")) == []
    assert seen(officer(cast)) == seen(cast.user("city_officer")) == all_three
    assert ok(api_client(cast.user("enterprise_user")).get(url(review)))["score"] is None

    conclude(cast, review)
    for who in [*experts, cast.user("enterprise_user"), cast.user("consultant")]:
        assert seen(who) == all_three, who


# -- conclusions ---------------------------------------------------------------------------


def test_conclude_before_every_expert_scored_conflicts_naming_who(cast):
    review = submitted(cast)
    assert "Form the panel" in unmet_of(
        post(api_client(officer(cast)), url(review, "conclude"), {"opinion": "Too early"})
    )
    experts = form_panel(cast, review)
    score_through_api(review, experts[:2], [80, 80])
    unmet = unmet_of(
        post(api_client(officer(cast)), url(review, "conclude"), {"opinion": "Too early"})
    )
    assert "expert3" in unmet and "expert2" not in unmet
    assert Review.objects.get(pk=review.pk).state == "panel_formed"
    score(review, experts[2], 80)
    assert conclude(cast, review)["result"] == "passed"


def test_conclude_needs_an_opinion(cast):
    review = submitted(cast)
    experts = form_panel(cast, review)
    score_through_api(review, experts, [80, 80, 80])
    response = post(api_client(officer(cast)), url(review, "conclude"), {"opinion": "  "})
    assert response.status_code == 400 and "opinion" in response.data
    assert Review.objects.get(pk=review.pk).state == "panel_formed"


def test_acceptance_conclude_waits_for_every_feasible_mid_high_option_to_be_verified(cast):
    review = submitted(cast, "acceptance")
    experts = form_panel(cast, review)
    score_through_api(review, experts, [80, 80, 80])
    assert "M1" in unmet_of(
        post(
            api_client(officer(cast)),
            url(review, "conclude"),
            {"opinion": "Implemented as planned"},
        )
    )
    option = review.audit.options.get(code="M1")
    ok(
        post(
            api_client(experts[1]),
            url(review, "verifications"),
            {
                "option": option.pk,
                "implemented": True,
                "verified_benefits": [{"indicator": "water_t", "value": "4800"}],
            },
        ),
        201,
    )
    assert conclude(cast, review)["result"] == "passed"


def test_a_verification_shows_claimed_against_verified_benefits(cast):
    review = submitted(cast, "acceptance")
    expert = form_panel(cast, review)[0]
    option = review.audit.options.get(code="M1")  # claims 4,800 t of water a year
    client = api_client(expert)
    data = ok(
        post(
            client,
            url(review, "verifications"),
            {
                "option": option.pk,
                "implemented": True,
                "note": "Meter readings for 12 months",
                "verified_benefits": [
                    {"indicator": "water_t", "value": "4500"},
                    {"indicator": "energy_tce", "value": "12.5"},
                ],
            },
        ),
        201,
    )
    assert (data["option_code"], data["implemented"], data["verified_by"]) == ("M1", True, "expert")
    assert data["benefits"] == [
        {"indicator": "energy_tce", "claimed": None, "verified": "12.5000", "difference": None},
        {
            "indicator": "water_t",
            "claimed": "4800.0000",
            "verified": "4500.0000",
            "difference": "-300.0000",
        },
    ]
    assert ok(client.get(url(review, "verifications"))) == [data]
    # Only mid/high options of this audit are verified.
    no_low = review.audit.options.get(code="N1")
    response = post(
        client, url(review, "verifications"), {"option": no_low.pk, "implemented": True}
    )
    assert response.status_code == 400 and "option" in response.data


# -- sheets ----------------------------------------------------------------------------------


def test_a_round_keeps_the_sheet_it_started_with(cast):
    """A province's new sheet applies to rounds opened after it (domain.md §7)."""
    review = submitted(cast)
    firm = api_client(cast.user("consultant"))
    national = ok(firm.get(url(review, "sheet")))
    assert (national["version"], national["pass_mark"], len(national["items"])) == (1, "70.00", 6)
    assert sum(item["max_points"] for item in national["items"]) == 100

    province = api_client(officer(cast))
    first = ok(post(province, SHEETS, sheet_body()), 201)
    second = ok(post(province, SHEETS, sheet_body(pass_mark="75")), 201)
    assert (first["version"], second["version"]) == (1, 2)
    assert second["published_by"] == "province_officer"
    assert ok(firm.get(url(review, "sheet"))) == national

    experts = form_panel(cast, review)
    score_through_api(review, experts, [60, 60, 60])
    conclude(cast, review)
    answer_demands(cast, review.audit)
    ok(post(firm, f"/api/v1/audits/{review.audit_id}/transition/", {"to": "under_assessment"}))
    again = Review.objects.get(audit=review.audit, kind="assessment", round=2)
    sheet = ok(firm.get(url(again, "sheet")))
    assert (sheet["version"], sheet["pass_mark"]) == (2, "75.00")
    assert [item["code"] for item in sheet["items"]] == ["report", "options"]
    assert ok(firm.get(url(review, "sheet"))) == national


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"items": [SHEET_ITEMS[0] | {"max_points": 30}, SHEET_ITEMS[1]]}, "items"),
        ({"items": [SHEET_ITEMS[0], SHEET_ITEMS[1] | {"code": "report"}]}, "items"),
        ({"items": []}, "items"),
        ({"vetoes": [*SHEET_VETOES, SHEET_VETOES[0]]}, "vetoes"),
        ({"vetoes": [{"code": "report", "title_zh": "重复"}]}, "vetoes"),
        ({"pass_mark": "120"}, "pass_mark"),
        ({"kind": "inspection"}, "kind"),
    ],
    ids=[
        "sum-90",
        "duplicate-item",
        "no-items",
        "duplicate-veto",
        "veto-is-an-item",
        "pass-mark-120",
        "unknown-kind",
    ],
)
def test_bad_sheets_are_refused(cast, changes, field):
    before = ScoringSheet.objects.count()
    response = post(api_client(officer(cast)), SHEETS, sheet_body(**changes))
    assert response.status_code == 400, response.data
    assert field in response.data, response.data
    assert ScoringSheet.objects.count() == before


def test_sheets_list_shows_an_authority_the_national_and_its_provinces(cast):
    ok(post(api_client(officer(cast)), SHEETS, sheet_body()), 201)

    def provinces(role):
        return sorted(
            str(row["province"]) for row in ok(api_client(cast.user(role)).get(SHEETS))["results"]
        )

    assert provinces("city_officer") == ["320000", "None", "None"]
    assert provinces("other_province_officer") == ["None", "None"]
    assert provinces("admin") == ["320000", "None", "None"]


def test_a_sheet_published_without_a_province_is_the_national_one(cast):
    body = {key: value for key, value in sheet_body().items() if key != "province"}
    data = ok(post(api_client(cast.user("admin")), SHEETS, body), 201)
    assert data["province"] is None


# -- expert profiles ---------------------------------------------------------------------


def test_an_expert_profile_names_industries_and_employers(cast):
    admin = api_client(cast.user("admin"))
    expert = cast.user("expert")
    data = ok(
        post(
            admin,
            PROFILES,
            {"user": expert.pk, "industries": ["22"], "employer": cast.suzhou_enterprise.pk},
        ),
        201,
    )
    assert (data["user"], data["industries"], data["employer"], data["consultancy"]) == (
        expert.pk,
        ["22"],
        cast.suzhou_enterprise.pk,
        None,
    )
    # Only experts have profiles; the consultancy must be a consulting firm.
    response = post(admin, PROFILES, {"user": cast.user("consultant").pk})
    assert response.status_code == 400 and "user" in response.data
    response = admin.patch(
        f"{PROFILES}{data['id']}/", {"consultancy": cast.province.pk}, format="json"
    )
    assert response.status_code == 400 and "consultancy" in response.data


def test_an_expert_has_one_profile(cast):
    expert = cast.user("expert")
    ExpertProfile.objects.create(user=expert)
    response = post(api_client(cast.user("admin")), PROFILES, {"user": expert.pk})
    assert response.status_code == 400 and "user" in response.data


# -- public acceptances ------------------------------------------------------------------


def test_public_acceptances_list_only_concluded_acceptances(cast):
    world = SimpleNamespace(**acceptance_rounds(cast))  # also a concluded assessment
    rows = ok(api_client(None).get(PUBLIC))["results"]
    assert [(row["id"], row["round"], row["result"]) for row in rows] == [
        (world.concluded.pk, 1, "failed")
    ]
    assert rows[0]["enterprise"] == "Jinling Paper Co."
    assert rows[0]["credit_code"] == cast.enterprise.credit_code
    assert "opinion" not in rows[0] and "panel" not in rows[0]
    assessment = Review.objects.get(audit=world.review.audit, kind="assessment")
    assert api_client(None).get(f"{PUBLIC}{assessment.pk}/").status_code == 404
    assert ok(api_client(None).get(f"{PUBLIC}?result=passed"))["count"] == 0


# -- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,path,role",
    [
        ("assessment", ASSESSMENTS, "province_officer"),
        ("assessment", ASSESSMENTS, "expert"),
        ("acceptance", ACCEPTANCES, "enterprise_user"),
        ("acceptance", PUBLIC, "anonymous"),
    ],
)
def test_round_list_query_counts_are_constant(cast, kind, path, role):
    """Rows are added directly (concluded, failed, with a panel): walking twenty rounds
    through the services would take seconds and add nothing here."""
    review = submitted(cast)
    experts = seat_panel(cast, review)
    audit = review.audit
    sheet = ScoringSheet.objects.current(kind, "320000")
    today = timezone.localdate()
    numbers = iter(range(10, 100))

    def grow(n):
        for _ in range(n):
            review = Review.objects.create(
                audit=audit,
                kind=kind,
                round=next(numbers),
                sheet=sheet,
                state="concluded",
                result="failed",
                score=60,
                applied_on=today,
                due_on=today,
                concluded_on=today,
                opinion="Revise",
            )
            PanelMember.objects.bulk_create(PanelMember(review=review, expert=e) for e in experts)

    client = api_client(cast.user(role))
    assert_constant_queries(lambda: client.get(f"{path}?page_size=200"), grow)
    assert ok(client.get(path))["count"] == 20 + (kind == "assessment")
