"""The one-sided Bernoulli CUSUM in daily batches, and its threshold from a target in-control run length. Pure.

The detector among those in bot/spc/shift.py that the monitor uses by default (chosen in bench/alerts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from numpy.typing import ArrayLike

from bot.spc.limits import span
from bot.wording import percent

NO_DAY = -1
"""A start or alarm day of a scope not in alarm."""
RESTART_FRACTION = 0.5
"""An alarm resolves when its statistic falls back to this share of its limit (CUSUM: of h)."""
SIEGMUND_CORRECTION = 1.166
"""Siegmund's correction for a random walk overshooting the threshold (in the increments' sigmas)."""


def cusum_gamma(p0: ArrayLike, p1: ArrayLike) -> np.ndarray:
    """The CUSUM's reference error rate between p0 and p1: ln((1-p0)/(1-p1)) / ln(p1(1-p0) / (p0(1-p1))).

    It is where the log-likelihood ratio of p1 against p0 per audit, e·slope - n·ln((1-p0)/(1-p1)), is 0.
    """
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    return np.log((1 - p0) / (1 - p1)) / _slope(p0, p1)


def _slope(p0: np.ndarray, p1: np.ndarray) -> np.ndarray:
    return np.log(p1 * (1 - p0) / (p0 * (1 - p1)))


def cusum_floor(*, p0: ArrayLike, daily_audits: ArrayLike, dispersion: ArrayLike) -> np.ndarray:
    """The least threshold h: one day's standard deviation of errors at the scope's volume, sqrt(dispersion·n·p0(1-p0)).

    At thousands of audits a day Siegmund's h can reach 0; a CUSUM at 0 is held at 0 by its cap in alarm and
    resolves the next day, so it flaps. With this floor one ordinary day neither raises nor ends an alarm.
    """
    p0, n = np.asarray(p0, dtype=float), np.asarray(daily_audits, dtype=float)
    return np.sqrt(np.asarray(dispersion, dtype=float) * n * p0 * (1 - p0))


def cusum_threshold(*, p0: ArrayLike, p1: ArrayLike, daily_audits: ArrayLike, dispersion: ArrayLike,
                    arl0_days: float) -> np.ndarray:
    """The h (in errors) giving an in-control average run length of `arl0_days` days.

    Siegmund's approximation for a CUSUM of a random walk: ARL0 = (exp(θb) - θb - 1) / (θ|μ|) with b = h + 1.166σ,
    where a day adds e - n·gamma, of mean μ = n(p0 - gamma) < 0 and sd σ = sqrt(dispersion · n·p0(1-p0)), and θ
    solves E[exp(θ(e - n·gamma))] = 1. For binomial errors θ is exactly the log-likelihood ratio's slope
    ln(p1(1-p0) / (p0(1-p1))) (the normal approximation's 2|μ|/σ² misses the skew of a few errors a day and
    put the false alarms at twice the target, measured); overdispersion divides it by `dispersion`.
    Solved for θb by iterating x = ln(A + x + 1), A = θ|μ|·ARL0 (a contraction). When that h is under
    `cusum_floor` (thousands of audits a day and a large shift, where even h = 0 would give fewer false alarms),
    h is the floor: one day's standard deviation of errors.
    """
    p0, p1, n = (np.asarray(value, dtype=float) for value in (p0, p1, daily_audits))
    dispersion = np.asarray(dispersion, dtype=float)
    slope = _slope(p0, p1)
    gamma = cusum_gamma(p0, p1)
    theta = slope / dispersion
    drift = n * (gamma - p0)
    sd = np.sqrt(dispersion * n * p0 * (1 - p0))
    target = theta * drift * arl0_days
    x = np.log1p(target)
    for _ in range(60):
        x = np.log(target + x + 1)
    return np.maximum(x / theta - SIEGMUND_CORRECTION * sd, cusum_floor(p0=p0, daily_audits=n, dispersion=dispersion))


class Cusum:
    """S = max(0, S + e - n·gamma); alarm when S > h. The shift began the day after S was last 0.

    gamma is `cusum_gamma(p0, p1)`, p1 the error rate to detect; h is at least `cusum_floor` when it comes from
    `cusum_threshold`. While the alarm holds, S is kept under 2h so that it resolves within days of the process
    coming back: it resolves when S falls to h/2.
    """

    def __init__(self, *, p0: ArrayLike, p1: ArrayLike, h: ArrayLike):
        self.p0, self.p1, self.h = (np.asarray(value, dtype=float) for value in (p0, p1, h))
        self.gamma = cusum_gamma(self.p0, self.p1)
        self.s = np.zeros_like(self.p0)
        self.alarm = np.zeros(self.p0.shape, dtype=bool)
        self.start = np.full(self.p0.shape, NO_DAY)
        self.fired_on = np.full(self.p0.shape, NO_DAY)
        self.s_fired = np.zeros_like(self.p0)
        """S on the day the alarm rose (it is held under 2h afterwards, so the last day's S says less)."""
        self._last_zero = np.full(self.p0.shape, NO_DAY)
        self.day = 0

    def update(self, audits: ArrayLike, errors: ArrayLike) -> np.ndarray:
        s = np.maximum(0.0, self.s + np.asarray(errors) - np.asarray(audits) * self.gamma)
        rising = ~self.alarm & (s > self.h)
        resolved = self.alarm & (s <= RESTART_FRACTION * self.h)
        self.start = np.where(rising, self._last_zero + 1, np.where(resolved, NO_DAY, self.start))
        self.fired_on = np.where(rising, self.day, np.where(resolved, NO_DAY, self.fired_on))
        self.s_fired = np.where(rising, s, self.s_fired)
        self.alarm = (self.alarm | rising) & ~resolved
        self.s = np.where(self.alarm, np.minimum(s, 2 * self.h), np.where(resolved, 0.0, s))
        self._last_zero = np.where(self.s == 0, self.day, self._last_zero)
        self.day += 1
        return self.alarm

    def fired(self, days: Sequence[date], *, at: int | tuple[()] = ()) -> str:
        """What fired, on the day it fired, for the scope at index `at` (nothing to give for a single scope)."""
        start, fired_on = days[int(self.start[at])], days[int(self.fired_on[at])]
        return (f"CUSUM: in alarm since {span(fired_on, fired_on)}, when it reached {float(self.s_fired[at]):.0f} "
                f"errors more than expected since {span(start, start)} at {percent(float(self.gamma[at]))} a day "
                f"(between the baseline's {percent(float(self.p0[at]))} and the {percent(float(self.p1[at]))} it "
                f"watches for), over its threshold of {float(self.h[at]):.0f}")
