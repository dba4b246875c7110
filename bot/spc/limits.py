"""Control limits for a daily proportion chart (p or Laney p′) and the Western Electric rules. Pure.

API, for chart drawing:

    chart = control_chart(baseline_audits=[...], baseline_successes=[...],      # e.g. the previous 8 weeks
                          days=[date, ...], audits=[...], successes=[...])       # the charted days
    chart.points[i], chart.lower[i], chart.upper[i]   # proportions per charted day; None on a day without audits
    chart.centre                                      # p̄ of the baseline, None when it gives no limits
    chart.caption                                     # "p′ chart (Laney, σz = 1.42): limits widened ..." / "p chart ..."
                                                      # or why there are no limits ("the baseline has only 5 days ...")
    chart.signals                                     # Signal(rule, side, first, last, fired, description):
                                                      # indexes into the charted days, mark points first..last;
                                                      # description: "12 Nov: below the lower control limit (3σ)"
    chart.baseline                                    # Baseline(centre, sigma_z, days, audits) or None

Lower level: `fit_baseline(audits=, successes=)` -> Baseline | None (with `baseline.z(audits=, successes=)`,
z-scores in the chosen chart's sigma units, NaN on empty days), and `rule_hits(z, rule)` -> (below, above) boolean
arrays, vectorised over the last axis, which the shift detectors and the benchmark use; `describe(rule, side,
first, last)` and `span(first, last)` word a pattern and its days.

Works on any proportion (successes out of audits): charts show accuracy, the shift detectors watch errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

import numpy as np
from numpy.typing import ArrayLike

SIGMAS = 3.0
D2 = 1.128
"""Mean moving range of two normal values over their sigma (the d2 constant for n = 2)."""
MIN_BASELINE_DAYS = 7
"""Fewer days with audits give too few moving ranges (six) to estimate day-to-day variation."""
MIN_BASELINE_AUDITS = 100
DISPERSION_ALPHA = 0.05
"""Under about a hundred audits the centre line itself is uncertain by several points."""


class Method(StrEnum):
    P = "p"
    LANEY = "laney"


class Side(StrEnum):
    ABOVE = "above"
    BELOW = "below"


class Rule(IntEnum):
    """The Western Electric rules, numbered as in the handbook."""

    BEYOND_3_SIGMA = 1
    TWO_OF_THREE_BEYOND_2_SIGMA = 2
    FOUR_OF_FIVE_BEYOND_1_SIGMA = 3
    EIGHT_ON_ONE_SIDE = 4


ALL_RULES = tuple(Rule)
PATTERNS = {  # rule: (days in the window, how many must be beyond, how far from the centre in sigmas)
    Rule.BEYOND_3_SIGMA: (1, 1, 3.0),
    Rule.TWO_OF_THREE_BEYOND_2_SIGMA: (3, 2, 2.0),
    Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA: (5, 4, 1.0),
    Rule.EIGHT_ON_ONE_SIDE: (8, 8, 0.0),
}


@dataclass(frozen=True)
class Baseline:
    """The centre line and day-to-day variation of a scope over its baseline days.

    `sigma_z` is Laney's measure of how much the days vary beyond binomial noise (1 = binomial): the
    baseline's daily z-scores' mean moving range / 1.128. The p′ chart is used where the days are
    overdispersed: sigma_z > 1 and the chi-square test of the days against one binomial rate (Σz² on
    days - 1 degrees of freedom) rejects it at 5%. At thousands of audits a day real variation exceeds
    binomial and a p chart's limits page on noise; at a few hundred, a sigma_z just over 1 is usually chance,
    and the caption should not claim otherwise. Laney limits are never tighter than the p chart's.
    """

    centre: float
    sigma_z: float
    days: int
    audits: int
    overdispersed: bool = True
    """The days vary more than one binomial rate allows (chi-square test, 5%)."""

    @property
    def method(self) -> Method:
        return Method.LANEY if self.sigma_z > 1 and self.overdispersed else Method.P

    @property
    def scale(self) -> float:
        """What the binomial sigma is multiplied by on the chosen chart."""
        return self.sigma_z if self.method is Method.LANEY else 1.0

    @property
    def caption(self) -> str:
        if self.method is Method.LANEY:
            return (f"p′ chart (Laney, σz = {self.sigma_z:.2f}): limits widened for day-to-day variation "
                    "beyond binomial")
        return f"p chart (σz = {self.sigma_z:.2f}: day-to-day variation within binomial)"

    def sigma(self, audits: ArrayLike) -> np.ndarray:
        """Each day's sigma on the chosen chart (NaN where there were no audits)."""
        n = np.asarray(audits, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n > 0, self.scale * np.sqrt(self.centre * (1 - self.centre) / n), np.nan)

    def z(self, *, audits: ArrayLike, successes: ArrayLike) -> np.ndarray:
        """Each day's distance from the centre line in the chosen chart's sigmas (NaN where there were no audits)."""
        n, x = np.asarray(audits, dtype=float), np.asarray(successes, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (x / n - self.centre) / self.sigma(n)


def baseline_shortfall(*, audits: ArrayLike, successes: ArrayLike) -> str | None:
    """Why these baseline days give no control limits, in words; None when they do."""
    n, x = np.asarray(audits, dtype=float), np.asarray(successes, dtype=float)
    days, total = int(np.count_nonzero(n > 0)), int(n.sum())
    if days < MIN_BASELINE_DAYS or total < MIN_BASELINE_AUDITS:
        return (f"no control limits: the baseline has {days} day{'s' * (days != 1)} with audits ({total:,} audits); "
                f"they need at least {MIN_BASELINE_DAYS} days and {MIN_BASELINE_AUDITS} audits")
    if x.sum() in (0, total):
        return "no control limits: the baseline never varied (every audit had the same outcome)"
    return None


def fit_baseline(*, audits: ArrayLike, successes: ArrayLike) -> Baseline | None:
    """Centre line p̄ = Σx/Σn and Laney's sigma_z over the baseline days; None when `baseline_shortfall` says why.

    Days without audits are left out; the moving ranges are between successive days with audits.
    """
    if baseline_shortfall(audits=audits, successes=successes) is not None:
        return None
    n, x = np.asarray(audits, dtype=float), np.asarray(successes, dtype=float)
    n, x = n[n > 0], x[n > 0]
    centre = x.sum() / n.sum()
    z = (x / n - centre) / np.sqrt(centre * (1 - centre) / n)
    from scipy.stats import chi2  # here, not at import: chart workers start without scipy

    return Baseline(centre=float(centre), sigma_z=float(np.abs(np.diff(z)).mean() / D2),
                    days=len(n), audits=int(n.sum()),
                    overdispersed=bool(chi2.sf(float((z ** 2).sum()), len(n) - 1) < DISPERSION_ALPHA))


def rule_hits(z: ArrayLike, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """Where `rule` is met, as (below, above) boolean arrays shaped like z: True at the day completing the pattern.

    A day is flagged when the window ending on it holds the pattern and the day itself is one of the points
    beyond, so one pattern is not reported again on the quiet days after it. Works along the last axis (many
    series at once); a day without audits (NaN) is beyond nothing and breaks a pattern.
    """
    z = np.asarray(z, dtype=float)
    window, needed, line = PATTERNS[rule]
    hits = []
    for beyond in (np.nan_to_num(z, nan=0.0) < -line, np.nan_to_num(z, nan=0.0) > line):
        count = np.cumsum(beyond, axis=-1, dtype=np.int32)
        shifted = np.zeros_like(count)
        shifted[..., window:] = count[..., :-window]
        hits.append(beyond & (count - shifted >= needed))
    return hits[0], hits[1]


@dataclass(frozen=True)
class Signal:
    """A Western Electric rule met on the chart; overlapping or touching patterns of one rule and side make one
    signal ("15–22 Nov: below the lower control limit", not eight lines)."""

    rule: Rule
    side: Side
    first: int
    """Index of the first charted day of the pattern."""
    last: int
    fired: int
    """Index of the day the rule was first met."""
    description: str


def western_electric(z: ArrayLike, *, days: Sequence[date], rules: Iterable[Rule] = ALL_RULES) -> list[Signal]:
    """The signals of `rules` on one series of z-scores (as from `Baseline.z`), in order of their first day.

    Days without audits (NaN) are left out, so a run goes on across them: a vendor that audits on weekdays
    only still has 8 of its days in a row below the centre line. Indexes stay those of `days`."""
    z = np.asarray(z, dtype=float)
    audited = np.flatnonzero(~np.isnan(z))
    z, days = z[audited], [days[index] for index in audited]
    signals = []
    for rule in rules:
        for side, hits in zip((Side.BELOW, Side.ABOVE), rule_hits(z, rule)):
            spans: list[list[int]] = []
            for fired in np.flatnonzero(hits).tolist():
                first = _first_of_pattern(z, rule=rule, side=side, fired=fired)
                if spans and first <= spans[-1][1] + 1:  # touching patterns read as one
                    spans[-1][1] = fired
                else:
                    spans.append([first, fired, fired])
            signals += [Signal(rule=rule, side=side, first=int(audited[first]), last=int(audited[last]),
                               fired=int(audited[fired]),
                               description=describe(rule, side, days[first], days[last], points=last - first + 1))
                        for first, last, fired in spans]
    return sorted(signals, key=lambda signal: (signal.first, signal.rule))


def flagged_days(z: ArrayLike, signals: Iterable[Signal]) -> tuple[bool, ...]:
    """The days a chart marks: within a signal, those beyond its rule's line on its side (not the quiet days
    a "2 of 3" pattern spans)."""
    z = np.nan_to_num(np.asarray(z, dtype=float), nan=0.0)
    flagged = np.zeros(len(z), dtype=bool)
    for signal in signals:
        line = PATTERNS[signal.rule][2]
        part = z[signal.first:signal.last + 1]
        flagged[signal.first:signal.last + 1] |= part < -line if signal.side is Side.BELOW else part > line
    return tuple(bool(day) for day in flagged)


def _first_of_pattern(z: np.ndarray, *, rule: Rule, side: Side, fired: int) -> int:
    """The earliest point beyond the rule's line in the window that ends on `fired`."""
    window, _, line = PATTERNS[rule]
    start = max(0, fired - window + 1)
    part = np.nan_to_num(z[start:fired + 1], nan=0.0)
    beyond = part < -line if side is Side.BELOW else part > line
    return start + int(np.argmax(beyond))


def describe(rule: Rule, side: Side, first: date, last: date, *, points: int | None = None) -> str:
    """A pattern from its first day to its last in words: "12 Nov: below the lower control limit (3σ)".
    `points`: the days with audits it holds, when some days between had none."""
    days = span(first, last)
    if rule is Rule.BEYOND_3_SIGMA:
        return f"{days}: {side} the {'lower' if side is Side.BELOW else 'upper'} control limit (3σ)"
    if rule is Rule.EIGHT_ON_ONE_SIDE:
        calendar = (last - first).days + 1
        run = f"{calendar} days" if points in (None, calendar) else f"{points} audited days"
        return f"{run} in a row {side} the centre line, {days}"
    window, needed, line = PATTERNS[rule]
    return f"{needed} of {window} days in a row more than {line:.0f}σ {side} the centre line, {days}"


def span(first: date, last: date) -> str:
    """Days as people read them: '12 Nov', '5–12 Nov', '28 Oct–3 Nov', '28 Dec 2026–3 Jan 2027'."""
    if first == last:
        return f"{first.day} {first:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b}–{last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


@dataclass(frozen=True)
class ControlChart:
    """What a chart of daily proportions draws: points, limits, centre line, caption and the signals in words."""

    days: tuple[date, ...]
    points: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    centre: float | None
    caption: str
    signals: tuple[Signal, ...]
    baseline: Baseline | None
    flagged: tuple[bool, ...] = ()
    """Per charted day: part of a signal, beyond its rule's line (the days a chart marks)."""


def control_chart(*, baseline_audits: ArrayLike, baseline_successes: ArrayLike, days: Sequence[date],
                  audits: ArrayLike, successes: ArrayLike, rules: Iterable[Rule] = ALL_RULES) -> ControlChart:
    """Limits p̄ ± 3σ for each charted day from its own audit count, clipped to [0, 1], and the rules' signals.

    Days without audits have no point and no limits. When the baseline gives no limits (too short, or it never
    varied) the points are still there, with the reason as the caption.
    """
    n, x = np.asarray(audits, dtype=float), np.asarray(successes, dtype=float)
    if not len(n) == len(x) == len(days):
        raise ValueError(f"{len(days)} days, {len(n)} audit counts and {len(x)} success counts: they must match")
    with np.errstate(divide="ignore", invalid="ignore"):
        points = np.where(n > 0, x / n, np.nan)
    baseline = fit_baseline(audits=baseline_audits, successes=baseline_successes)
    if baseline is None:
        nothing = (None,) * len(n)
        return ControlChart(days=tuple(days), points=_optional(points), lower=nothing, upper=nothing, centre=None,
                            caption=baseline_shortfall(audits=baseline_audits, successes=baseline_successes) or "",
                            signals=(), baseline=None)
    sigma = baseline.sigma(n)
    z = baseline.z(audits=n, successes=x)
    signals = western_electric(z, days=days, rules=rules)
    return ControlChart(
        days=tuple(days), points=_optional(points),
        lower=_optional(np.clip(baseline.centre - SIGMAS * sigma, 0, 1)),
        upper=_optional(np.clip(baseline.centre + SIGMAS * sigma, 0, 1)),
        centre=baseline.centre, caption=baseline.caption,
        signals=tuple(signals), baseline=baseline, flagged=flagged_days(z, signals),
    )


def _optional(values: np.ndarray) -> tuple[float | None, ...]:
    return tuple(None if np.isnan(value) else float(value) for value in values)
