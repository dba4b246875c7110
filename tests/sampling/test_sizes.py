"""Sample sizes against the published formulas, and the Wilson-based ones against the scorecards' own interval."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from statsmodels.stats.proportion import samplesize_confint_proportion

from bot.kpi.scorecard import wilson
from bot.sampling.sizes import (
    audits_to_tell_apart,
    drop_sample_size,
    finite_population,
    normal_sample_size,
    wilson_half_width,
    wilson_sample_size,
)


def half_width(accuracy: float, audits: int) -> float:
    """The scorecards' interval (statsmodels' Wilson), half its width."""
    estimate = wilson(accuracy * audits, audits)
    return (estimate.high - estimate.low) / 2


def test_the_textbook_figure_p_half_three_points_is_1068():
    assert normal_sample_size(accuracy=0.5, margin=0.03) == 1068
    assert normal_sample_size(accuracy=0.5, margin=0.05) == 385  # the other figure every table prints


@pytest.mark.parametrize(("accuracy", "margin"), [(0.5, 0.03), (0.9, 0.02), (0.95, 0.01), (0.97, 0.005)])
def test_normal_formula_matches_statsmodels(accuracy, margin):
    expected = samplesize_confint_proportion(accuracy, margin, alpha=0.05, method="normal")
    assert normal_sample_size(accuracy=accuracy, margin=margin) == math.ceil(expected)


@pytest.mark.parametrize("accuracy", [0.5, 0.8, 0.9, 0.93, 0.95, 0.98, 0.995, 1.0])
@pytest.mark.parametrize("margin", [0.005, 0.01, 0.02, 0.03, 0.05])
def test_wilson_size_is_the_first_count_whose_interval_is_that_narrow(accuracy, margin):
    audits = wilson_sample_size(accuracy=accuracy, margin=margin)
    assert half_width(accuracy, audits) <= margin < half_width(accuracy, audits - 1)
    assert wilson_half_width(accuracy=accuracy, audits=audits) == pytest.approx(half_width(accuracy, audits))


def test_wilson_asks_for_slightly_more_near_the_accuracies_qa_sees_and_fewer_at_one_half():
    assert wilson_sample_size(accuracy=0.5, margin=0.03) == 1064  # 1,068 by the normal formula
    for margin, normal in ((0.01, 1825), (0.02, 457), (0.03, 203)):
        assert normal_sample_size(accuracy=0.95, margin=margin) == normal
        assert normal < wilson_sample_size(accuracy=0.95, margin=margin) < normal * 1.1
    assert wilson_sample_size(accuracy=1.0, margin=0.01) > 1  # p(1-p) = 0 gives 0 by the normal formula


def test_finite_population_correction():
    assert finite_population(384.16, population=1000) == 278  # Cochran's worked example: 385 -> 278 of 1,000
    assert finite_population(1068, population=10**9) == 1068  # a large population changes nothing
    assert finite_population(1068, population=500) == 341
    assert finite_population(1068, population=1) == 1


@pytest.mark.parametrize(("target", "gap"), [(0.95, 0.01), (0.95, 0.03), (0.9, 0.05), (0.98, 0.02), (0.95, 0.05)])
def test_telling_a_gap_from_target_is_where_the_wilson_interval_stops_holding_the_target(target, gap):
    audits = audits_to_tell_apart(target=target, gap=gap)
    for observed in (target - gap, target + gap):
        if observed > 1:
            continue
        at, before = wilson(observed * audits, audits), wilson(observed * (audits - 1), audits - 1)
        assert not at.low <= target <= at.high
        assert before.low <= target <= before.high


def test_a_drop_from_95_to_93_needs_822_audits():
    assert drop_sample_size(target=0.95, drop=0.02) == 822


@pytest.mark.parametrize(("target", "drop"), [(0.95, 0.02), (0.95, 0.01), (0.9, 0.03), (0.98, 0.02), (0.5, 0.1)])
def test_drop_size_gives_the_power_asked_and_one_fewer_does_not(target, drop):
    """Power of the one-sided z-test (variance at the target under H0, at the drop under H1), as defined."""
    low = target - drop
    normal = NormalDist()

    def power(audits: int) -> float:
        threshold = target - normal.inv_cdf(0.95) * (target * (1 - target) / audits) ** 0.5
        return normal.cdf((threshold - low) / (low * (1 - low) / audits) ** 0.5)

    audits = drop_sample_size(target=target, drop=drop)
    assert power(audits) >= 0.8 > power(audits - 1)


@pytest.mark.parametrize("bad", [
    lambda: wilson_sample_size(accuracy=0.9, margin=0),
    lambda: wilson_sample_size(accuracy=0.9, margin=0.6),
    lambda: drop_sample_size(target=0.95, drop=0.96),
    lambda: audits_to_tell_apart(target=0.95, gap=0),
    lambda: finite_population(100, population=0),
])
def test_impossible_asks_are_refused(bad):
    with pytest.raises(ValueError):
        bad()
