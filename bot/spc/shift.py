"""Detectors of a sustained rise in a scope's error rate (a drop in accuracy) against its own baseline. Pure.

Each detector is fed one day at a time (`update(audits, errors)`) and keeps its statistic between days.
Every argument may be an array over many scopes at once: the monitor feeds all its vendors and queues through
`detect_shifts`, and the benchmark thousands of simulated vendors through the same code.

An alarm holds while the shift lasts and resolves when the statistic comes back (each detector says how);
then the detector restarts from scratch, so a later shift is a new alarm with its own start day.

Day-to-day variation beyond binomial (Laney's sigma_z of the baseline, see `bot.spc.limits.Baseline`) widens
the detectors' limits by its square, the variance inflation `dispersion` = max(1, sigma_z)²: without it a
binomial detector pages on ordinary daily noise at high volume (measured in `bench/alerts.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import ArrayLike

from bot.spc.cusum import NO_DAY, RESTART_FRACTION, Cusum, cusum_threshold
from bot.spc.limits import ALL_RULES, PATTERNS, Baseline, Rule, Side, describe, rule_hits, span
from bot.wording import percent

_AT_BASELINE = 1e-9
"""How close to p0 (relative) an EWMA counts as at the baseline: its update rounds, 0.2·0.1 + 0.8·0.1 > 0.1."""


@dataclass(frozen=True)
class WesternElectricParams:
    """The Western Electric rules on the scope's p (or p′) chart of errors; which rules count."""

    rules: tuple[Rule, ...] = ALL_RULES


@dataclass(frozen=True)
class CusumParams:
    """One-sided Bernoulli CUSUM in daily batches (Reynolds & Stoumbos 1999).

    `shift` is the rise in the error rate it is tuned to detect (0.03: from 3% to 6%); `arl0_days` the in-control
    average run length the threshold h is computed for, from the scope's own volume and dispersion (so the
    false-alarm rate is alike at 100 and at 5,000 audits a day). On binomial days it is the days between false
    alarms; under the day-to-day variation of a real baseline they come more often (measured in bench/alerts.py).
    """

    shift: float = 0.03
    arl0_days: float = 1500.0
    dispersion: bool = True


@dataclass(frozen=True)
class EwmaParams:
    """EWMA of the daily error rate: weight `lam` on the newest day, alarm beyond `width` sigmas."""

    lam: float = 0.2
    width: float = 3.5
    dispersion: bool = True


ShiftParams = WesternElectricParams | CusumParams | EwmaParams


