"""Local calendar days and local posting times, turned into UTC instants (DST included).

A team in Dublin means by "yesterday" the 23, 24 or 25 hours between two Dublin
midnights, and by "09:00" a UTC time that moves when the clocks change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, Self, TypeVar
from zoneinfo import ZoneInfo

from bot.config_types import WEEKDAYS

LOOK_BACK_DAYS = 8
MONTHLY_LOOK_BACK_DAYS = 100
"""Long enough to reach the first Monday (say) of the previous quarter's month."""


def local_midnight(zone: ZoneInfo, day: date) -> datetime:
    """The UTC instant a local day starts (where midnight is skipped by DST, the first hour that exists)."""
    return _existing(datetime.combine(day, time.min, tzinfo=zone)).astimezone(UTC)


def local_day_edges(zone: ZoneInfo, first: date, last: date) -> list[datetime]:
    """UTC instants of the local midnights that bound days first..last: one more than the days."""
    return [local_midnight(zone, first + timedelta(days=offset)) for offset in range((last - first).days + 2)]


class Summable(Protocol):
    def __add__(self, other: Self) -> Self: ...
    def __sub__(self, other: Self) -> Self: ...


K = TypeVar("K")
V = TypeVar("V", bound=Summable)


def utc_days(start: datetime, end: datetime) -> tuple[date, date]:
    """The UTC days whose roll-ups the instants [start, end) draw on: start's, up to the one before end's (none
    when both fall in one UTC day)."""
    return start.astimezone(UTC).date(), end.astimezone(UTC).date() - timedelta(days=1)


def between(inside: Mapping[K, V], *, before_end: Mapping[K, V], before_start: Mapping[K, V]) -> dict[K, V]:
    """Counts of [start, end) keyed alike (by part, by category): the roll-ups of its utc_days (`inside`), plus
    what end's UTC day holds before end, less what start's UTC day holds before start."""
    summed = dict(inside)
    for key, value in before_end.items():
        summed[key] = summed[key] + value if key in summed else value
    for key, value in before_start.items():
        summed[key] = summed[key] - value
    return summed


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def latest_post_time(*, zone: ZoneInfo, at: time, weekdays: list[str], now: datetime,
                     months: tuple[int, ...] = ()) -> datetime | None:
    """The most recent scheduled post (UTC) at or before `now`: local time `at` on one of `weekdays`; with
    `months`, only in the first seven days of those months (the first Monday of a month or quarter)."""
    today = local_today(zone, now)
    for back in range(MONTHLY_LOOK_BACK_DAYS if months else LOOK_BACK_DAYS):
        day = today - timedelta(days=back)
        if WEEKDAYS[day.weekday()] not in weekdays or (months and (day.month not in months or day.day > 7)):
            continue
        moment = _existing(datetime.combine(day, at, tzinfo=zone)).astimezone(UTC)
        if moment <= now:
            return moment
    return None


def _existing(local: datetime) -> datetime:
    """A wall time a spring-forward change skips is moved on by the gap (01:30 -> 02:30), as clocks do."""
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return round_trip.replace(fold=0)
    return local
