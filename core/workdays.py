"""Working days in mainland China: weekends and public holidays off, the adjusted
Saturdays and Sundays (调休) worked, as the State Council publishes them each year.

The calendar is the `chinese-calendar` package (pinned in pyproject.toml); it knows the
years it ships with (`KNOWN_YEARS`). Past the last of them, deadlines are still needed
(a meeting next January, a list published in December), so a day of an unknown year
counts as a working day when it is Monday to Friday, and the result says it is an
estimate: the screens show it as such until the package is updated.
"""

import datetime
from typing import NamedTuple

import chinese_calendar

KNOWN_YEARS = frozenset(day.year for day in chinese_calendar.holidays)


class WorkingDay(NamedTuple):
    day: datetime.date
    # True when a day counted lies in a year the holiday calendar does not know yet.
    estimated: bool


def is_known(day: datetime.date) -> bool:
    return day.year in KNOWN_YEARS


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is worked; Monday to Friday in a year the calendar does not know."""
    if not is_known(day):
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def shift(day: datetime.date, working_days: int) -> WorkingDay:
    """The working day `working_days` working days after `day` (before it when
    negative); `day` itself is not counted. 45 working days from a list published on a
    Friday end on the 45th working day after it."""
    step = 1 if working_days >= 0 else -1
    left = abs(working_days)
    estimated = False
    while left:
        day += datetime.timedelta(days=step)
        estimated |= not is_known(day)
        if is_working_day(day):
            left -= 1
    return WorkingDay(day, estimated)


def after(day: datetime.date, working_days: int) -> WorkingDay:
    return shift(day, working_days)


def before(day: datetime.date, working_days: int) -> WorkingDay:
    return shift(day, -working_days)
