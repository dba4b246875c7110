"""A business review's figures, from counts and records to numbers. Pure: bot/review/service.py reads the store.

Accuracy, its interval, status and changes are the scorecards' (bot/kpi/scorecard.py); the error Pareto is
root-cause analysis's (bot/rca/analysis.py). What is new here: the headline's comparisons, the trend by week or
month, the parts that moved most, and the period's escalations, alerts, calibrations and disputes summed up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from bot.escalations.config import SlaRules
from bot.kpi.periods import Period
from bot.kpi.scorecard import (
    AhtStatus,
    Change,
    Counts,
    Estimate,
    Status,
    Targets,
    accuracy_change,
    accuracy_status,
    aht_status,
    wilson,
)
from bot.store.records import Alert, Escalation

MOVERS_SHOWN = 3
NO_ROOT_CAUSE = "(none recorded)"


@dataclass(frozen=True)
class Headline:
    """The period's accuracy against its SLA target, its volume and AHT, and how accuracy moved."""

    counts: Counts
    targets: Targets
    accuracy: Estimate | None
    status: Status
    aht_mean_s: float | None
    aht_status: AhtStatus
    previous: Period
    change: Change | None
    """Against the previous period of the same length; None without audits in either."""
    previous_audits: int
    year_earlier: Period
    year_change: Change | None
    """Against the same period a year earlier; None without audits then."""
    year_earlier_audits: int


def headline(counts: Counts, *, previous_counts: Counts, year_earlier_counts: Counts, previous: Period,
             year_earlier: Period, targets: Targets) -> Headline:
    """The period's `counts` against its SLA `targets` and the counts of the two periods it is compared with."""
    accuracy = wilson(counts.correct, counts.audits)
    aht = counts.handle_time_sum / counts.timed if counts.timed else None
    return Headline(
        counts=counts, targets=targets, accuracy=accuracy, status=accuracy_status(accuracy, targets.accuracy),
        aht_mean_s=aht,
        aht_status=aht_status(aht, target_s=targets.aht_s),
        previous=previous,
        change=accuracy_change(accuracy, wilson(previous_counts.correct, previous_counts.audits)),
        previous_audits=previous_counts.audits, year_earlier=year_earlier,
        year_change=accuracy_change(accuracy, wilson(year_earlier_counts.correct, year_earlier_counts.audits)),
        year_earlier_audits=year_earlier_counts.audits,
    )


@dataclass(frozen=True)
class TrendPoint:
    """One week's (or month's) accuracy with its 95% interval; None without audits."""

    period: Period
    audits: int
    accuracy: Estimate | None


def trend(points: Sequence[tuple[Period, Counts]]) -> list[TrendPoint]:
    return [TrendPoint(bucket, counts.audits, wilson(counts.correct, counts.audits)) for bucket, counts in points]


@dataclass(frozen=True)
class Mover:
    """A part of the scope (a queue, a market, ...) whose accuracy moved against the previous period."""

    kind: str
    name: str
    audits: int
    accuracy: Estimate
    change: Change


def movers(kind: str, current: Iterable[tuple[str, Counts]], previous: Iterable[tuple[str, Counts]], *,
           min_audits: int, limit: int = MOVERS_SHOWN) -> list[Mover]:
    """The `limit` parts with the largest change in accuracy (either way), among those with at least
    `min_audits` audits in both periods: a handful of audits moves by chance alone."""
    before = {name: counts for name, counts in previous if counts.audits >= min_audits}
    found = []
    for name, counts in current:
        if counts.audits < min_audits or name not in before:
            continue
        accuracy = wilson(counts.correct, counts.audits)
        change = accuracy_change(accuracy, wilson(before[name].correct, before[name].audits))
        found.append(Mover(kind, name, counts.audits, accuracy, change))
    found.sort(key=lambda mover: (-abs(mover.change.delta_points), mover.name))
    return found[:limit]


