"""A scope's daily accuracy as a control chart: each day of the period against the weeks before it. Pure.

The baseline is the `baseline_days` just before the period (default 8 weeks, `[defaults].control_baseline_weeks`),
so a drop inside the period cannot pull its own centre line down. The limits and rules: bot/spc/limits.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts
from bot.spc.limits import ControlChart, control_chart


@dataclass(frozen=True)
class DailyControl:
    chart: ControlChart
    baseline: Period
    """The days the centre line and limits come from."""


def baseline_period(period: Period, *, baseline_days: int) -> Period:
    return Period(period.first_day - timedelta(days=baseline_days), period.first_day - timedelta(days=1))


def accuracy_control(period: Period, daily_counts: Mapping[date, Counts], *, baseline_days: int) -> DailyControl:
    """The period's daily accuracy with limits from the `baseline_days` before it (`daily_counts` holds both)."""
    baseline = baseline_period(period, baseline_days=baseline_days)
    before = [daily_counts.get(day, Counts()) for day in baseline.each_day()]
    days = period.each_day()
    charted = [daily_counts.get(day, Counts()) for day in days]
    chart = control_chart(baseline_audits=[c.audits for c in before], baseline_successes=[c.correct for c in before],
                          days=days, audits=[c.audits for c in charted], successes=[c.correct for c in charted])
    return DailyControl(chart, baseline)
