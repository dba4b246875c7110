"""From audit counts to a scorecard: accuracy with its interval, status, change, AHT, errors.

Pure: the store hands in counts, this module hands back figures. Intervals and
tests come from statsmodels, not hand-written formulas; it is imported where it is used, not
with this module, so the chart workers, which only unpickle scorecards, do not carry it (and scipy
and pandas with it: 120 MiB a worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from bot.kpi import handle_time
from bot.kpi.periods import Period

if TYPE_CHECKING:
    from bot.kpi.control import DailyControl

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
TOP_ERROR_CATEGORIES = 5


class Status(StrEnum):
    MEETS = "meets"
    BELOW = "below"
    SIGNIFICANTLY_BELOW = "significantly below"
    NO_DATA = "no data"


class AhtStatus(StrEnum):
    MEETS = "meets"
    OVER = "over"
    NO_DATA = "no data"


@dataclass(frozen=True)
class Counts:
    """Audit counts of one scope over some days; add them up freely."""

    audits: int = 0
    correct: int = 0
    false_positive: int = 0
    false_negative: int = 0
    wrong_label: int = 0
    timed: int = 0
    handle_time_sum: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{item.name: getattr(self, item.name) + getattr(other, item.name) for item in fields(self)})

    def __sub__(self, other: Counts) -> Counts:
        """What is left when part of these days' audits is taken out (a local day cut from a UTC one)."""
        return Counts(**{item.name: getattr(self, item.name) - getattr(other, item.name) for item in fields(self)})


def total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())


@dataclass(frozen=True)
class Estimate:
    """A proportion with its 95% Wilson interval."""

    value: float
    low: float
    high: float
    successes: int
    trials: int


def load_statistics() -> None:
    """Import statsmodels now: `qabot run` calls this before serving, so the first requests do not wait for it."""
    import statsmodels.stats.proportion  # noqa: F401


def wilson(successes: int, trials: int) -> Estimate | None:
    if trials == 0:
        return None
    from statsmodels.stats.proportion import proportion_confint  # imported here: see the module docstring

    low, high = proportion_confint(successes, trials, alpha=1 - CONFIDENCE, method="wilson")
    return Estimate(successes / trials, float(low), float(high), successes, trials)


def accuracy_status(accuracy: Estimate | None, target: float) -> Status:
    if accuracy is None:
        return Status.NO_DATA
    if accuracy.value >= target:
        return Status.MEETS
    if accuracy.high < target:
        return Status.SIGNIFICANTLY_BELOW
    return Status.BELOW


@dataclass(frozen=True)
class Change:
    """Accuracy now against the previous period of the same length."""

    previous: Estimate
    delta_points: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE


def accuracy_change(current: Estimate | None, previous: Estimate | None) -> Change | None:
    if current is None or previous is None:
        return None
    p_value = two_proportion_p_value(current.successes, current.trials, previous.successes, previous.trials)
    return Change(previous, (current.value - previous.value) * 100, p_value)


def two_proportion_p_value(successes: int, trials: int, other_successes: int, other_trials: int) -> float:
    """Two-sided p-value of a two-proportion z-test (pooled): is successes/trials different from the other?"""
    if (successes, trials) == (other_successes, other_trials) or \
            successes + other_successes in (0, trials + other_trials):
        return 1.0  # identical or all-equal samples: the z-test is undefined, no evidence of change
    from statsmodels.stats.proportion import proportions_ztest  # imported here: see the module docstring

    _, p_value = proportions_ztest([successes, other_successes], [trials, other_trials])
    return float(p_value)


@dataclass(frozen=True)
class DailyPoint:
    day: date
    audits: int
    accuracy: Estimate | None


@dataclass(frozen=True)
class ErrorShare:
    category: str
    errors: int
    share: float


@dataclass(frozen=True)
class GroupAccuracy:
    name: str
    accuracy: Estimate


@dataclass(frozen=True)
class Breakdown:
    """The weakest parts of a scope along one column (its queues, its agents, ...)."""

    kind: str
    weakest: list[GroupAccuracy]
    too_few: list[GroupAccuracy] = field(default_factory=list)
    """Parts under `min_audits` audits: shown as too few to tell, never ranked; most audits first."""
    min_audits: int = 1


@dataclass(frozen=True)
class LatestError:
    audit_id: str
    item_id: str
    audited_at: datetime
    outcome: str
    error_category: str | None
    agent_decision: str
    qa_decision: str