class Ewma:
    """Z = lam·p + (1-lam)·Z from Z = p0; alarm when Z > p0 + width·sqrt(V).

    V is Z's exact variance for each day's own audit count: V = (1-lam)²·V + lam²·dispersion·p0(1-p0)/n from
    V = 0, so the limit is narrow on the first days and at high volume. The shift began the day after Z was last
    at or under p0 (within rounding); the alarm resolves when Z falls to half way between p0 and the limit.
    """

    def __init__(self, *, p0: ArrayLike, dispersion: ArrayLike, params: EwmaParams):
        self.params = params
        self.p0 = np.asarray(p0, dtype=float)
        self.dispersion = np.asarray(dispersion if params.dispersion else 1.0, dtype=float)
        self.z = self.p0.copy()
        self.v = np.zeros_like(self.p0)
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
        self.fired_on = np.full(self.p0.shape, NO_DAY)
        self.z_fired = np.zeros_like(self.p0)
        self.limit_fired = np.zeros_like(self.p0)
        """Z and its limit on the day the alarm rose."""
        self._last_under = np.full(self.p0.shape, NO_DAY)
        self.day = 0

    @property
    def limit(self) -> np.ndarray:
        return self.p0 + self.params.width * np.sqrt(self.v)

    def update(self, audits: ArrayLike, errors: ArrayLike) -> np.ndarray:
        n, e = np.asarray(audits, dtype=float), np.asarray(errors, dtype=float)
        lam, seen = self.params.lam, n > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            self.z = np.where(seen, lam * e / n + (1 - lam) * self.z, self.z)
            self.v = np.where(seen, (1 - lam) ** 2 * self.v + lam**2 * self.dispersion * self.p0 * (1 - self.p0) / n,
                              self.v)
        limit = self.limit
        rising = ~self.alarm & (self.v > 0) & (self.z > limit)
        resolved = self.alarm & (self.z - self.p0 <= RESTART_FRACTION * (limit - self.p0))
        self.start = np.where(rising, self._last_under + 1, np.where(resolved, NO_DAY, self.start))
        self.fired_on = np.where(rising, self.day, np.where(resolved, NO_DAY, self.fired_on))
        self.z_fired = np.where(rising, self.z, self.z_fired)
        self.limit_fired = np.where(rising, limit, self.limit_fired)
        self.alarm = (self.alarm | rising) & ~resolved
        self.z = np.where(resolved, self.p0, self.z)
        self.v = np.where(resolved, 0.0, self.v)
        at_or_under = self.z <= self.p0 * (1 + _AT_BASELINE)
        self._last_under = np.where(at_or_under, self.day, self._last_under)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date], *, at: int | tuple[()] = ()) -> str:
        """What fired, on the day it fired."""
        start, fired_on = days[int(self.start[at])], days[int(self.fired_on[at])]
        return (f"EWMA (λ = {self.params.lam:g}) of the daily error rate: in alarm since {span(fired_on, fired_on)}, "
                f"when it reached {percent(float(self.z_fired[at]))}, over its limit "
                f"{percent(float(self.limit_fired[at]))} (baseline {percent(float(self.p0[at]))}); rising since "
                f"{span(start, start)}")


class WesternElectric:
    """The chosen rules on each day's z-score of errors on the p′ chart (the p chart when not overdispersed).

    Days without audits are skipped: they neither count nor break a pattern, so a scope audited on weekdays only
    has its runs continue over the weekend. The shift began on the first day of the pattern that fired; the alarm
    resolves on the first day at or under the centre line, and the rules then look only at the days after it.
    """

    _MEMORY = max(window for window, _, _ in PATTERNS.values())

    def __init__(self, *, p0: ArrayLike, sigma_z: ArrayLike, params: WesternElectricParams):
        self.rules = params.rules
        self.p0 = np.asarray(p0, dtype=float)
        self.scale = np.maximum(1.0, np.asarray(sigma_z, dtype=float))
        self.recent = np.full((*self.p0.shape, self._MEMORY), np.nan)
        """The z-scores of the last days with audits, newest last (NaN: none yet since the start or a restart)."""
        self.recent_day = np.full((*self.p0.shape, self._MEMORY), NO_DAY)
        """Which day each of `recent` is."""
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
        self.rule = np.zeros(self.p0.shape, dtype=int)
        self.fired_on = np.full(self.p0.shape, NO_DAY)
        self.points = np.zeros(self.p0.shape, dtype=int)
        """The days with audits from the pattern's first day to the day it fired."""
        self.day = 0

    def update(self, audits: ArrayLike, errors: ArrayLike) -> np.ndarray:
        n, e = np.asarray(audits, dtype=float), np.asarray(errors, dtype=float)
        seen = np.broadcast_to(n > 0, self.p0.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (e / n - self.p0) / (self.scale * np.sqrt(self.p0 * (1 - self.p0) / n))
        z = np.broadcast_to(z, self.p0.shape)
        self.recent = np.where(seen[..., None], np.concatenate([self.recent[..., 1:], z[..., None]], axis=-1),
                               self.recent)
        self.recent_day = np.where(seen[..., None], np.concatenate(
            [self.recent_day[..., 1:], np.full((*self.p0.shape, 1), self.day)], axis=-1), self.recent_day)
        first, rule = np.full(self.p0.shape, self.day + 1), np.zeros(self.p0.shape, dtype=int)
        for each in self.rules:
            window, _, line = PATTERNS[each]
            hit = seen & rule_hits(self.recent, each)[1][..., -1]
            beyond = np.nan_to_num(self.recent[..., -window:], nan=0.0) > line
            began = np.take_along_axis(self.recent_day[..., -window:], np.argmax(beyond, axis=-1)[..., None],
                                       axis=-1)[..., 0]
            earlier = hit & (began < first)
            first, rule = np.where(earlier, began, first), np.where(earlier, int(each), rule)
        rising = ~self.alarm & (rule > 0)
        self.start = np.where(rising, first, self.start)
        self.rule = np.where(rising, rule, self.rule)
        self.fired_on = np.where(rising, self.day, self.fired_on)
        self.points = np.where(rising, (self.recent_day >= first[..., None]).sum(axis=-1), self.points)
        self.alarm = self.alarm | rising
        resolved = self.alarm & ~rising & seen & (z <= 0)
        self.alarm &= ~resolved
        self.start = np.where(resolved, NO_DAY, self.start)
        self.rule = np.where(resolved, 0, self.rule)
        self.recent = np.where(resolved[..., None], np.nan, self.recent)
        self.recent_day = np.where(resolved[..., None], NO_DAY, self.recent_day)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date], *, at: int | tuple[()] = ()) -> str:
        """In accuracy's terms, as its chart shows it: more errors is lower accuracy."""
        rule = Rule(int(self.rule[at]))
        pattern = describe(rule, Side.BELOW, days[int(self.start[at])], days[int(self.fired_on[at])],
                           points=int(self.points[at]))
        return f"Western Electric rule {int(rule)} on the accuracy chart: {pattern}"


