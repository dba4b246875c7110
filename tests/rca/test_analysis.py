"""The root-cause figures against formulas worked out here, independently of the code under test."""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm, poisson

from bot.rca.analysis import CategoryErrors, PartVolume, Repeat, build_pareto, excess_errors, repeats_by_category


def z_test_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Pooled two-proportion z-test, two-sided, by hand."""
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


def test_pareto_orders_shares_and_tests_each_rate():
    current = [CategoryErrors("policy misread", 30, critical=5, major=10, minor=10, false_positive=30),
               CategoryErrors("missed context", 120, critical=10, major=50, minor=60, false_negative=100,
                              wrong_label=20),
               CategoryErrors("(uncategorised)", 50, false_positive=50)]
    previous = [CategoryErrors("missed context", 60), CategoryErrors("policy misread", 29),
                CategoryErrors("gone now", 7)]
    pareto = build_pareto(current, previous, audits=10_000, previous_audits=10_000)

    assert [row.category for row in pareto.rows] == ["missed context", "(uncategorised)", "policy misread",
                                                      "gone now"]
    assert pareto.errors == 200
    first, uncategorised, misread, gone = pareto.rows
    assert (first.share, first.cumulative_share) == (0.6, 0.6)
    assert uncategorised.cumulative_share == pytest.approx(0.85) and pareto.vital_few == 2
    assert first.rate == 12.0 and first.previous_rate == 6.0
    assert first.p_value == pytest.approx(z_test_p(120, 10_000, 60, 10_000))
    assert first.significant  # doubled: 120 against 60 in 10,000 audits
    assert misread.p_value == pytest.approx(z_test_p(30, 10_000, 29, 10_000))
    assert not misread.significant  # 30 against 29: no evidence of change
    assert gone.counts.errors == 0 and gone.previous_rate == 0.7 and gone.share == 0.0
    assert first.counts.severities == {"critical": 10, "major": 50, "minor": 60}
    assert uncategorised.counts.severities == {"critical": 0, "major": 0, "minor": 0, "unspecified": 50}


def test_pareto_without_previous_audits_has_no_change():
    pareto = build_pareto([CategoryErrors("missed context", 3)], [], audits=100, previous_audits=0)
    (row,) = pareto.rows
    assert row.rate == 30.0 and row.previous_rate is None and row.p_value is None and not row.significant


def test_excess_errors_against_poisson_tails_with_holm():
    parts = [PartVolume("ads", 1000, 40), PartVolume("video", 1000, 12), PartVolume("shop", 2000, 28),
             PartVolume("tiny", 10, 1)]
    # The scope: 81 errors in 4,010 audits.
    found = excess_errors(parts, errors=81, audits=4010, limit=3)
    rate = 81 / 4010
    raw = {part.name: poisson.sf(part.errors - 1, part.audits * rate) for part in parts}
    ordered = sorted(raw.values())
    holm = {}
    running = 0.0
    for index, value in enumerate(ordered):  # Holm step-down by hand
        running = max(running, min(1.0, (len(ordered) - index) * value))
        holm[value] = running
    assert [item.name for item in found] == ["ads", "tiny"]  # video and shop are under their share
    ads, tiny = found
    assert ads.expected == pytest.approx(1000 * rate) and ads.excess == pytest.approx(40 - 1000 * rate)
    assert ads.p_value == pytest.approx(holm[raw["ads"]]) and ads.significant
    assert tiny.p_value == pytest.approx(holm[raw["tiny"]]) and not tiny.significant  # one error in ten audits


def test_excess_errors_of_nothing_is_empty():
    assert excess_errors([PartVolume("ads", 10, 0)], errors=0, audits=10, limit=3) == []
    assert excess_errors([], errors=5, audits=0, limit=3) == []


def test_repeats_counted_by_category():
    repeats = [Repeat("a1", "missed context", 5), Repeat("a2", "missed context", 3), Repeat("a1", "policy", 4)]
    assert repeats_by_category(repeats) == [("missed context", 2), ("policy", 1)]


def test_holm_matches_statsmodels():
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    from bot.rca.analysis import holm

    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 60):
        p_values = rng.uniform(0, 0.2, size) ** 2
        assert holm(p_values) == pytest.approx(multipletests(p_values, method="holm")[1])