@dataclass(frozen=True)
class SeverityLine:
    """One severity's escalations of the period against its SLA, in minutes."""

    severity: str
    count: int
    acknowledge_sla_min: float
    mean_acknowledge_min: float | None
    resolve_sla_min: float
    mean_resolve_min: float | None
    acknowledge_breaches: int
    resolve_breaches: int


@dataclass(frozen=True)
class EscalationSummary:
    count: int
    by_severity: list[SeverityLine]
    by_category: list[tuple[str, int]]
    root_causes: list[tuple[str, int]]
    """Of those resolved, most first."""
    open_at_end: int


def escalation_summary(escalations: Sequence[Escalation], *, sla: SlaRules, as_of: datetime) -> EscalationSummary:
    """Escalations filed in the period; one still waiting past its deadline at `as_of` counts as a breach."""
    lines = []
    for severity in sorted({escalation.severity for escalation in escalations}):
        mine = [escalation for escalation in escalations if escalation.severity == severity]
        rule = getattr(sla, severity, None)
        lines.append(SeverityLine(
            severity=severity, count=len(mine),
            acknowledge_sla_min=rule.acknowledge_min if rule else float("nan"),
            mean_acknowledge_min=_mean_minutes((e.created_at, e.acknowledged_at) for e in mine),
            resolve_sla_min=rule.resolve_min if rule else float("nan"),
            mean_resolve_min=_mean_minutes((e.created_at, e.resolved_at) for e in mine),
            acknowledge_breaches=sum(_late(e.acknowledged_at, e.acknowledge_due_at, as_of) for e in mine),
            resolve_breaches=sum(_late(e.resolved_at, e.resolve_due_at, as_of) for e in mine),
        ))
    causes = Counter(e.root_cause or NO_ROOT_CAUSE for e in escalations if e.resolved_at is not None)
    return EscalationSummary(
        count=len(escalations), by_severity=lines,
        by_category=_most_first(Counter(e.category for e in escalations)), root_causes=_most_first(causes),
        open_at_end=sum(e.resolved_at is None or e.resolved_at > as_of for e in escalations),
    )


@dataclass(frozen=True)
class AlertLine:
    readable_id: str
    title: str
    opened_at: datetime
    acknowledge_min: float | None
    """None: not acknowledged."""


@dataclass(frozen=True)
class AlertSummary:
    alerts: list[AlertLine]

    @property
    def acknowledged(self) -> int:
        return sum(line.acknowledge_min is not None for line in self.alerts)

    @property
    def mean_acknowledge_min(self) -> float | None:
        return _mean([line.acknowledge_min for line in self.alerts if line.acknowledge_min is not None])


def alert_summary(alerts: Sequence[Alert]) -> AlertSummary:
    """The SLA-breach alerts opened in the period, oldest first, and how fast each was acknowledged."""
    return AlertSummary([
        AlertLine(alert.readable_id, alert.title, alert.opened_at,
                  None if alert.acknowledged_at is None else _minutes(alert.opened_at, alert.acknowledged_at))
        for alert in sorted(alerts, key=lambda a: (a.opened_at, a.id))])


@dataclass(frozen=True)
class CalibrationLine:
    readable_id: str
    scope: str
    """Its queue and policy, as filed."""
    items: int
    participants: int
    agreement: dict[str, float] = field(default_factory=dict)
    """Figure name (percent agreement, Fleiss' kappa, ...) -> value; NaN where not defined."""


@dataclass(frozen=True)
class DisputeSummary:
    filed: int
    overturned: int

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.filed if self.filed else None


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def _mean_minutes(spans: Iterable[tuple[datetime, datetime | None]]) -> float | None:
    return _mean([_minutes(start, end) for start, end in spans if end is not None])


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def _late(done_at: datetime | None, due_at: datetime, as_of: datetime) -> bool:
    return done_at > due_at if done_at is not None else as_of > due_at


def _most_first(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
