"""Did coaching work? The agent's accuracy on the focus before and after, compared with a test. Pure.

"Accuracy on the focus": of the agent's audits (within the focus policy, if the coaching names one),
the share without an error of the focus category (or, with a policy only, the share correct). The
difference after - before comes with its 95% interval (Newcombe's hybrid score interval) and the
p-value of a two-proportion z-test; the verdict follows the test, never the raw difference.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.kpi.scorecard import SIGNIFICANCE, Estimate, two_proportion_p_value, wilson


def before_days_of(coached: date, *, before_days: int) -> tuple[date, date]:
    """The whole UTC days "before coaching": `before_days` of them, up to the day before the coaching day."""
    return coached - timedelta(days=before_days), coached - timedelta(days=1)


def after_days_of(coached: date, *, follow_up_on: date) -> tuple[date, date]:
    """The whole UTC days "since coaching": from the day after the coaching day (that day's audits may be the
    very errors that prompted it) up to the day before the follow-up."""
    return coached + timedelta(days=1), follow_up_on - timedelta(days=1)


class Verdict(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no measurable change"
    WORSE = "worse"
    TOO_FEW = "too few audits after coaching to tell"
    NO_BASELINE = "no audits before coaching to compare with"


@dataclass(frozen=True)
class Effect:
    before: Estimate | None
    after: Estimate | None
    verdict: Verdict
    difference_points: float | None = None
    """after - before, in percentage points."""
    low_points: float | None = None
    high_points: float | None = None
    p_value: float | None = None
    more_audits_needed: int = 0
    """With too few audits after coaching: how many more reach [coaching].min_audits."""

    def as_json(self) -> dict:
        return {**asdict(self), "verdict": self.verdict.value}


def coaching_effect(*, before: tuple[int, int], after: tuple[int, int], min_audits: int) -> Effect:
    """`before` and `after` are (audits, audits right on the focus)."""
    before_estimate, after_estimate = wilson(before[1], before[0]), wilson(after[1], after[0])
    if after[0] < min_audits:
        return Effect(before_estimate, after_estimate, Verdict.TOO_FEW, more_audits_needed=min_audits - after[0])
    if before_estimate is None:
        return Effect(None, after_estimate, Verdict.NO_BASELINE)
    from statsmodels.stats.proportion import confint_proportions_2indep  # imported here, as in bot.kpi.scorecard

    low, high = confint_proportions_2indep(after[1], after[0], before[1], before[0], method="newcomb",
                                           alpha=1 - 0.95)
    p_value = two_proportion_p_value(after[1], after[0], before[1], before[0])
    difference = after_estimate.value - before_estimate.value
    verdict = Verdict.NO_CHANGE if p_value >= SIGNIFICANCE else Verdict.IMPROVED if difference > 0 else Verdict.WORSE
    return Effect(before_estimate, after_estimate, verdict, difference * 100, float(low) * 100, float(high) * 100,
                  p_value)


@dataclass(frozen=True)
class Effectiveness:
    """How coaching went, over closed records that had a verdict on figures."""

    measured: int
    improved: int
    median_change_points: float | None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.measured if self.measured else None


def effectiveness(results: Iterable[dict]) -> Effectiveness:
    """From the kept follow-up figures (Effect.as_json) of closed records; those without a test are left out."""
    measured = [result for result in results if result.get("difference_points") is not None]
    changes = [result["difference_points"] for result in measured]
    return Effectiveness(len(measured), sum(1 for r in measured if r["verdict"] == Verdict.IMPROVED.value),
                         statistics.median(changes) if changes else None)
