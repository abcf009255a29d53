"""The figures as of a day (issue 16, item 1): `reporting.as_of.summary_as_of` and
`GET /api/v1/statistics/summary/?as_of=`.

The half-year test walks an audit through the workflow, dates its history before 30 June
(the history rows are what the figures are read from), then changes everything after
that day: the figures of 30 June must not move. With no history after the day, the
figures of today are the live figures (checked on the statistics seed)."""

import datetime

import pytest
from django.utils import timezone

from audits import services
from audits.choices import AuditState, CostClass, OptionStatus
from audits.models import AuditEvent, Option, OptionStatusLog, TransitionLog
from reporting.as_of import end_of, summary_as_of
from reporting.statistics import summary
from tests.reporting.test_statistics import seeded  # noqa: F401 (a fixture)
from tests.support.audits import add_option, bring_to, engaged_audit, move_option
from tests.support.matrix import api_client

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2026, 6, 30)
PUBLISHED = datetime.date(2026, 3, 1)
URL = "/api/v1/statistics/summary/"


def backdate(audit, day: datetime.date) -> None:
    """Everything recorded so far on `audit` happened on `day`."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    TransitionLog.objects.filter(audit=audit).update(at=moment)
    OptionStatusLog.objects.filter(option__audit=audit).update(at=moment)
    Option.objects.filter(audit=audit).update(created_at=moment)
    AuditEvent.objects.filter(audit=audit).update(at=moment)


def without_as_of(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "as_of"}


def test_figures_of_30_june_stand_after_later_changes(cast):
    officer = cast.user("province_officer")
    audit = engaged_audit(cast, published_on=PUBLISHED)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=2_000_000)
    # The expected benefit was claimed before the day (claims keep no history).
    services.option_save(
        actor=cast.user("consultant"),
        audit=audit,
        option=audit.options.get(code="N1"),
        benefits=[{"indicator": "water_t", "expected": 1000, "actual": None}],
    )
    backdate(audit, datetime.date(2026, 5, 20))
    before = summary_as_of(user=officer, as_of=JUNE_30)
    assert before["as_of"] == JUNE_30
    assert before["listed"] == 2  # the Nanjing and the Suzhou enterprise
    assert before["by_state"][AuditState.OPTION_GENERATION] == 1
    assert before["by_state"][AuditState.NOT_STARTED] == 1
    # Suzhou's audit never started (due 1 May); neither disclosed (due 1 April).
    assert before["overdue"] == {"start": 1, "disclosure": 2, "report": 0, "acceptance": 0}
    assert before["options"]["no_low"]["count"] == 1
    assert before["options"]["mid_high"] == {
        "count": 1,
        "implemented": 0,
        "investment": before["options"]["mid_high"]["investment"],
    }
    assert before["options"]["no_low"]["implemented"] == 0
    nanjing = next(row for row in before["by_city"] if row["code"] == "320100")
    assert nanjing["started"] == 1 and nanjing["submitted"] == 0
    assert before["benefits"]["water_t"]["expected"] == 1000
    assert before["benefits"]["water_t"]["actual"] == 0

    # After 30 June: the options are implemented, the report submitted for assessment,
    # a new option proposed.
    bring_to(cast, audit, AuditState.UNDER_ASSESSMENT)
    live = summary(user=officer)
    assert live["by_state"][AuditState.UNDER_ASSESSMENT] == 1
    assert live["options"]["no_low"]["implemented"] == 1
    assert live["assessments"]["pending"] == 1
    after = summary_as_of(user=officer, as_of=JUNE_30)
    assert after == before
    assert after["assessments"]["pending"] == 0
    today = summary_as_of(user=officer, as_of=timezone.localdate())
    assert without_as_of(today) == live


def test_an_option_implemented_after_the_day_counts_as_not_implemented(cast):
    officer = cast.user("province_officer")
    audit = engaged_audit(cast, published_on=PUBLISHED)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = audit.options.get()
    move_option(cast, option, OptionStatus.RETAINED, OptionStatus.IMPLEMENTING)
    backdate(audit, datetime.date(2026, 6, 1))
    move_option(
        cast,
        Option.objects.get(pk=option.pk),
        OptionStatus.IMPLEMENTED,
        benefits=[{"indicator": "water_t", "expected": 1000, "actual": 900}],
    )
    then = summary_as_of(user=officer, as_of=JUNE_30)
    assert then["options"]["no_low"]["implemented"] == 0
    assert str(then["options"]["no_low"]["investment"]) == "0.00"
    # The benefit was claimed after 30 June: on that day the option had none.
    assert then["benefits"]["water_t"]["expected"] == 0
    now = summary_as_of(user=officer, as_of=timezone.localdate())
    assert now["options"]["no_low"]["implemented"] == 1
    assert now["options"]["no_low"]["investment"] == 20_000


def test_nothing_was_listed_before_publication(cast):
    engaged_audit(cast, published_on=PUBLISHED)
    figures = summary_as_of(user=cast.user("province_officer"), as_of=datetime.date(2026, 2, 28))
    assert figures["listed"] == 0
    assert sum(figures["by_state"].values()) == 0
    assert figures["by_city"] == []


def test_today_as_of_is_the_live_summary(seeded, cast):  # noqa: F811
    for role in ("province_officer", "city_officer", "admin"):
        user = cast.user(role)
        assert without_as_of(summary_as_of(user=user, as_of=timezone.localdate())) == summary(
            user=user
        ), role


def test_end_of_a_day_is_the_next_midnight():
    moment = end_of(JUNE_30)
    assert timezone.localtime(moment).date() == datetime.date(2026, 7, 1)
    assert timezone.localtime(moment).time() == datetime.time.min


def test_api_takes_as_of(cast):
    audit = engaged_audit(cast, published_on=PUBLISHED)
    bring_to(cast, audit, AuditState.PLANNING)
    backdate(audit, datetime.date(2026, 4, 2))
    bring_to(cast, audit, AuditState.PRE_ASSESSMENT)
    client = api_client(cast.user("province_officer"))
    response = client.get(URL, {"as_of": "2026-06-30"})
    assert response.status_code == 200
    assert response.data["as_of"] == "2026-06-30"
    assert response.data["by_state"]["planning"] == 1
    assert response.data["by_state"]["pre_assessment"] == 0
    live = client.get(URL)
    assert "as_of" not in live.data
    assert live.data["by_state"]["pre_assessment"] == 1


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2999-01-01"])
def test_api_rejects_a_bad_or_future_day(cast, value):
    response = api_client(cast.user("province_officer")).get(URL, {"as_of": value})
    assert response.status_code == 400
    assert "as_of" in response.data


def test_api_as_of_keeps_the_scope(cast):
    engaged_audit(cast, published_on=PUBLISHED)
    response = api_client(cast.user("other_province_officer")).get(URL, {"as_of": "2026-06-30"})
    assert response.status_code == 200
    assert response.data["listed"] == 0
    assert api_client(cast.user("consultant")).get(URL, {"as_of": "2026-06-30"}).status_code == 403
    assert (
        api_client(cast.user("city_officer"))
        .get(URL, {"as_of": "2026-06-30", "region": "330100"})
        .status_code
        == 404
    )


def test_amounts_changed_after_the_day_stand_as_they_were(cast):
    """The investment, the net benefit and the benefits' figures as of 30 June are those
    of that day, whatever they were changed to since (the `before` of the option's
    `option_changed` events)."""
    officer = cast.user("province_officer")
    consultant = cast.user("consultant")
    audit = engaged_audit(cast, published_on=PUBLISHED)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = audit.options.get()
    services.option_save(
        actor=consultant,
        audit=audit,
        option=option,
        investment=30_000,
        benefits=[{"indicator": "water_t", "expected": 1000, "actual": None}],
    )
    option = move_option(
        cast,
        Option.objects.get(pk=option.pk),
        OptionStatus.RETAINED,
        OptionStatus.IMPLEMENTING,
        OptionStatus.IMPLEMENTED,
        benefits=[{"indicator": "water_t", "expected": 1000, "actual": 900}],
    )
    backdate(audit, datetime.date(2026, 6, 1))
    before = summary_as_of(user=officer, as_of=JUNE_30)
    assert before["options"]["no_low"]["implemented"] == 1
    assert before["options"]["no_low"]["investment"] == 30_000
    assert before["benefits"]["water_t"] == {
        "expected": 1000,
        "actual": 900,
        "verified": 900,
    }
    economic = before["benefits"]["economic_yuan"]
    # After 30 June: a larger investment, other figures, a new benefit, a net benefit.
    services.option_save(
        actor=consultant,
        audit=audit,
        option=Option.objects.get(pk=option.pk),
        investment=75_000,
        annual_net_benefit=12_000,
        benefits=[
            {"indicator": "water_t", "expected": 1500, "actual": 1400},
            {"indicator": "energy_tce", "expected": 40, "actual": 35},
        ],
    )
    services.option_save(
        actor=consultant,
        audit=audit,
        option=Option.objects.get(pk=option.pk),
        investment=80_000,
    )
    after = summary_as_of(user=officer, as_of=JUNE_30)
    assert after == before
    assert after["options"]["no_low"]["investment"] == 30_000
    assert after["benefits"]["energy_tce"]["expected"] == 0
    assert after["benefits"]["economic_yuan"] == economic
    live = summary(user=officer)
    assert live["options"]["no_low"]["investment"] == 80_000
    assert without_as_of(summary_as_of(user=officer, as_of=timezone.localdate())) == live


def test_the_option_change_event_keeps_the_amounts_before(cast):
    audit = engaged_audit(cast, published_on=PUBLISHED)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    option = audit.options.get()
    services.option_save(
        actor=cast.user("consultant"), audit=audit, option=option, investment=30_000
    )
    services.option_save(actor=cast.user("consultant"), audit=audit, option=option, title="Renamed")
    first, second = AuditEvent.objects.filter(audit=audit, kind="option_changed").order_by("id")
    assert first.params["option"] == option.pk
    assert first.params["before"] == {"investment": str(option.investment)}
    assert "before" not in second.params  # no amount changed
