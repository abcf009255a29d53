"""The review screens (issue 5): the queue ("My reviews" for an expert), the page of one
round with its panel, verification and conclusion forms, the expert's scoring form, the
scoring sheets and the public acceptance results. Every page and action for every role,
then the flows as the officer and the experts go through them in the browser."""

import datetime
import itertools
import re

import pytest
from django.utils import timezone

from accounts.choices import Role
from assessments import services
from assessments.models import ExpertProfile, PanelMember, Review, Score, ScoringSheet
from audits.choices import AuditState, CostClass
from audits.models import Audit
from tests.support.cast import ROLES, enterprise, user
from tests.support.matrix import RoleMatrix, assert_constant_queries
from tests.support.reviews import (
    answer_demands,
    expert_pool,
    items_for,
    officer,
    score_all,
    seat_panel,
    submitted,
    verify_all,
)

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous visitors are sent to the login page
SERIALS = itertools.count(900)


# --- helpers: the browser's posts -------------------------------------------------------


def login(client, cast, role):
    client.force_login(cast.user(role))
    return client


def as_user(client, account):
    client.force_login(account)
    return client


def score_data(review, total, vetoes=(), comment="") -> dict:
    """The scoring form as the browser posts it: points per item adding up to `total`."""
    data = {f"item_{code}": points for code, points in items_for(review, total).items()}
    return data | {"vetoes": list(vetoes), "comment": comment}


def page(client, review) -> str:
    response = client.get(f"/reviews/{review.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def outsider_expert(cast, username="expert9"):
    """An expert of the Jiangsu pool who sits on no panel."""
    return user(username, Role.EXPERT, organization=cast.experts)


def panel_without_cast_expert(cast, review):
    """A panel of three experts that leaves out the cast's expert."""
    experts = expert_pool(cast)[1:] + [outsider_expert(cast, "expert4")]
    return seat_panel(cast, review, experts)


def scored_round(cast, kind="assessment"):
    review = submitted(cast, kind)
    seat_panel(cast, review)
    score_all(cast, review, [80, 80, 80])
    if kind == "acceptance":
        verify_all(cast, review)
    return review


def mid_high(review):
    return review.audit.options.get(cost_class=CostClass.MID_HIGH)


# --- every page and action for every role ---------------------------------------------


def reads(ok=200) -> dict:
    """The Nanjing enterprise's round, its panel with the cast's expert: the enterprise,
    its firm, the Jiangsu and Nanjing officers, the admin and the panel see it."""
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": ok,
        "consultant": ok,
        "other_consultant": 404,
        "enterprise_user": ok,
        "other_enterprise_user": 404,
        "expert": ok,
        "anonymous": LOGIN,
    }


def supervises(ok=302) -> dict:
    """Panels, conclusions: the authority in charge (and the admin). Other roles get 403
    before scope is looked at; an authority of another province, 404."""
    return {role: 403 for role in ROLES} | {
        "admin": ok,
        "province_officer": ok,
        "city_officer": ok,
        "other_province_officer": 404,
        "anonymous": LOGIN,
    }


def panel_expert(ok) -> dict:
    return {role: 403 for role in ROLES} | {"expert": ok, "anonymous": LOGIN}


def seated_round(cast) -> dict:
    review = submitted(cast)
    seat_panel(cast, review)
    return {"review": review}


def round_without_the_casts_expert(cast) -> dict:
    review = submitted(cast)
    panel_without_cast_expert(cast, review)
    return {"review": review}


def round_without_a_panel(cast) -> dict:
    review = submitted(cast)
    return {"review": review, "experts": expert_pool(cast)}


def acceptance_round(cast) -> dict:
    review = submitted(cast, "acceptance")
    seat_panel(cast, review)
    return {"review": review, "option": mid_high(review)}


class TestReviewPageRoles(RoleMatrix):
    """The pages of the Nanjing enterprise's assessment round, its panel seated with the
    cast's expert."""

    api = False
    build = staticmethod(seated_round)
    matrix = {
        # Lists are scoped, not refused.
        "list": {role: 200 for role in ROLES} | {"anonymous": LOGIN},
        "detail": reads(),
        "detail_concluded": reads(),
        "score_form": panel_expert(200),
        "score": panel_expert(302),
        "audit_workspace": reads(),
    }

    def request(self, action, client, cast):
        review = self.world.review
        url = f"/reviews/{review.pk}/"
        match action:
            case "list":
                return client.get("/reviews/")
            case "detail":
                return client.get(url)
            case "detail_concluded":
                score_all(cast, review, [80, 80, 80])
                services.review_conclude(actor=officer(cast), review=review, opinion="Sound.")
                return client.get(url)
            case "score_form":
                return client.get(f"{url}score/")
            case "score":
                return client.post(f"{url}score/", score_data(review, 80))
            case "audit_workspace":
                return client.get(f"/audits/{review.audit_id}/")
        raise AssertionError(action)


