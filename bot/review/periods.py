"""A business review's periods: whole weeks and calendar months or quarters, as leadership reviews them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import PeriodError
from bot.kpi.periods import PERIOD_HELP, Period, parse_period

REVIEW_PERIOD_HELP = f"Use week, month, quarter, 13w, or a period: {PERIOD_HELP}"
WEEK_DAYS = 7
MOST_WEEKS = 104
CALENDAR_PERIODS = ("week", "month", "quarter")
UTC_ZONE = ZoneInfo("UTC")


def review_period(text: str, *, now: datetime, zone: ZoneInfo = UTC_ZONE) -> Period:
    """`week`: the previous Monday to Sunday; `Nw`: the N whole weeks before this one; `month`, `quarter`: the
    previous calendar one (all before today in `zone`); anything else as the other commands read it (PeriodError
    saying what is accepted)."""
    cleaned = text.strip().lower()
    today = now.astimezone(zone).date()
    if cleaned in CALENDAR_PERIODS:
        return period_before(cleaned, today=today)
    if match := re.fullmatch(r"(\d+)\s*w(eeks?)?", cleaned):
        weeks = int(match.group(1))
        if not 1 <= weeks <= MOST_WEEKS:
            raise PeriodError(f"The number of weeks must be between 1 and {MOST_WEEKS}, not {weeks}.")
        return _weeks_before(_monday_of(today), weeks)
    try:
        return parse_period(text, now=now)
    except PeriodError:
        raise PeriodError(f"'{text}' is not a review period I understand. {REVIEW_PERIOD_HELP}") from None


def period_before(kind: str, *, today: date) -> Period:
    """The whole `week` (Monday to Sunday), calendar `month` or `quarter` before the one `today` is in: a
    scheduled review passes its local date, so Monday 09:00 in Auckland (Sunday in UTC) still reviews the week just ended."""
    if kind == "week":
        return _weeks_before(_monday_of(today), 1)
    if kind == "month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    first_of_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = first_of_this - timedelta(days=1)
    return Period(date(last.year, last.month - 2, 1), last)


def is_quarter(period: Period) -> bool:
    """A calendar quarter: its trend is drawn by month rather than by week."""
    first, last = period.first_day, period.last_day
    return (first.day == 1 and first.month % 3 == 1 and (last + timedelta(days=1)).day == 1
            and (last.year, last.month) == (first.year, first.month + 2))


def previous_like(period: Period) -> Period:
    """The period a review compares with: the calendar months just before a run of whole months (a March review
    against February, a quarter against the quarter before), else as many days just before."""
    first, after = period.first_day, period.last_day + timedelta(days=1)
    if first.day != 1 or after.day != 1:
        return period.previous()
    months = (after.year - first.year) * 12 + after.month - first.month
    start = first.year * 12 + first.month - 1 - months
    return Period(date(start // 12, start % 12 + 1, 1), first - timedelta(days=1))


def year_earlier(period: Period) -> Period:
    """The same period a year before: 52 weeks before for whole weeks (same weekdays), else the same dates."""
    if period.first_day.weekday() == 0 and period.days % WEEK_DAYS == 0:
        return Period(period.first_day - timedelta(weeks=52), period.last_day - timedelta(weeks=52))
    return Period(_a_year_before(period.first_day), _a_year_before(period.last_day))


def trend_buckets(period: Period, *, weeks: int, months: int) -> list[Period]:
    """The trend's points, oldest first, ending with the period's last day: `months` calendar months for a
    quarter, else `weeks` weeks (Monday to Sunday when the period ends on a Sunday)."""
    if is_quarter(period):
        buckets, last = [], period.last_day
        for _ in range(months):
            first = last.replace(day=1)
            buckets.append(Period(first, last))
            last = first - timedelta(days=1)
        return buckets[::-1]
    end = period.last_day
    return [Period(end - timedelta(days=WEEK_DAYS * (n + 1) - 1), end - timedelta(days=WEEK_DAYS * n))
            for n in reversed(range(weeks))]


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks_before(monday: date, weeks: int) -> Period:
    return Period(monday - timedelta(weeks=weeks), monday - timedelta(days=1))


def _a_year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)
