from datetime import UTC, date, datetime

import pytest

from bot.errors import PeriodError
from bot.kpi.periods import Period, last_days, parse_period

NOW = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)


def test_last_days_ends_today_in_utc():
    manila_morning = datetime.fromisoformat("2026-11-22T08:00:00+08:00")
    assert last_days(7, now=manila_morning) == Period(date(2026, 11, 16), date(2026, 11, 22))


def test_previous_period_has_the_same_length():
    assert Period(date(2026, 11, 16), date(2026, 11, 22)).previous() == Period(date(2026, 11, 9), date(2026, 11, 15))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", Period(date(2026, 11, 16), date(2026, 11, 22))),
        ("30 days", Period(date(2026, 10, 24), date(2026, 11, 22))),
        ("since 2026-10-01", Period(date(2026, 10, 1), date(2026, 11, 22))),
        ("2026-10-01..2026-10-31", Period(date(2026, 10, 1), date(2026, 10, 31))),
        (" 2026-10-01 .. 2026-10-01 ", Period(date(2026, 10, 1), date(2026, 10, 1))),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("last week", "not a period I understand"),
        ("0d", "between 1 and"),
        ("since yesterday", "'yesterday' in 'since yesterday' is not a date"),
        ("2026-10-31..2026-10-01", "ends before it starts"),
        ("2026-13-01..2026-10-01", "not a date like 2026-10-01"),
    ],
)
def test_bad_periods_say_what_is_accepted(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text, now=NOW)