class TestReviewPageRolesNotOnThePanel(RoleMatrix):
    """The same round with a panel that leaves the cast's expert out."""

    api = False
    build = staticmethod(round_without_the_casts_expert)
    matrix = {
        # An expert who does not sit on the panel does not see the round.
        "detail_not_on_panel": reads() | {"expert": 404},
        "score_not_on_panel": panel_expert(404),
        "audit_workspace_not_on_panel": reads() | {"expert": 404},
    }

    def request(self, action, client, cast):
        review = self.world.review
        return {
            "detail_not_on_panel": lambda: client.get(f"/reviews/{review.pk}/"),
            "score_not_on_panel": lambda: client.post(
                f"/reviews/{review.pk}/score/", score_data(review, 80)
            ),
            "audit_workspace_not_on_panel": lambda: client.get(f"/audits/{review.audit_id}/"),
        }[action]()


class TestPanelPageRoles(RoleMatrix):
    """Forming the panel of a round that has none yet, by hand or by a draw."""

    api = False
    build = staticmethod(round_without_a_panel)
    matrix = {"panel": supervises(), "draw": supervises()}

    def request(self, action, client, cast):
        url = f"/reviews/{self.world.review.pk}/"
        if action == "panel":
            return client.post(f"{url}panel/", {"experts": [e.pk for e in self.world.experts]})
        return client.post(f"{url}draw/", {"size": "3"})


class TestVerificationPageRoles(RoleMatrix):
    """Verifying an option at acceptance."""

    api = False
    build = staticmethod(acceptance_round)
    # Panel experts and the authority verify; other roles never do.
    matrix = {"verify": supervises() | {"expert": 302}}

    def request(self, action, client, cast):
        review, option = self.world.review, self.world.option
        return client.post(
            f"/reviews/{review.pk}/verify/{option.pk}/",
            {
                f"verify-{option.pk}-implemented": "yes",
                f"verify-{option.pk}-benefit_water_t": "4700",
            },
        )


class TestConclusionPageRoles(RoleMatrix):
    """Concluding a round every expert scored."""

    api = False
    build = staticmethod(lambda cast: {"review": scored_round(cast)})
    matrix = {"conclude": supervises()}

    def request(self, action, client, cast):
        review = self.world.review
        return client.post(f"/reviews/{review.pk}/conclude/", {"opinion": "Sound."})


class TestSheetPageRoles(RoleMatrix):
    api = False
    matrix = {
        "sheets": {role: 403 for role in ROLES}
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "city_officer": 200,
            "anonymous": LOGIN,
        },
        # A provincial authority publishes its own province's sheets; a city one may not.
        "sheet_publish_form": {role: 403 for role in ROLES}
        | {
            "admin": 200,
            "province_officer": 200,
            "other_province_officer": 200,
            "anonymous": LOGIN,
        },
        "sheet_publish": {role: 403 for role in ROLES}
        | {
            "admin": 302,
            "province_officer": 302,
            "other_province_officer": 302,
            "anonymous": LOGIN,
        },
        "public_acceptances": {role: 200 for role in ROLES},
    }

    def request(self, action, client, cast):
        return {
            "sheets": lambda: client.get("/reviews/sheets/"),
            "sheet_publish_form": lambda: client.get("/reviews/sheets/publish/?kind=acceptance"),
            "sheet_publish": lambda: client.post(
                "/reviews/sheets/publish/", sheet_data(pass_mark="75")
            ),
            "public_acceptances": lambda: client.get("/public/acceptances/"),
        }[action]()


def sheet_data(kind="assessment", pass_mark="70", items=None, vetoes=None) -> dict:
    """The publish form as the browser posts it."""
    items = (
        items
        if items is not None
        else [("report", "报告", "Report", "40"), ("process", "过程", "Process", "60")]
    )
    vetoes = vetoes if vetoes is not None else [("falsified_data", "数据造假", "Falsified")]
    data = {"kind": kind, "pass_mark": pass_mark}
    for prefix, rows, fields in (
        ("items", items, ("code", "title_zh", "title_en", "max_points")),
        ("vetoes", vetoes, ("code", "title_zh", "title_en")),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 60,
        }
        for index, row in enumerate(rows):
            data |= {
                f"{prefix}-{index}-{name}": value for name, value in zip(fields, row, strict=True)
            }
    return data