def weakest(kind: str, rows: Iterable[tuple[str, Counts]], *, limit: int, min_audits: int = 1) -> Breakdown:
    """The `limit` lowest accuracies among (name, counts) rows with at least `min_audits` audits, ties broken by
    volume; the rows under it are set apart, since a handful of audits ranks anyone weakest by chance."""
    groups = [GroupAccuracy(name, wilson(counts.correct, counts.audits)) for name, counts in rows if counts.audits]
    ranked = [group for group in groups if group.accuracy.trials >= min_audits]
    ranked.sort(key=lambda group: (group.accuracy.value, -group.accuracy.trials, group.name))
    too_few = sorted((group for group in groups if group.accuracy.trials < min_audits),
                     key=lambda group: (-group.accuracy.trials, group.name))
    return Breakdown(kind, ranked[:limit], too_few, min_audits)


@dataclass(frozen=True)
class DisputeFigures:
    """The period's audits disputed and overturned, and the accuracy before disputes changed any verdict."""

    filed: int
    overturned: int
    accuracy_before: Estimate | None


def dispute_figures(counts: Counts, *, filed: int, overturned: int, correct_gained: int) -> DisputeFigures | None:
    """`correct_gained`: how many more audits are correct on the final verdicts than on QA's first ones."""
    if not filed:
        return None
    return DisputeFigures(filed, overturned, wilson(counts.correct - correct_gained, counts.audits))


@dataclass(frozen=True)
class Targets:
    accuracy: float
    aht_s: float


@dataclass(frozen=True)
class Scorecard:
    kind: str
    label: str
    period: Period
    targets: Targets
    counts: Counts
    accuracy: Estimate | None
    status: Status
    change: Change | None
    false_positive_rate: float | None
    false_negative_rate: float | None
    wrong_label_rate: float | None
    aht_mean_s: float | None
    aht_p90_s: float | None
    aht_status: AhtStatus
    top_errors: list[ErrorShare] = field(default_factory=list)
    daily: list[DailyPoint] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    latest_errors: list[LatestError] = field(default_factory=list)
    disputes: DisputeFigures | None = None
    control: DailyControl | None = None
    """The daily accuracy against the weeks before the period; None where not drawn."""


def aht_status(mean_s: float | None, *, target_s: float) -> AhtStatus:
    return AhtStatus.NO_DATA if mean_s is None else AhtStatus.MEETS if mean_s <= target_s else AhtStatus.OVER


def build_scorecard(
    *,
    kind: str,
    label: str,
    period: Period,
    targets: Targets,
    daily_counts: dict[date, Counts],
    handle_time_histogram: Sequence[int],
    error_counts: Sequence[tuple[str, int]],
    control: DailyControl | None = None,
) -> Scorecard:
    """Figures for `period`; `daily_counts` may also hold the previous period's days.

    The histogram (see bot.kpi.handle_time) covers `period` only and gives AHT p90.
    """
    previous = period.previous()
    current = total(c for day, c in daily_counts.items() if period.first_day <= day <= period.last_day)
    before = total(c for day, c in daily_counts.items() if previous.first_day <= day <= previous.last_day)
    accuracy = wilson(current.correct, current.audits)
    aht_mean = current.handle_time_sum / current.timed if current.timed else None
    errors_total = sum(n for _, n in error_counts)
    return Scorecard(
        kind=kind,
        label=label,
        period=period,
        targets=targets,
        counts=current,
        accuracy=accuracy,
        status=accuracy_status(accuracy, targets.accuracy),
        change=accuracy_change(accuracy, wilson(before.correct, before.audits)),
        false_positive_rate=_rate(current.false_positive, current.audits),
        false_negative_rate=_rate(current.false_negative, current.audits),
        wrong_label_rate=_rate(current.wrong_label, current.audits),
        aht_mean_s=aht_mean,
        aht_p90_s=handle_time.percentile(handle_time_histogram, 90),
        aht_status=aht_status(aht_mean, target_s=targets.aht_s),
        top_errors=[ErrorShare(category, n, n / errors_total)
                    for category, n in error_counts[:TOP_ERROR_CATEGORIES]],
        daily=daily_series(period, daily_counts),
        control=control,
    )


def daily_series(period: Period, daily_counts: dict[date, Counts]) -> list[DailyPoint]:
    """One point per day of the period, days without audits included (accuracy None)."""
    days = period.each_day()
    counts = [daily_counts.get(day, Counts()) for day in days]
    trials = np.array([c.audits for c in counts])
    successes = np.array([c.correct for c in counts])
    safe = np.maximum(trials, 1)
    from statsmodels.stats.proportion import proportion_confint  # imported here: see the module docstring

    low, high = proportion_confint(successes, safe, alpha=1 - CONFIDENCE, method="wilson")
    return [
        DailyPoint(day, int(n), Estimate(k / n, float(lo), float(hi), int(k), int(n)) if n else None)
        for day, n, k, lo, hi in zip(days, trials, successes, np.atleast_1d(low), np.atleast_1d(high))
    ]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
