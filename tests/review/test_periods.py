from datetime import UTC, date, datetime

import pytest

from bot.errors import PeriodError
from bot.kpi.periods import Period
from bot.review.periods import is_quarter, previous_like, review_period, trend_buckets, year_earlier

SUNDAY = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("week", date(2026, 11, 9), date(2026, 11, 15)),
    ("13w", date(2026, 8, 17), date(2026, 11, 15)),
    ("month", date(2026, 10, 1), date(2026, 10, 31)),
    ("quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-10-01..2026-10-14", date(2026, 10, 1), date(2026, 10, 14)),
])
def test_review_periods_are_whole_weeks_months_and_quarters(text, first, last):
    period = review_period(text, now=SUNDAY)
    assert (period.first_day, period.last_day) == (first, last)


def test_a_monday_review_covers_the_week_just_ended():
    period = review_period("week", now=datetime(2026, 11, 23, 0, 1, tzinfo=UTC))
    assert (period.first_day, period.last_day) == (date(2026, 11, 16), date(2026, 11, 22))


def test_an_unknown_period_says_what_is_accepted():
    with pytest.raises(PeriodError, match="week, month, quarter, 13w"):
        review_period("fortnight", now=SUNDAY)


def test_a_quarter_trends_by_month_and_a_week_by_thirteen_weeks():
    quarter = review_period("quarter", now=SUNDAY)
    months = trend_buckets(quarter, weeks=13, months=12)
    assert is_quarter(quarter) and len(months) == 12
    assert (months[0].first_day, months[-1].last_day) == (date(2025, 10, 1), date(2026, 9, 30))
    weeks = trend_buckets(review_period("week", now=SUNDAY), weeks=13, months=12)
    assert len(weeks) == 13 and all(w.days == 7 and w.first_day.weekday() == 0 for w in weeks)
    assert weeks[-1].last_day == date(2026, 11, 15)


def test_a_year_earlier_keeps_weekdays_for_weeks_and_dates_for_months():
    week = year_earlier(review_period("week", now=SUNDAY))
    assert (week.first_day, week.first_day.weekday()) == (date(2025, 11, 10), 0)
    month = year_earlier(review_period("month", now=SUNDAY))
    assert (month.first_day, month.last_day) == (date(2025, 10, 1), date(2025, 10, 31))


@pytest.mark.parametrize(("period", "before"), [
    (Period(date(2026, 3, 1), date(2026, 3, 31)), Period(date(2026, 2, 1), date(2026, 2, 28))),
    (Period(date(2026, 1, 1), date(2026, 3, 31)), Period(date(2025, 10, 1), date(2025, 12, 31))),
    (Period(date(2026, 1, 1), date(2026, 1, 31)), Period(date(2025, 12, 1), date(2025, 12, 31))),
    (Period(date(2026, 11, 9), date(2026, 11, 15)), Period(date(2026, 11, 2), date(2026, 11, 8))),
    (Period(date(2026, 11, 3), date(2026, 11, 30)), Period(date(2026, 10, 6), date(2026, 11, 2))),
])
def test_a_month_or_quarter_is_compared_with_the_calendar_one_before(period, before):
    assert previous_like(period) == before
