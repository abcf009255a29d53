"""Acceptance verification decides (issue 12 item 3; domain.md §3–§4): when the panel
verifies a feasible mid/high option as not implemented, the acceptance cannot pass,
whatever the scores; the conclusion names the options, as a veto does."""

import pytest

from assessments import services
from assessments.choices import ReviewResult
from assessments.models import Review
from audits.choices import AuditState, CostClass, OptionStatus
from audits.models import Audit
from tests.support.audits import add_option, bring_to, engaged_audit, move_option
from tests.support.matrix import api_client
from tests.support.reviews import PASS_TOTAL, officer, score_all, seat_panel, verify_all

pytestmark = pytest.mark.django_db

ACCEPTANCES = "/api/v1/acceptances/"


def acceptance_with_two_options(cast) -> Review:
    """An acceptance round, seated and scored to pass, whose audit implemented two
    feasible mid/high options, M1 and M2."""
    audit = engaged_audit(cast)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    for code in ("M1", "M2"):
        add_option(cast, audit, code=code, cost_class=CostClass.MID_HIGH, investment=2_000_000)
    bring_to(cast, audit, AuditState.IMPLEMENTATION)
    for option in audit.options.filter(cost_class=CostClass.MID_HIGH):
        move_option(
            cast,
            option,
            OptionStatus.IMPLEMENTING,
            OptionStatus.IMPLEMENTED,
            benefits=[{"indicator": "water_t", "expected": 5000, "actual": 4800}],
        )
    bring_to(cast, audit, AuditState.UNDER_ACCEPTANCE)
    review = Review.objects.get(audit=audit, kind="acceptance", state="applied")
    seat_panel(cast, review)
    score_all(cast, review, [PASS_TOTAL] * review.panel.count())
    return review


def verify(cast, review, code, implemented):
    option = review.audit.options.get(code=code)
    response = api_client(officer(cast)).post(
        f"{ACCEPTANCES}{review.pk}/verifications/",
        {
            "option": option.pk,
            "implemented": implemented,
            "verified_benefits": [{"indicator": "water_t", "value": 4000}],
            "note": "Seen on site" if implemented else "The new line is not installed",
        },
        format="json",
    )
    assert response.status_code in (200, 201), response.data


def conclude(cast, review, demands=()):
    """Conclude through the API; a failing round names its rectification demands."""
    demands = list(demands)
    response = api_client(officer(cast)).post(
        f"{ACCEPTANCES}{review.pk}/conclude/",
        {"opinion": "As found on site", "demands": demands},
        format="json",
    )
    assert response.status_code == 200, response.data
    return response.data


def test_one_option_verified_as_not_implemented_fails_a_passing_acceptance(cast):
    review = acceptance_with_two_options(cast)
    verify(cast, review, "M1", True)
    verify(cast, review, "M2", False)
    data = conclude(cast, review, demands=["Install the M2 line and show it running"])
    assert data["result"] == ReviewResult.FAILED
    assert float(data["score"]) >= float(review.sheet.pass_mark)
    assert data["not_implemented"] == ["M2"]
    assert Audit.objects.get(pk=review.audit_id).state == AuditState.IMPLEMENTATION
    assert Review.objects.get(pk=review.pk).snapshot["not_implemented"] == ["M2"]


def test_every_option_verified_as_implemented_passes(cast):
    review = acceptance_with_two_options(cast)
    verify(cast, review, "M1", True)
    verify(cast, review, "M2", True)
    data = conclude(cast, review)
    assert (data["result"], data["not_implemented"]) == (ReviewResult.PASSED, [])
    assert Audit.objects.get(pk=review.audit_id).state == AuditState.COMPLETED


def test_the_service_names_every_option_not_implemented(cast):
    review = acceptance_with_two_options(cast)
    verify_all(cast, review, implemented=False)
    concluded = services.review_conclude(
        actor=officer(cast), review=review, opinion="Not done", demands=["Implement M1 and M2"]
    )
    assert concluded.result == ReviewResult.FAILED
    assert concluded.not_implemented == ["M1", "M2"]