Detector = Cusum | Ewma | WesternElectric


def detector(params: ShiftParams, *, p0: ArrayLike, sigma_z: ArrayLike, daily_audits: ArrayLike) -> Detector:
    """The detector `params` describe, for scopes of baseline error rate p0, Laney sigma_z and daily volume."""
    dispersion = np.maximum(1.0, np.asarray(sigma_z, dtype=float)) ** 2
    if isinstance(params, CusumParams):
        p1 = np.minimum(np.asarray(p0) + params.shift, 0.999)
        h = cusum_threshold(p0=p0, p1=p1, daily_audits=daily_audits, arl0_days=params.arl0_days,
                            dispersion=dispersion if params.dispersion else 1.0)
        return Cusum(p0=p0, p1=p1, h=h)
    if isinstance(params, EwmaParams):
        return Ewma(p0=p0, dispersion=dispersion, params=params)
    return WesternElectric(p0=p0, sigma_z=sigma_z, params=params)


@dataclass(frozen=True)
class Shift:
    """A detector in alarm at the last day it was fed: since when, and what fired, in words."""

    started: date
    fired: str


def detect_shifts(params: ShiftParams, *, baselines: Sequence[Baseline], days: Sequence[date], audits: ArrayLike,
                  errors: ArrayLike) -> list[Shift | None]:
    """Feed each scope's days after its baseline to one detector; a Shift for each scope in alarm at the end.

    `baselines` are of errors (their centre is the error rate), one per scope; `audits` and `errors` are
    (scopes, days) arrays of the days after the baseline.
    """
    if not baselines:
        return []
    audits, errors = np.asarray(audits), np.asarray(errors)
    watch = detector(params, p0=np.array([b.centre for b in baselines]),
                     sigma_z=np.array([b.sigma_z for b in baselines]),
                     daily_audits=np.array([b.audits / b.days for b in baselines]))
    for day in range(len(days)):
        watch.update(audits[:, day], errors[:, day])
    return [Shift(started=days[int(watch.start[at])], fired=watch.fired(days, at=at)) if watch.alarm[at] else None
            for at in range(len(baselines))]
