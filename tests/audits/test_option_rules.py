"""The rules of an option as the guidance writes them (issue 12; domain.md §2 phases 4–6,
§3): the discount rate is a fraction, a feasible mid/high option carries its economics,
an implemented one its date, and a mid/high option is implemented only after the
assessment has passed. Each rule unmet and met, through the service and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits import services
from audits.choices import AuditState, CostClass, OptionStatus
from audits.models import Option, OptionStatusLog
from tests.support.audits import ECONOMICS, add_option, bring_to, move_option
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/options/"
S = OptionStatus


def mid_high(cast, audit, **fields) -> Option:
    return add_option(
        cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=3_000_000, **fields
    )


def patch(cast, option, **fields):
    return api_client(cast.user("consultant")).patch(f"{URL}{option.pk}/", fields, format="json")


def saved(option) -> Option:
    return Option.objects.get(pk=option.pk)


# The discount rate ---------------------------------------------------------------------


@pytest.mark.parametrize("rate", ["8", "1", "-1", "-0.01"])
def test_a_discount_rate_outside_0_to_1_is_refused_with_its_field(cast, audit, rate):
    option = mid_high(cast, audit)
    response = patch(cast, option, discount_rate=rate)
    assert response.status_code == 400, response.data
    assert "discount_rate" in response.data
    assert saved(option).discount_rate is None
    with pytest.raises(ValidationError) as raised:
        services.option_save(
            actor=cast.user("consultant"), audit=audit, option=option, discount_rate=rate
        )
    assert "discount_rate" in raised.value.message_dict


@pytest.mark.parametrize("rate", ["0", "0.08", "0.9999"])
def test_a_discount_rate_from_0_to_under_1_is_taken(cast, audit, rate):
    response = patch(cast, mid_high(cast, audit), discount_rate=rate)
    assert response.status_code == 200, response.data
    assert float(response.data["discount_rate"]) == float(rate)


def test_8_percent_gives_the_npv_of_8_percent(cast, audit):
    """The case of the issue: 8 read as 800 % gave −2.7 M; as 0.08 the NPV is +2.2 M."""
    option = mid_high(cast, audit, annual_net_benefit=780_000, lifetime_years=10)
    data = patch(cast, option, discount_rate="0.08").data
    assert 2_200_000 < float(data["npv"]) < 2_240_000


# Feasible needs the economics ----------------------------------------------------------


@pytest.fixture
def retained(cast, audit):
    """A retained mid/high option of an audit in feasibility analysis, no economics."""
    audit = bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = move_option(cast, mid_high(cast, audit), S.RETAINED)
    bring_to(cast, audit, AuditState.FEASIBILITY)
    return saved(option)


def test_feasible_without_the_economics_names_each_missing_figure(cast, retained):
    response = patch(cast, retained, status=S.FEASIBLE)
    assert response.status_code == 400, response.data
    assert set(response.data) == {
        "annual_net_benefit",
        "lifetime_years",
        "discount_rate",
    }
    assert saved(retained).status == S.RETAINED
    assert not OptionStatusLog.objects.filter(option=retained, to_state=S.FEASIBLE).exists()


def test_feasible_with_the_economics_is_taken_and_logged(cast, retained):
    response = patch(cast, retained, status=S.FEASIBLE, **ECONOMICS)
    assert response.status_code == 200, response.data
    assert response.data["status"] == S.FEASIBLE
    assert OptionStatusLog.objects.filter(option=retained, to_state=S.FEASIBLE).count() == 1


def test_an_uneconomic_option_is_feasible_only_with_the_reason(cast, retained):
    uneconomic = {"annual_net_benefit": 100_000, "lifetime_years": 10, "discount_rate": "0.08"}
    response = patch(cast, retained, status=S.FEASIBLE, **uneconomic)
    assert response.status_code == 400, response.data
    assert list(response.data) == ["reason"]
    assert saved(retained).status == S.RETAINED

    response = patch(
        cast, retained, status=S.FEASIBLE, reason="Required by the discharge permit", **uneconomic
    )
    assert response.status_code == 200, response.data
    assert float(response.data["npv"]) < 0


# Mid/high options are implemented after the assessment -------------------------------


@pytest.fixture
def feasible(cast, retained):
    return move_option(cast, retained, S.FEASIBLE)


@pytest.mark.parametrize("dated", [False, True])
def test_a_mid_high_option_is_not_implemented_during_feasibility(cast, feasible, dated):
    """Not even with a date of the audit's own time (only a measure older than the audit
    is recorded as implemented before the assessment)."""
    fields = {"implemented_on": str(timezone.localdate())} if dated else {}
    response = patch(cast, feasible, status=S.IMPLEMENTING, **fields)
    assert response.status_code == 400, response.data
    assert "after the assessment has passed" in response.data["status"][0]
    assert saved(feasible).status == S.FEASIBLE
    with pytest.raises(ValidationError) as raised:
        move_option(cast, feasible, S.IMPLEMENTING)
    assert "status" in raised.value.message_dict


def test_a_no_low_option_is_implemented_during_the_audit(cast, audit):
    audit = bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = add_option(cast, audit, code="N2")
    moved = move_option(cast, option, S.RETAINED, S.IMPLEMENTING)
    assert moved.status == S.IMPLEMENTING


def test_a_measure_taken_before_the_audit_is_recorded_as_implemented(cast, feasible):
    before = str(feasible.audit.started_on - datetime.timedelta(days=1))
    response = patch(cast, feasible, status=S.IMPLEMENTING, implemented_on=before)
    assert response.status_code == 200, response.data
    response = patch(cast, feasible, status=S.IMPLEMENTED)
    assert response.status_code == 200, response.data
    assert response.data["status"] == S.IMPLEMENTED


def test_a_mid_high_option_is_implemented_once_the_assessment_passed(cast, feasible):
    audit = bring_to(cast, feasible.audit, AuditState.IMPLEMENTATION)
    assert audit.state == AuditState.IMPLEMENTATION
    option = saved(feasible)
    assert patch(cast, option, status=S.IMPLEMENTING).status_code == 200
    response = patch(cast, option, status=S.IMPLEMENTED, implemented_on=str(audit.started_on))
    assert response.status_code == 200, response.data


# Implemented needs its date ------------------------------------------------------------


@pytest.fixture
def implementing(cast, audit):
    audit = bring_to(cast, audit, AuditState.OPTION_GENERATION)
    return move_option(cast, add_option(cast, audit, code="N2"), S.RETAINED, S.IMPLEMENTING)


def test_implemented_needs_the_date(cast, implementing):
    response = patch(cast, implementing, status=S.IMPLEMENTED)
    assert response.status_code == 400, response.data
    assert list(response.data) == ["implemented_on"]
    assert saved(implementing).status == S.IMPLEMENTING


def test_the_date_implemented_is_not_in_the_future(cast, implementing):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = patch(cast, implementing, status=S.IMPLEMENTED, implemented_on=str(tomorrow))
    assert response.status_code == 400, response.data
    assert list(response.data) == ["implemented_on"]
    response = patch(
        cast, implementing, status=S.IMPLEMENTED, implemented_on=str(timezone.localdate())
    )
    assert response.status_code == 200, response.data
    assert saved(implementing).implemented_on == timezone.localdate()
