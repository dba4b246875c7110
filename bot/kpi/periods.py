"""Reporting periods: whole UTC days, typed by people as `7d`, `since 2026-10-01` or `a..b`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.errors import PeriodError

PERIOD_HELP = "Use 7d, 30d, 90d, 'since 2026-10-01' or 2026-10-01..2026-10-31."
MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """Days first_day..last_day, both included."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def each_day(self) -> list[date]:
        return [self.first_day + timedelta(days=offset) for offset in range(self.days)]

    def describe(self) -> str:
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()} (UTC, {self.days} days)"


def last_days(days: int, *, now: datetime) -> Period:
    """The last `days` days up to and including today (UTC)."""
    if not 1 <= days <= MAX_DAYS:
        raise PeriodError(f"The number of days must be between 1 and {MAX_DAYS}, not {days}.")
    today = now.astimezone(UTC).date()
    return Period(today - timedelta(days=days - 1), today)


def parse_period(text: str, *, now: datetime) -> Period:
    """Read what a person typed; raise PeriodError saying what is accepted."""
    cleaned = text.strip().lower()
    if match := re.fullmatch(r"(\d+)\s*d(ays?)?", cleaned):
        return last_days(int(match.group(1)), now=now)
    if match := re.fullmatch(r"since\s+(\S+)", cleaned):
        return _checked(_date(match.group(1), text), now.astimezone(UTC).date(), text)
    if match := re.fullmatch(r"(\S+?)\s*\.\.\s*(\S+)", cleaned):
        return _checked(_date(match.group(1), text), _date(match.group(2), text), text)
    raise PeriodError(f"'{text}' is not a period I understand. {PERIOD_HELP}")


def _date(value: str, text: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(f"'{value}' in '{text}' is not a date like 2026-10-01. {PERIOD_HELP}") from None


def _checked(first: date, last: date, text: str) -> Period:
    if last < first:
        raise PeriodError(f"'{text}' ends before it starts; put the earlier date first.")
    period = Period(first, last)
    if period.days > MAX_DAYS:
        raise PeriodError(f"'{text}' spans {period.days} days; the most is {MAX_DAYS}.")
    return period
