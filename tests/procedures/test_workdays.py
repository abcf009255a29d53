"""Working days with China's public holidays and adjusted workdays (core.workdays),
over every year the pinned calendar knows, and past its last year."""

import datetime

import chinese_calendar
import pytest

from core import workdays
from enterprises.models import ProvincePolicy

D = datetime.date


def test_the_pinned_calendar_knows_2004_to_2026():
    assert min(workdays.KNOWN_YEARS) == 2004
    assert max(workdays.KNOWN_YEARS) == 2026
    assert set(range(2004, 2027)) == workdays.KNOWN_YEARS


@pytest.mark.parametrize("year", sorted(workdays.KNOWN_YEARS))
def test_each_known_year_agrees_with_the_calendar_day_by_day(year):
    """Every day of every known year: worked exactly when the package says, and
    National Day (1 October) always off."""
    day = D(year, 1, 1)
    while day.year == year:
        assert workdays.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)
    assert not workdays.is_working_day(D(year, 10, 1))


def test_three_working_days_before_a_meeting_across_the_2026_spring_festival():
    """Spring Festival 2026: 15–23 February off, Saturday 14 February worked. Three
    working days before Wednesday 25 February: 24 (Tue), 14 (the adjusted Saturday),
    13 (Fri)."""
    assert workdays.before(D(2026, 2, 25), 3) == (D(2026, 2, 13), False)
    assert workdays.before(D(2026, 2, 25), 2) == (D(2026, 2, 14), False)
    assert workdays.after(D(2026, 2, 13), 1) == (D(2026, 2, 14), False)
    assert workdays.after(D(2026, 2, 14), 1) == (D(2026, 2, 24), False)


def test_forty_five_working_days_from_a_list_published_before_national_day():
    """Shandong counts the start in 45 working days: from 25 September 2026, National
    Day week (1–7 October off, Saturday 10 October worked) pushes the deadline to
    3 December, past the 27 November that 45 weekdays would give."""
    due = workdays.after(D(2026, 9, 25), 45)
    assert due == (D(2026, 12, 3), False)
    # counted by hand: each working day after 25 September, 45 of them
    day, count = D(2026, 9, 25), 0
    while count < 45:
        day += datetime.timedelta(days=1)
        count += chinese_calendar.is_workday(day)
    assert day == due.day


def test_a_year_the_calendar_does_not_know_counts_weekdays_and_says_so():
    """2027 is not in the pinned package: Monday to Friday are counted, flagged as an
    estimate (the meeting page shows it), rather than failing the schedule."""
    assert not workdays.is_known(D(2027, 1, 4))
    # Friday 8 January 2027: three weekdays before Wednesday 13 January
    assert workdays.before(D(2027, 1, 13), 3) == (D(2027, 1, 8), True)
    # a count that starts in 2026 and ends in 2027 is an estimate too
    assert workdays.after(D(2026, 12, 30), 3).estimated
    assert not workdays.after(D(2026, 12, 1), 3).estimated


def test_the_policy_counts_deadlines_in_months_or_working_days():
    policy = ProvincePolicy(
        start_months=2,
        registration_months=1,
        filing_months=2,
        start_working_days=45,
        registration_working_days=None,
        filing_working_days=20,
    )
    deadlines = policy.deadlines(D(2026, 9, 25), exceeds_standards=False)
    assert deadlines["start_due"] == D(2026, 12, 3)
    assert deadlines["registration_due"] == D(2026, 10, 25)
    assert deadlines["filing_due"] == workdays.after(D(2026, 9, 25), 20).day
    assert deadlines["filing_due"] == D(2026, 10, 29)