# --- the flows through the pages ------------------------------------------------------


def form_panel(client, cast, review):
    experts = expert_pool(cast)
    response = login(client, cast, "province_officer").post(
        f"/reviews/{review.pk}/panel/", {"experts": [e.pk for e in experts]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{review.pk}/#panel"
    return experts


def score_as_panel(client, review, experts, totals, vetoes=None):
    vetoes = vetoes or {}
    for index, (expert, total) in enumerate(zip(experts, totals, strict=True)):
        response = as_user(client, expert).post(
            f"/reviews/{review.pk}/score/",
            score_data(review, total, vetoes.get(index, ()), comment=f"Scored {total}"),
        )
        assert response.status_code == 302, response.content.decode()[:500]


def conclude(client, cast, review, opinion):
    demands = "" if services.would_pass(review) else "Revise the water balance."
    response = login(client, cast, "province_officer").post(
        f"/reviews/{review.pk}/conclude/", {"opinion": opinion, "demands": demands}
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert response["Location"] == f"/reviews/{review.pk}/#conclusion"
    return Review.objects.get(pk=review.pk)


@pytest.mark.parametrize(
    "totals,vetoes,result,mean",
    [
        ([80, 80, 80], {}, "passed", "80.00"),
        ([90, 90, 90], {1: ["falsified_data"]}, "failed", "90.00"),
        ([65, 65, 65], {}, "failed", "65.00"),
    ],
)
def test_officer_and_experts_conclude_a_round_through_the_pages(
    cast, client, totals, vetoes, result, mean
):
    """Pass at 80; fail at 90 with one veto; fail at 65 (pass mark 70, domain.md §3)."""
    review = submitted(cast)
    experts = form_panel(client, cast, review)
    score_as_panel(client, review, experts, totals, vetoes)
    content = page(login(client, cast, "province_officer"), review)
    assert 'data-testid="ready"' in content and 'data-testid="unmet"' not in content

    review = conclude(client, cast, review, "Opinion of the panel.")
    assert review.result == result and str(review.score) == mean

    for role in ("province_officer", "enterprise_user", "consultant", "expert"):
        content = page(login(client, cast, role), review)
        assert f'data-testid="result">{review.get_result_display()}<' in content
        assert f'data-testid="mean-score">{mean}<' in content
        assert "Opinion of the panel." in content
        # Everyone who sees the concluded round sees every expert's score.
        assert content.count('data-testid="total"') == 3
        assert ('data-testid="vetoed"' in content) == bool(vetoes)
        # The snapshot, not live data: documents with their hash, options with figures.
        assert 'data-testid="snapshot-documents"' in content
        sha = review.audit.documents.first().sha256
        assert sha in content
        assert 'data-option="M1"' in content
    # No more forms on a concluded round.
    content = page(login(client, cast, "province_officer"), review)
    assert 'data-testid="conclusion-form"' not in content
    assert 'data-testid="panel-form"' not in content


def test_reapplying_after_a_failure_opens_round_2_and_keeps_round_1(cast, client):
    review = submitted(cast)
    experts = form_panel(client, cast, review)
    score_as_panel(client, review, experts, [65, 65, 65])
    first = conclude(client, cast, review, "Rework the material balance.")
    audit = Audit.objects.get(pk=review.audit_id)
    assert audit.state == AuditState.FEASIBILITY
    answer_demands(cast, audit)

    # The consultant re-applies from the audit's page.
    response = login(client, cast, "consultant").post(
        f"/audits/{audit.pk}/transition/", {"to": AuditState.UNDER_ASSESSMENT}
    )
    assert response.status_code == 302, response.content.decode()[:800]
    second = Review.objects.get(audit=audit, round=2)
    assert second.kind == "assessment" and not second.is_concluded

    content = login(client, cast, "province_officer").get("/reviews/").content.decode()
    assert f'data-review="{first.pk}"' in content and f'data-review="{second.pk}"' in content
    content = page(client, first)
    assert 'data-testid="result">Failed<' in content
    assert "Rework the material balance." in content
    # The audit's workspace lists both rounds with their results.
    content = login(client, cast, "enterprise_user").get(f"/audits/{audit.pk}/").content.decode()
    section = re.search(r'data-testid="reviews">(.*?)</table>', content, re.S).group(1)
    assert f'data-review="{first.pk}"' in section and f'data-review="{second.pk}"' in section
    assert 'data-result="failed"' in section and "Rework the material balance." in section
    assert f'href="/reviews/{second.pk}/"' in section


def test_panel_form_shows_conflicts_before_saving(cast, client):
    review = submitted(cast)
    experts = expert_pool(cast)
    insider = outsider_expert(cast, "insider")
    ExpertProfile.objects.create(user=insider, employer=cast.enterprise)
    content = page(login(client, cast, "province_officer"), review)
    row = re.search(r'data-candidate="insider"(.*?)</tr>', content, re.S).group(1)
    assert "works for the enterprise under review" in row
    assert "disabled" in row
    for expert in experts:
        row = re.search(rf'data-candidate="{expert.username}"(.*?)</tr>', content, re.S).group(1)
        assert "disabled" not in row and "independent" in row
        assert 'data-testid="industry-match"' in row  # paper, as the enterprise

    # A crafted post with the insider: 400, each refusal named, nothing saved.
    response = client.post(
        f"/reviews/{review.pk}/panel/", {"experts": [experts[0].pk, experts[1].pk, insider.pk]}
    )
    assert response.status_code == 400
    errors = re.search(
        r'data-testid="panel-errors">(.*?)</div>', response.content.decode(), re.S
    ).group(1)
    assert "insider (insider): works for the enterprise under review." in errors
    assert not PanelMember.objects.filter(review=review).exists()
    # Too few: the rule is named.
    response = client.post(f"/reviews/{review.pk}/panel/", {"experts": [experts[0].pk]})
    assert response.status_code == 400
    assert "A panel has at least 3 experts; 1 were named." in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == "applied"


def test_draw_records_seed_and_pool_and_refuses_a_small_pool(cast, client):
    review = submitted(cast)
    expert_pool(cast)
    login(client, cast, "province_officer")
    response = client.post(f"/reviews/{review.pk}/draw/", {"size": "5"})
    assert response.status_code == 409
    content = response.content.decode()
    assert 'data-testid="conflict"' in content
    assert "The province&#x27;s pool has 3 independent experts; the draw needs 5." in content
    assert not review.panel.exists()
    response = client.post(f"/reviews/{review.pk}/draw/", {"size": "2"})
    assert response.status_code == 400
    assert "A panel has at least 3 experts." in response.content.decode()

    response = client.post(f"/reviews/{review.pk}/draw/", {"size": "3", "seed": "42"})
    assert response.status_code == 302
    assert review.panel.count() == 3
    draw = re.search(r'data-testid="draw">(.*?)</div>', page(client, review), re.S).group(1)
    assert "seed 42" in draw and "pool of 3" in draw


def test_expert_sees_only_their_own_score_until_concluded(cast, client):
    review = submitted(cast)
    experts = form_panel(client, cast, review)
    score_as_panel(client, review, experts, [80, 75, 85])
    content = page(login(client, cast, "expert"), review)
    assert content.count('data-testid="total"') == 1
    assert 'data-expert="expert"' in content
    assert "Scored 75" not in content and "Scored 85" not in content
    assert 'data-testid="scores-hidden"' in content
    # The enterprise and its firm see none yet; the authority follows the panel.
    content = page(login(client, cast, "enterprise_user"), review)
    assert 'data-testid="total"' not in content and 'data-testid="pending"' in content
    assert 'data-testid="signals"' not in content and 'id="signals"' not in content
    content = page(login(client, cast, "province_officer"), review)
    assert content.count('data-testid="total"') == 3

    conclude(client, cast, review, "Passed with a mean of 80.")
    content = page(login(client, cast, "expert"), review)
    assert content.count('data-testid="total"') == 3
    assert "Scored 75" in content and "Scored 85" in content


def test_score_table_heads_its_columns_with_the_sheets_titles(cast, client):
    review = scored_round(cast)
    login(client, cast, "province_officer")
    content = page(client, review)
    heads = re.search(r'data-testid="scores">\s*<thead>(.*?)</thead>', content, re.S).group(1)
    assert "Completeness and conformity of the audit report" in heads
    assert "Audit focus and CP targets" in heads
    assert "focus_targets" not in re.sub(r'data-item="\w+"', "", heads)
    content = client.get(f"/reviews/{review.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    heads = re.search(
        r'data-testid="scores">\s*<thead>(.*?)</thead>', content.decode(), re.S
    ).group(1)
    assert "审核重点与清洁生产目标" in heads and "/ 15" in heads


def test_scoring_form_prefills_and_replaces_the_earlier_score(cast, client):
    review = submitted(cast)
    seat_panel(cast, review)
    login(client, cast, "expert")
    content = client.get(f"/reviews/{review.pk}/score/").content.decode()
    assert content.count("data-points") == len(review.sheet.items)
    assert 'max="15"' in content and 'step="0.01"' in content
    assert "js/scoring.js" in content and "<script>" not in content
    assert (
        client.post(
            f"/reviews/{review.pk}/score/", score_data(review, 70, ["wrong_focus"], "First look")
        ).status_code
        == 302
    )
    content = client.get(f"/reviews/{review.pk}/score/").content.decode()
    assert 'value="15"' in content and 'data-testid="live-total"' in content
    assert ">70.00<" in content and "First look" in content
    assert re.search(r'value="wrong_focus"[^>]*checked', content)
    assert client.post(f"/reviews/{review.pk}/score/", score_data(review, 72.5)).status_code == 302
    score = Score.objects.get(review=review, expert=cast.user("expert"))
    assert str(score.total) == "72.50" and score.vetoes == []


def test_bad_scores_are_a_400_next_to_their_items_and_save_nothing(cast, client):
    review = submitted(cast)
    seat_panel(cast, review)
    login(client, cast, "expert")
    data = score_data(review, 80) | {
        "item_report": "16",
        "item_process": "",
        "item_balance": "3.333",
        "item_no_low": "21",
    }
    response = client.post(f"/reviews/{review.pk}/score/", data)
    assert response.status_code == 400
    content = response.content.decode()
    rows = dict(re.findall(r'<tr data-item="(\w+)"(.*?)</tr>', content, re.S))
    # The sheet's titles, not its codes (those are the API's).
    assert (
        "“Completeness and conformity of the audit report”: give 0 to 15 points." in rows["report"]
    )
    assert "“Truth of the audit process”: give a score." in rows["process"]
    assert "“Material balance”: a number of points, at most two decimals." in rows["balance"]
    # Whole maxima read as such (20, not 2E+1).
    assert "“No/low-cost options implemented”: give 0 to 20 points." in rows["no_low"]
    assert "item-error" not in rows["focus_targets"]
    assert "“report”" not in content and "<code" not in content
    # What was typed stays in the form.
    assert 'value="16"' in rows["report"]
    assert not Score.objects.filter(review=review).exists()
    # In Chinese, the Chinese titles.
    response = client.post(f"/reviews/{review.pk}/score/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    rows = dict(re.findall(r'<tr data-item="(\w+)"(.*?)</tr>', response.content.decode(), re.S))
    assert "“审核报告完整性与规范性”" in rows["report"] and "“report”" not in rows["report"]


def test_scores_cannot_change_once_concluded(cast, client):
    review = scored_round(cast)
    services.review_conclude(actor=officer(cast), review=review, opinion="Sound.")
    login(client, cast, "expert")
    response = client.post(f"/reviews/{review.pk}/score/", score_data(review, 100))
    assert response.status_code == 409
    assert "A concluded round does not change." in response.content.decode()
    assert str(Score.objects.get(review=review, expert=cast.user("expert")).total) == "80.00"


def test_conclusion_waits_for_the_scores(cast, client):
    review = submitted(cast)
    experts = form_panel(client, cast, review)
    score_as_panel(client, review, experts[:1], [80])
    content = page(login(client, cast, "province_officer"), review)
    unmet = re.search(r'data-testid="unmet">(.*?)</ul>', content, re.S).group(1)
    assert "Waiting for the scores of: expert2, expert3." in unmet
    response = client.post(f"/reviews/{review.pk}/conclude/", {"opinion": "Too early."})
    assert response.status_code == 409
    assert "The review cannot be concluded yet." in response.content.decode()
    assert not Review.objects.get(pk=review.pk).is_concluded
    # With every score in, an empty opinion is a 400 on the field.
    score_as_panel(client, review, experts[1:], [80, 80])
    response = login(client, cast, "province_officer").post(
        f"/reviews/{review.pk}/conclude/", {"opinion": " "}
    )
    assert response.status_code == 400
    assert "Write the opinion" in response.content.decode()
    assert not Review.objects.get(pk=review.pk).is_concluded


def test_acceptance_verification_compares_claimed_and_verified(cast, client):
    review = submitted(cast, "acceptance")
    seat_panel(cast, review)
    option = mid_high(review)
    content = page(login(client, cast, "expert"), review)
    assert 'data-testid="verification-form"' in content
    assert "Verify the mid/high-cost options" not in content  # the authority's checklist

    prefix = f"verify-{option.pk}"
    response = client.post(
        f"/reviews/{review.pk}/verify/{option.pk}/",
        {f"{prefix}-implemented": "yes", f"{prefix}-benefit_water_t": "lots"},
    )
    assert response.status_code == 400
    assert "“water_t”: give a number." in response.content.decode()
    assert not review.verifications.exists()
    response = client.post(
        f"/reviews/{review.pk}/verify/{option.pk}/",
        {
            f"{prefix}-implemented": "yes",
            f"{prefix}-benefit_water_t": "2000",
            f"{prefix}-note": "Meter read on site",
        },
    )
    assert response.status_code == 302
    content = page(client, review)
    row = re.search(r'data-indicator="water_t">(.*?)</tr>', content, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    assert cells == ["4,800", "2,000", "-2,800"]
    # Far below the claim: a token-compliance signal for the panel.
    assert 'data-signal="verified_below_claimed"' in content
    # An assessment round has nothing to verify.
    assessment = Review.objects.get(audit=review.audit, kind="assessment")
    response = client.post(
        f"/reviews/{assessment.pk}/verify/{option.pk}/", {f"{prefix}-implemented": "yes"}
    )
    assert response.status_code == 409
    assert "Options are verified at acceptance." in response.content.decode()


def test_signals_are_shown_to_the_panel_and_the_authority(cast, client):
    review = submitted(cast)
    seat_panel(cast, review)
    for role in ("expert", "province_officer", "admin"):
        content = page(login(client, cast, role), review)
        assert 'id="signals"' in content
    for role in ("enterprise_user", "consultant"):
        assert 'id="signals"' not in page(login(client, cast, role), review)


def test_public_page_lists_only_concluded_acceptances(cast, client):
    review = scored_round(cast, "acceptance")  # the assessment before it was concluded
    response = client.get("/public/acceptances/")
    assert response.status_code == 200
    assert "No acceptance result matches." in response.content.decode()
    services.review_conclude(actor=officer(cast), review=review, opinion="Accepted.")
    content = client.get("/public/acceptances/").content.decode()
    row = re.search(rf'data-review="{review.pk}">(.*?)</tr>', content, re.S).group(1)
    assert "Jinling Paper Co." in row and "Jiangning" in row or "江宁" in row
    assert 'data-result="passed"' in row and "80.00" in row
    assert content.count("data-review=") == 1
    assert 'aria-current="page" href="/public/acceptances/"' in content
    assert (
        "No acceptance result"
        in client.get("/public/acceptances/", {"q": "Qiantang"}).content.decode()
    )


# --- the queue ------------------------------------------------------------------------


def test_queue_groups_by_stage_and_filters_overdue(cast, client):
    waiting = submitted(cast)  # Nanjing, assessment, no panel
    other = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    scoring = Review.objects.create(
        audit=other,
        kind="assessment",
        applied_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 2, 5),
        sheet=ScoringSheet.objects.current("assessment", "320000"),
    )
    seat_panel(cast, scoring)
    login(client, cast, "province_officer")

    def shown(**params):
        response = client.get("/reviews/", params)
        assert response.status_code == 200
        return {review.pk for review in response.context["page"]}

    assert shown() == {waiting.pk, scoring.pk}
    assert shown(stage="waiting_for_panel") == {waiting.pk}
    assert shown(stage="scoring") == {scoring.pk}
    assert shown(stage="ready") == set()
    assert shown(overdue="true") == {scoring.pk}  # due 2026-02-05
    response = client.get("/reviews/")
    counts = response.context["counts"]
    assert (
        counts["waiting_for_panel"],
        counts["scoring"],
        counts["ready"],
        counts["concluded"],
        counts["overdue"],
    ) == (1, 1, 0, 0, 1)
    assert 'data-testid="overdue"' in response.content.decode()
    score_all(cast, scoring, [80, 80, 80])
    assert shown(stage="ready") == {scoring.pk}
    # The dashboard shows the same counts with links to the queue.
    content = client.get("/dashboard/").content.decode()
    assert re.search(r'href="/reviews/\?stage=ready" data-count="ready">1<', content)
    assert re.search(r'href="/reviews/\?overdue=true" data-count="overdue">1<', content)
    # Another province's officer sees none of it.
    login(client, cast, "other_province_officer")
    assert shown() == set()


def test_expert_sees_my_reviews_and_what_awaits_their_score(cast, client):
    mine = submitted(cast)
    seat_panel(cast, mine)
    other = Audit.objects.get(enterprise=cast.suzhou_enterprise)
    not_mine = Review.objects.create(
        audit=other,
        kind="assessment",
        applied_on=timezone.localdate(),
        due_on=timezone.localdate(),
        sheet=ScoringSheet.objects.current("assessment", "320000"),
    )
    panel_without_cast_expert(cast, not_mine)
    login(client, cast, "expert")
    response = client.get("/reviews/")
    content = response.content.decode()
    assert "My reviews" in content
    assert [r.pk for r in response.context["page"]] == [mine.pk]
    assert 'data-scored="no"' in content
    dashboard = client.get("/dashboard/").content.decode()
    awaiting = re.search(r'data-testid="awaiting-score">(.*?)</ul>', dashboard, re.S).group(1)
    assert f'data-review="{mine.pk}"' in awaiting and f'data-review="{not_mine.pk}"' not in awaiting
    client.post(f"/reviews/{mine.pk}/score/", score_data(mine, 80))
    assert 'data-scored="yes"' in client.get("/reviews/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "No round is waiting for your score." in dashboard
    # The nav says "My reviews" to an expert, "Reviews" to the others.
    nav = re.findall(
        r'nav-link active"\s+aria-current="page" href="([^"]+)">([^<]+)<',
        client.get("/reviews/").content.decode(),
    )
    assert nav == [("/reviews/", "My reviews")]
    login(client, cast, "consultant")
    nav = re.findall(
        r'nav-link active"\s+aria-current="page" href="([^"]+)">([^<]+)<',
        client.get("/reviews/").content.decode(),
    )
    assert nav == [("/reviews/", "Reviews")]


def test_queue_query_count_is_constant(cast, client):
    sheet = ScoringSheet.objects.current("assessment", "320000")
    experts = expert_pool(cast)
    serials = (next(SERIALS) for _ in itertools.count())

    def grow(n):
        for _ in range(n):
            audit = Audit.objects.create(
                enterprise=enterprise("Grown Co.", "320102", "26", next(serials)),
                start_due=datetime.date(2020, 1, 1),
                report_due=datetime.date(2027, 1, 1),
            )
            review = Review.objects.create(
                audit=audit,
                kind="assessment",
                applied_on=datetime.date(2026, 1, 1),
                due_on=datetime.date(2026, 2, 1),
                sheet=sheet,
                state="panel_formed",
            )
            PanelMember.objects.bulk_create(PanelMember(review=review, expert=e) for e in experts)
            Score.objects.create(review=review, expert=experts[0], items={}, total=50)

    login(client, cast, "province_officer")
    assert_constant_queries(lambda: client.get("/reviews/"), grow)
    login(client, cast, "expert")
    assert_constant_queries(lambda: client.get("/reviews/"), grow)
    assert len(client.get("/reviews/").context["page"]) == 40


# --- the audit workspace, the enterprise -----------------------------------------------


def test_expert_reads_the_audit_of_their_round(cast, client):
    review = submitted(cast)
    seat_panel(cast, review)
    content = login(client, cast, "expert").get(f"/audits/{review.audit_id}/").content.decode()
    assert "as an expert of its review panel" in content
    assert 'data-testid="comment-form"' not in content
    assert 'data-testid="option-form"' not in content
    assert f'href="/reviews/{review.pk}/"' in content
    # Writes stay the enterprise's and its firm's.
    response = client.post(f"/audits/{review.audit_id}/comments/", {"text": "Hello"})
    assert response.status_code == 403


def test_enterprise_sees_results_on_its_dashboard(cast, client):
    review = scored_round(cast)
    services.review_conclude(actor=officer(cast), review=review, opinion="Sound.")
    content = login(client, cast, "enterprise_user").get("/dashboard/").content.decode()
    section = re.search(r'data-testid="reviews">(.*?)</ul>', content, re.S).group(1)
    assert f'href="/reviews/{review.pk}/"' in section and 'data-result="passed"' in section


# --- scoring sheets -------------------------------------------------------------------


def test_provincial_officer_publishes_a_sheet_version(cast, client):
    login(client, cast, "province_officer")
    content = client.get("/reviews/sheets/").content.decode()
    assert content.count("National default") >= 2
    assert re.search(r'data-testid="pass-mark">70(\.00)?<', content)
    form = client.get("/reviews/sheets/publish/?kind=assessment")
    assert form.status_code == 200
    assert 'value="mid_high_plan"' in form.content.decode()  # prefilled with the current

    # Items summing to 90: a 400 with the service's message, nothing published.
    data = sheet_data(
        items=[("report", "报告", "Report", "40"), ("process", "过程", "Process", "50")],
        pass_mark="75",
    )
    response = client.post("/reviews/sheets/publish/", data)
    assert response.status_code == 400
    errors = re.search(
        r'data-testid="items-errors">(.*?)</div>\s*</div>', response.content.decode(), re.S
    ).group(1)
    assert "The items sum to 90 points; they must sum to 100." in errors
    # What was typed stays in the form.
    assert 'value="50"' in response.content.decode()
    response = client.post("/reviews/sheets/publish/", sheet_data(pass_mark="101"))
    assert response.status_code == 400
    assert "A pass mark from 0 to 100." in response.content.decode()
    assert not ScoringSheet.objects.filter(province="320000").exists()

    response = client.post("/reviews/sheets/publish/", sheet_data(pass_mark="75"))
    assert response.status_code == 302
    sheet = ScoringSheet.objects.get(province="320000", kind="assessment")
    assert sheet.version == 1 and str(sheet.pass_mark) == "75.00"
    assert [i["code"] for i in sheet.items] == ["report", "process"]
    content = client.get("/reviews/sheets/").content.decode()
    section = re.search(r'data-kind="assessment"(.*?)</section>', content, re.S).group(1)
    assert re.search(r'data-testid="pass-mark">75(\.00)?<', section)
    assert 'data-version="320000-1"' in section and 'data-version="national-1"' in section
    # A new round of a Jiangsu enterprise takes the province's sheet.
    assert submitted(cast).sheet == sheet


def test_city_officer_reads_sheets_but_does_not_publish(cast, client):
    login(client, cast, "city_officer")
    content = client.get("/reviews/sheets/").content.decode()
    assert 'data-testid="publish-link"' not in content
    assert client.post("/reviews/sheets/publish/", sheet_data()).status_code == 403


def test_pages_render_in_chinese(cast, client):
    review = scored_round(cast)
    login(client, cast, "province_officer")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/reviews/"})
    for url in ("/reviews/", f"/reviews/{review.pk}/", "/reviews/sheets/", "/public/acceptances/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans">' in response.content.decode()
    # Sheet titles are data in both languages.
    assert "审核报告完整性与规范性" in client.get(f"/reviews/{review.pk}/").content.decode()


@pytest.mark.parametrize("role", ["province_officer", "city_officer", "expert", "admin"])
def test_queue_runs_as_many_queries_for_50_rounds_as_for_10(cast, client, role):
    """Issue 17, item 4: the queue at 10 and at 50 rounds (a full page), rounds of every
    state and both kinds, some concluded with a result, runs the same queries: the page,
    its stage filters and the API's lists."""
    from tests.support.matrix import api_client, count_queries

    sheet = ScoringSheet.objects.current("assessment", "320000")
    experts = expert_pool(cast)
    officer = cast.user("province_officer")
    serials = itertools.count(7000)
    states = ["applied", "panel_formed", "concluded"]

    def grow(n):
        for index in range(n):
            state = states[index % 3]
            concluded = state == "concluded"
            audit = Audit.objects.create(
                enterprise=enterprise("Grown Co.", "320102", "26", next(serials)),
                start_due=datetime.date(2020, 1, 1),
                report_due=datetime.date(2027, 1, 1),
            )
            review = Review.objects.create(
                audit=audit,
                kind=("assessment", "acceptance")[index % 2],
                applied_on=datetime.date(2026, 1, 1),
                due_on=datetime.date(2026, 2, 1),
                sheet=sheet,
                state=state,
                result="passed" if concluded else None,
                score=80 if concluded else None,
                concluded_on=datetime.date(2026, 1, 20) if concluded else None,
                concluded_by=officer if concluded else None,
            )
            if state != "applied":
                PanelMember.objects.bulk_create(
                    PanelMember(review=review, expert=expert) for expert in experts
                )
                Score.objects.create(review=review, expert=experts[0], items={}, total=50)

    login(client, cast, role)
    api = api_client(cast.user(role))
    urls = ["/reviews/", "/reviews/?stage=scoring", "/reviews/?overdue=true"]

    def fetch():
        for url in urls:
            assert client.get(url).status_code == 200
        for url in ("/api/v1/assessments/", "/api/v1/acceptances/"):
            assert api.get(url).status_code == 200

    grow(10)
    few = count_queries(fetch)
    grow(40)
    # A full page (the expert sees the two thirds with a panel, whose seats they hold).
    assert len(client.get("/reviews/").context["page"]) == (32 if role == "expert" else 50)
    assert count_queries(fetch) == few
