"""Detectors of a sustained rise in a scope's error rate (a drop in accuracy) against its own baseline. Pure.

Each detector is fed one day at a time (`update(audits, errors)`) and keeps its statistic between days.
Every argument may be an array over many scopes at once (the benchmark runs thousands of simulated vendors
through the same code); the monitor uses one scope at a time through `detect_shift`.

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

from bot.spc.limits import ALL_RULES, PATTERNS, Baseline, Rule, Side, describe, rule_hits, span
from bot.wording import percent

NO_DAY = -1
SIEGMUND_CORRECTION = 1.166
"""Siegmund's correction for a random walk overshooting the threshold (in the increments' sigmas)."""
_RESTART_FRACTION = 0.5


@dataclass(frozen=True)
class WesternElectricParams:
    """The Western Electric rules on the scope's p (or p′) chart of errors; which rules count."""

    rules: tuple[Rule, ...] = ALL_RULES


@dataclass(frozen=True)
class CusumParams:
    """One-sided Bernoulli CUSUM in daily batches (Reynolds & Stoumbos 1999).

    `shift` is the rise in the error rate it is tuned to detect (0.03: from 3% to 6%); `arl0_days` the average
    number of days between false alarms on a stable scope, from which the threshold h follows for the scope's
    own volume and dispersion (so the false-alarm rate is alike at 100 and at 5,000 audits a day).
    """

    shift: float = 0.03
    arl0_days: float = 1500.0
    dispersion: bool = True


@dataclass(frozen=True)
class EwmaParams:
    """EWMA of the daily error rate: weight `lam` on the newest day, alarm beyond `width` sigmas."""

    lam: float = 0.2
    width: float = 3.0
    dispersion: bool = True


ShiftParams = WesternElectricParams | CusumParams | EwmaParams


def cusum_threshold(*, p0: ArrayLike, p1: ArrayLike, daily_audits: ArrayLike, dispersion: ArrayLike,
                    arl0_days: float) -> np.ndarray:
    """The h (in errors) giving an in-control average run length of `arl0_days` days.

    Siegmund's approximation for a CUSUM of a random walk: ARL0 = (exp(θb) - θb - 1) / (θ|μ|) with b = h + 1.166σ,
    where a day adds e - n·gamma, of mean μ = n(p0 - gamma) < 0 and sd σ = sqrt(dispersion · n·p0(1-p0)), and θ
    solves E[exp(θ(e - n·gamma))] = 1. For binomial errors θ is exactly the log-likelihood ratio's slope
    ln(p1(1-p0) / (p0(1-p1))) (the normal approximation's 2|μ|/σ² misses the skew of a few errors a day and
    put the false alarms at twice the target, measured); overdispersion divides it by `dispersion`.
    Solved for θb by iterating x = ln(A + x + 1), A = θ|μ|·ARL0 (a contraction). When even h = 0 gives fewer false
    alarms than that (thousands of audits a day and a large shift), h is 0: the CUSUM then works as a daily test.
    """
    p0, p1, n = (np.asarray(value, dtype=float) for value in (p0, p1, daily_audits))
    dispersion = np.asarray(dispersion, dtype=float)
    slope = np.log(p1 * (1 - p0) / (p0 * (1 - p1)))
    gamma = np.log((1 - p0) / (1 - p1)) / slope
    theta = slope / dispersion
    drift = n * (gamma - p0)
    sd = np.sqrt(dispersion * n * p0 * (1 - p0))
    target = theta * drift * arl0_days
    x = np.log1p(target)
    for _ in range(60):
        x = np.log(target + x + 1)
    return np.maximum(x / theta - SIEGMUND_CORRECTION * sd, 0.0)


class Cusum:
    """S = max(0, S + e - n·gamma); alarm when S > h. The shift began the day after S was last 0.

    gamma = ln((1-p0)/(1-p1)) / ln(p1(1-p0) / (p0(1-p1))) with p1 = p0 + shift. While the alarm holds, S is
    kept under 2h so that it resolves within days of the process coming back: it resolves when S falls to h/2.
    """

    def __init__(self, *, p0: ArrayLike, p1: ArrayLike, h: ArrayLike):
        self.p0, self.p1, self.h = (np.asarray(value, dtype=float) for value in (p0, p1, h))
        self.gamma = (np.log((1 - self.p0) / (1 - self.p1))
                      / np.log(self.p1 * (1 - self.p0) / (self.p0 * (1 - self.p1))))
        self.s = np.zeros_like(self.p0)
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
        self._last_zero = np.full(self.p0.shape, NO_DAY)
        self.day = 0

    def update(self, audits: ArrayLike, errors: ArrayLike) -> np.ndarray:
        s = np.maximum(0.0, self.s + np.asarray(errors) - np.asarray(audits) * self.gamma)
        rising = ~self.alarm & (s > self.h)
        resolved = self.alarm & (s <= _RESTART_FRACTION * self.h)
        self.start = np.where(rising, self._last_zero + 1, np.where(resolved, NO_DAY, self.start))
        self.alarm = (self.alarm | rising) & ~resolved
        self.s = np.where(self.alarm, np.minimum(s, 2 * self.h), np.where(resolved, 0.0, s))
        self._last_zero = np.where(self.s == 0, self.day, self._last_zero)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date]) -> str:
        start = days[int(self.start)]
        return (f"CUSUM: since {span(start, start)}, {float(self.s):.0f} errors more than expected at "
                f"{percent(float(self.gamma))} a day (between the baseline's {percent(float(self.p0))} and the "
                f"{percent(float(self.p1))} it watches for); the threshold is {float(self.h):.0f}")


