"""A scope's sums over a review's periods of local days, midnight to midnight in the review's time zone.

The roll-ups are per UTC day; a week in Auckland or Los Angeles starts and ends inside UTC days. Each period is
its UTC days' roll-ups with the part-days at its ends read from the audits (bot/store/day_edges.py) and summed by
bot/kpi/local_days.py. In UTC there are no part-days and nothing more is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.kpi.local_days import between, local_midnight, utc_days
from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts, total
from bot.rca.analysis import CategoryErrors
from bot.store.day_edges import category_errors_before, counts_before
from bot.store.kpi import ScopeFilter, counts_by, daily_counts
from bot.store.rca import category_errors


class LocalSums:
    """Counts, parts and error categories of one scope over local-day periods; the daily roll-ups of `periods`
    (every one the review will ask about) are read once, up front."""

    def __init__(self, session: Session, *, scope: ScopeFilter, zone: ZoneInfo, periods: Sequence[Period]):
        self._session, self._scope, self._zone = session, scope, zone
        spans = [self.span(period) for period in periods]
        self._daily: dict[date, Counts] = {}
        for first, last in _runs([utc_days(*span) for span in spans]):
            self._daily.update(daily_counts(session, scope=scope, first_day=first, last_day=last))
        self._before = counts_before(session, scope=scope, instants=[instant for span in spans for instant in span])

    def span(self, period: Period) -> tuple[datetime, datetime]:
        """The UTC instants of the period's first local midnight and of the one after its last day."""
        return (local_midnight(self._zone, period.first_day),
                local_midnight(self._zone, period.last_day + timedelta(days=1)))

    def counts(self, period: Period) -> Counts:
        start, end = self.span(period)
        first, last = utc_days(start, end)
        inside = {None: total(counts for day, counts in self._daily.items() if first <= day <= last)}
        return between(inside, before_end=self._before.get(end, {}),
                       before_start=self._before.get(start, {}))[None]

    def parts(self, period: Period, *, column: str) -> list[tuple[str, Counts]]:
        """The scope's values of `column` (its queues, ...) with audits in the period, by name."""
        start, end = self.span(period)
        first, last = utc_days(start, end)
        inside = dict(counts_by(self._session, scope=self._scope, column=column, first_day=first, last_day=last))
        before = counts_before(self._session, scope=self._scope, instants=(start, end), by=column)
        summed = between(inside, before_end=before.get(end, {}), before_start=before.get(start, {}))
        return sorted((name, counts) for name, counts in summed.items() if name is not None and counts.audits)

    def category_errors(self, period: Period) -> list[CategoryErrors]:
        start, end = self.span(period)
        first, last = utc_days(start, end)
        inside = {row.category: row for row in category_errors(self._session, scope=self._scope, first_day=first,
                                                               last_day=last)}
        before = category_errors_before(self._session, scope=self._scope, instants=(start, end))
        summed = between(inside, before_end=before.get(end, {}), before_start=before.get(start, {}))
        return [row for row in summed.values() if row.errors]


def _runs(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Day ranges merged where they touch or overlap, so adjacent periods are read in one query."""
    runs: list[tuple[date, date]] = []
    for first, last in sorted(span for span in ranges if span[0] <= span[1]):
        if runs and first <= runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    return runs
