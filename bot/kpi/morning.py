"""The morning report of one team: yesterday and the last 7 local days, movers, comparison. Pure.

The job fetches counts per local day (and per part: vendor, queue or market) for the
last TREND_DAYS local days; everything else is worked out here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.kpi.control import accuracy_control
from bot.kpi.periods import Period
from bot.kpi.scorecard import (
    Change,
    Counts,
    Estimate,
    Scorecard,
    Targets,
    accuracy_change,
    build_scorecard,
    total,
    wilson,
)

TREND_DAYS = 14
WEEK_DAYS = 7
MOVERS = 3
MOVER_MIN_AUDITS = 30
COMPARISON_PARTS = 12


@dataclass(frozen=True)
class Part:
    """One vendor, queue or market of the team over the last 7 days, against its own target."""

    name: str
    accuracy: Estimate
    target: float
    change: Change | None


@dataclass(frozen=True)
class EscalationDigest:
    open: int = 0
    overdue: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertLine:
    readable_id: str
    title: str
    acknowledged: bool


@dataclass(frozen=True)
class MorningReport:
    team: str
    label: str
    timezone: str
    today: date
    yesterday: Scorecard
    week: Scorecard
    trend: Scorecard
    compare_kind: str
    parts: list[Part]
    """The comparison, weakest first, at most COMPARISON_PARTS (the biggest by volume)."""
    more_parts: int
    movers: list[Part]
    escalations: EscalationDigest
    alerts: list[AlertLine]
    last_audit_at: datetime | None
    repeats: list[tuple[str, int]] = field(default_factory=list)
    """(error category, agents who repeat it over the last 7 days), most agents first."""

    @property
    def has_yesterday(self) -> bool:
        return self.yesterday.accuracy is not None


def trend_days(today: date) -> tuple[date, date]:
    """The first and last local day the report reads: TREND_DAYS days ending yesterday."""
    return today - timedelta(days=TREND_DAYS), today - timedelta(days=1)


def build_morning_report(
    *,
    team: str,
    label: str,
    timezone: str,
    today: date,
    targets: Targets,
    compare_kind: str,
    day_counts: Mapping[tuple[int, str | None], Counts],
    part_targets: Mapping[str, tuple[str, float]],
    week_histogram: Sequence[int],
    yesterday_histogram: Sequence[int],
    week_errors: Sequence[tuple[str, int]],
    escalations: EscalationDigest,
    alerts: list[AlertLine],
    last_audit_at: datetime | None,
    baseline_counts: Mapping[date, Counts],
    baseline_days: int,
    repeats: list[tuple[str, int]] | None = None,
) -> MorningReport:
    """`day_counts` maps (day index from the first trend day, part value) to counts;
    `part_targets` maps each part value to its display name and accuracy target; `baseline_counts`, the
    `baseline_days` before the trend (UTC days: a centre line and its spread barely move with the day's
    edges), give the trend chart its control limits."""
    first, yesterday = trend_days(today)
    by_day: dict[date, Counts] = {}
    for (index, _part), counts in day_counts.items():
        day = first + timedelta(days=index)
        by_day[day] = by_day.get(day, Counts()) + counts
    week = Period(yesterday - timedelta(days=WEEK_DAYS - 1), yesterday)

    def card(period: Period, histogram: Sequence[int], errors: Sequence[tuple[str, int]]) -> Scorecard:
        return build_scorecard(kind="team", label=label, period=period, targets=targets, daily_counts=by_day,
                               handle_time_histogram=histogram, error_counts=errors)

    trend = card(Period(first, yesterday), [], [])
    parts = _parts(day_counts, part_targets, week_start=WEEK_DAYS)
    by_volume = sorted(parts, key=lambda part: -part.accuracy.trials)[:COMPARISON_PARTS]
    movers = [part for part in parts if part.change is not None and part.change.previous.trials >= MOVER_MIN_AUDITS
              and part.accuracy.trials >= MOVER_MIN_AUDITS]
    movers.sort(key=lambda part: (-abs(part.change.delta_points), part.name))
    return MorningReport(
        team=team, label=label, timezone=timezone, today=today,
        yesterday=card(Period(yesterday, yesterday), yesterday_histogram, []),
        week=card(week, week_histogram, week_errors),
        trend=dataclasses.replace(trend, control=accuracy_control(
            trend.period, {**baseline_counts, **by_day}, baseline_days=baseline_days)),
        compare_kind=compare_kind,
        parts=sorted(by_volume, key=lambda part: (part.accuracy.value, part.name)),
        more_parts=len(parts) - len(by_volume),
        movers=movers[:MOVERS],
        escalations=escalations, alerts=alerts, last_audit_at=last_audit_at, repeats=repeats or [],
    )


def _parts(day_counts: Mapping[tuple[int, str | None], Counts], part_targets: Mapping[str, tuple[str, float]],
           *, week_start: int) -> list[Part]:
    recent: dict[str, list[Counts]] = {}
    before: dict[str, list[Counts]] = {}
    for (index, value), counts in day_counts.items():
        if value is None:
            continue
        (recent if index >= week_start else before).setdefault(value, []).append(counts)
    parts = []
    for value, counts in recent.items():
        now = total(counts)
        if not now.audits:
            continue
        previous = total(before.get(value, []))
        name, target = part_targets[value]
        accuracy = wilson(now.correct, now.audits)
        parts.append(Part(name, accuracy, target, accuracy_change(accuracy, wilson(previous.correct, previous.audits))))
    return parts