class Ewma:
    """Z = lam·p + (1-lam)·Z from Z = p0; alarm when Z > p0 + width·sqrt(V).

    V is Z's exact variance for each day's own audit count: V = (1-lam)²·V + lam²·dispersion·p0(1-p0)/n from
    V = 0, so the limit is narrow on the first days and at high volume. The shift began the day after Z was last
    at or under p0; the alarm resolves when Z falls to half way between p0 and the limit.
    """

    def __init__(self, *, p0: ArrayLike, dispersion: ArrayLike, params: EwmaParams):
        self.params = params
        self.p0 = np.asarray(p0, dtype=float)
        self.dispersion = np.asarray(dispersion if params.dispersion else 1.0, dtype=float)
        self.z = self.p0.copy()
        self.v = np.zeros_like(self.p0)
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
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
        rising = ~self.alarm & (self.v > 0) & (self.z > self.limit)
        resolved = self.alarm & (self.z - self.p0 <= _RESTART_FRACTION * (self.limit - self.p0))
        self.start = np.where(rising, self._last_under + 1, np.where(resolved, NO_DAY, self.start))
        self.alarm = (self.alarm | rising) & ~resolved
        self.z = np.where(resolved, self.p0, self.z)
        self.v = np.where(resolved, 0.0, self.v)
        self._last_under = np.where(self.z <= self.p0, self.day, self._last_under)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date]) -> str:
        return (f"EWMA (λ = {self.params.lam:g}) of the daily error rate at {percent(float(self.z))}, over its "
                f"limit {percent(float(self.limit))} (baseline {percent(float(self.p0))}); rising since "
                f"{span(days[int(self.start)], days[int(self.start)])}")


class WesternElectric:
    """The chosen rules on each day's z-score of errors on the p′ chart (the p chart when not overdispersed).

    The shift began on the first day of the pattern that fired; the alarm resolves on the first day at or under
    the centre line, and the rules then look only at the days after it.
    """

    _MEMORY = max(window for window, _, _ in PATTERNS.values())

    def __init__(self, *, p0: ArrayLike, sigma_z: ArrayLike, params: WesternElectricParams):
        self.rules = params.rules
        self.p0 = np.asarray(p0, dtype=float)
        self.scale = np.maximum(1.0, np.asarray(sigma_z, dtype=float))
        self.recent = np.full((*self.p0.shape, self._MEMORY), np.nan)
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
        self.rule = np.zeros(self.p0.shape, dtype=int)
        self.fired_on = np.full(self.p0.shape, NO_DAY)
        self.day = 0

    def update(self, audits: ArrayLike, errors: ArrayLike) -> np.ndarray:
        n, e = np.asarray(audits, dtype=float), np.asarray(errors, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (e / n - self.p0) / (self.scale * np.sqrt(self.p0 * (1 - self.p0) / n))
        self.recent = np.concatenate([self.recent[..., 1:], z[..., None]], axis=-1)
        first, rule = np.full(self.p0.shape, self.day + 1), np.zeros(self.p0.shape, dtype=int)
        for each in self.rules:
            window, _, line = PATTERNS[each]
            hit = rule_hits(self.recent, each)[1][..., -1]
            beyond = np.nan_to_num(self.recent[..., -window:], nan=0.0) > line
            began = self.day - window + 1 + np.argmax(beyond, axis=-1)
            earlier = hit & (began < first)
            first, rule = np.where(earlier, began, first), np.where(earlier, int(each), rule)
        rising = ~self.alarm & (rule > 0)
        self.start = np.where(rising, first, self.start)
        self.rule = np.where(rising, rule, self.rule)
        self.fired_on = np.where(rising, self.day, self.fired_on)
        self.alarm = self.alarm | rising
        resolved = self.alarm & ~rising & (z <= 0)
        self.alarm &= ~resolved
        self.start = np.where(resolved, NO_DAY, self.start)
        self.rule = np.where(resolved, 0, self.rule)
        self.recent = np.where(resolved[..., None], np.nan, self.recent)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date]) -> str:
        """In accuracy's terms, as its chart shows it: more errors is lower accuracy."""
        pattern = describe(Rule(int(self.rule)), Side.BELOW, days[int(self.start)], days[int(self.fired_on)])
        return f"Western Electric rule {int(self.rule)} on the accuracy chart: {pattern}"


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


def detect_shift(params: ShiftParams, *, baseline: Baseline, days: Sequence[date], audits: Sequence[int],
                 errors: Sequence[int]) -> Shift | None:
    """Feed one scope's days after its baseline (a baseline of errors: its centre is the error rate) to a detector."""
    watch = detector(params, p0=baseline.centre, sigma_z=baseline.sigma_z, daily_audits=baseline.audits / baseline.days)
    for n, e in zip(audits, errors, strict=True):
        watch.update(n, e)
    if not watch.alarm:
        return None
    return Shift(started=days[int(watch.start)], fired=watch.fired(days))
