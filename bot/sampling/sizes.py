"""How many audits a figure needs: for an interval of a given width, to tell a gap from target, to detect a drop.

Pure arithmetic on proportions, so the sample plan (bot/sampling/plan.py) and its tests can check each formula
against the published ones and against the Wilson interval the scorecards show (bot/kpi/scorecard.wilson).
Normal quantiles come from the standard library: no statsmodels import for a handful of numbers.
"""

from __future__ import annotations

import math
from statistics import NormalDist

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
POWER = 0.80


def z_two_sided(confidence: float = CONFIDENCE) -> float:
    """1.96 for 95%: the quantile a two-sided interval of that confidence uses."""
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def normal_sample_size(*, accuracy: float, margin: float, confidence: float = CONFIDENCE) -> int:
    """Audits for a ±`margin` interval by the textbook normal formula n = z²p(1-p)/m² (p=0.5, ±0.03 -> 1,068)."""
    z = z_two_sided(confidence)
    return max(1, math.ceil(z * z * accuracy * (1 - accuracy) / (margin * margin)))


def wilson_half_width(*, accuracy: float, audits: float, confidence: float = CONFIDENCE) -> float:
    """Half the width of the Wilson interval at observed `accuracy` on `audits` audits."""
    z = z_two_sided(confidence)
    return z * math.sqrt(accuracy * (1 - accuracy) * audits + z * z / 4) / (audits + z * z)


def wilson_sample_size(*, accuracy: float, margin: float, confidence: float = CONFIDENCE) -> int:
    """The fewest audits whose Wilson interval at `accuracy` is at most ±`margin` wide.

    The interval the scorecards show is Wilson's, so this is the count that makes *their* interval that
    narrow. Near 90-99% it asks for slightly more than the normal formula (the normal interval is too narrow
    there), at 50% slightly fewer. Solved from the quadratic m²(n+z²)² = z²(p(1-p)n + z²/4), then settled on
    the exact integer.
    """
    if not 0 < margin < 0.5:
        raise ValueError(f"margin must be between 0 and 0.5, not {margin}")
    z2 = z_two_sided(confidence) ** 2
    a, b, c = margin * margin, z2 * (2 * margin * margin - accuracy * (1 - accuracy)), z2 * z2 * (margin * margin - 0.25)
    audits = max(1, math.ceil((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))
    while audits > 1 and wilson_half_width(accuracy=accuracy, audits=audits - 1, confidence=confidence) <= margin:
        audits -= 1
    while wilson_half_width(accuracy=accuracy, audits=audits, confidence=confidence) > margin:
        audits += 1
    return audits


def finite_population(audits: float, *, population: int) -> int:
    """Audits needed when they are drawn from only `population` items: n' = n / (1 + (n-1)/N)."""
    if population < 1:
        raise ValueError(f"population must be at least 1, not {population}")
    return math.ceil(audits / (1 + (audits - 1) / population))


def audits_to_tell_apart(*, target: float, gap: float, confidence: float = CONFIDENCE) -> int:
    """The fewest audits at which an accuracy `gap` away from `target` has a Wilson interval without the target.

    Wilson's interval is the score test inverted: the target lies inside it exactly when
    (p̂ - p0)² <= z²p0(1-p0)/n, so the answer is the first n past z²p0(1-p0)/gap².
    """
    if gap <= 0:
        raise ValueError(f"gap must be positive, not {gap}")
    z = z_two_sided(confidence)
    return math.floor(z * z * target * (1 - target) / (gap * gap)) + 1


def drop_sample_size(*, target: float, drop: float, significance: float = SIGNIFICANCE, power: float = POWER) -> int:
    """Audits for a one-sided test at `significance` to catch accuracy `drop` below `target` with `power`.

    n = (z_a·sqrt(p0(1-p0)) + z_b·sqrt(p1(1-p1)))² / (p0-p1)², p1 = p0 - drop: 95% -> 93% needs 822.
    """
    if not 0 < drop < target:
        raise ValueError(f"the drop must be between 0 and the target ({target}), not {drop}")
    low = target - drop
    z_alpha, z_beta = NormalDist().inv_cdf(1 - significance), NormalDist().inv_cdf(power)
    spread = z_alpha * math.sqrt(target * (1 - target)) + z_beta * math.sqrt(low * (1 - low))
    return math.ceil(spread * spread / (drop * drop))
