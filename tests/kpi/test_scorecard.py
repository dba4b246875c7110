"""Statistics against values computed independently of statsmodels."""

import math
from datetime import date, timedelta

import numpy as np
import pytest

from bot.kpi.handle_time import BUCKET_COUNT, bucket_of
from bot.kpi.periods import Period
from bot.kpi.scorecard import (
    AhtStatus,
    Counts,
    Status,
    Targets,
    accuracy_change,
    accuracy_status,
    build_scorecard,
    wilson,
)

Z95 = 1.959963984540054


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n**2))
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(81, 263), (950, 1000), (1, 1), (0, 12), (99_123, 100_000)])
def test_wilson_matches_the_formula(k, n):
    estimate = wilson(k, n)
    low, high = wilson_by_hand(k, n)
    assert estimate.value == k / n
    assert estimate.low == pytest.approx(low, abs=1e-12) and estimate.high == pytest.approx(high, abs=1e-12)


def test_wilson_published_example():
    # Newcombe (1998), Statistics in Medicine 17:857, table I, example 81/263: 0.2553 to 0.3662.
    estimate = wilson(81, 263)
    assert (round(estimate.low, 4), round(estimate.high, 4)) == (0.2553, 0.3662)


def test_status_uses_the_interval():
    assert accuracy_status(wilson(96, 100), 0.95) is Status.MEETS
    assert accuracy_status(wilson(93, 100), 0.95) is Status.BELOW  # upper bound 0.966 >= target
    assert accuracy_status(wilson(900, 1000), 0.95) is Status.SIGNIFICANTLY_BELOW  # upper 0.917 < target
    assert accuracy_status(None, 0.95) is Status.NO_DATA


def test_change_uses_a_pooled_two_proportion_z_test():
    change = accuracy_change(wilson(900, 1000), wilson(950, 1000))
    pooled = 1850 / 2000
    z = (0.90 - 0.95) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    p_by_hand = math.erfc(abs(z) / math.sqrt(2))
    assert change.delta_points == pytest.approx(-5.0)
    assert change.p_value == pytest.approx(p_by_hand, rel=1e-9) and change.significant
    assert accuracy_change(wilson(10, 10), wilson(20, 20)).p_value == 1.0
    assert accuracy_change(wilson(5, 10), None) is None


def counts(audits, correct, fp=0, fn=0, wl=0, times=()):
    return Counts(audits, correct, fp, fn, wl, len(times), float(sum(times)))


def histogram(times):
    return np.bincount(bucket_of(np.array(times)), minlength=BUCKET_COUNT).tolist()


def test_build_scorecard_sums_days_and_splits_periods():
    period = Period(date(2026, 11, 20), date(2026, 11, 22))
    daily = {
        date(2026, 11, 18): counts(100, 99),  # previous period
        date(2026, 11, 20): counts(50, 45, fp=3, fn=1, wl=1, times=[30, 40]),
        date(2026, 11, 22): counts(50, 47, fp=1, fn=2, times=[60]),
    }
    card = build_scorecard(kind="vendor", label="Acme BPO", period=period, targets=Targets(0.95, 40),
                           daily_counts=daily, handle_time_histogram=histogram([30, 40, 60]),
                           error_counts=[("missed context", 6), ("policy misread", 4)])
    assert card.counts.audits == 100 and card.accuracy.value == 0.92
    assert card.status is Status.BELOW  # 0.92 < 0.95, but the upper bound 0.959 is not
    assert card.change.previous.value == 0.99
    assert (card.false_positive_rate, card.false_negative_rate, card.wrong_label_rate) == (0.04, 0.03, 0.01)
    assert card.aht_mean_s == pytest.approx(130 / 3) and card.aht_status is AhtStatus.OVER
    assert 50 <= card.aht_p90_s <= 60 * 2 ** 0.25  # inside the bucket of the slowest audit
    assert [(e.category, e.errors, e.share) for e in card.top_errors] == [
        ("missed context", 6, 0.6), ("policy misread", 4, 0.4)]
    assert [(p.day, p.audits) for p in card.daily] == [
        (date(2026, 11, 20), 50), (date(2026, 11, 21), 0), (date(2026, 11, 22), 50)]
    assert card.daily[1].accuracy is None and card.daily[2].accuracy.value == 0.94


def test_scorecard_without_audits():
    period = Period(date(2026, 11, 20), date(2026, 11, 20) + timedelta(days=6))
    card = build_scorecard(kind="queue", label="x", period=period, targets=Targets(0.95, 40),
                           daily_counts={}, handle_time_histogram=[0] * BUCKET_COUNT, error_counts=[])
    assert card.accuracy is None and card.status is Status.NO_DATA and card.change is None
    assert card.aht_status is AhtStatus.NO_DATA and card.aht_p90_s is None
    assert len(card.daily) == 7


def test_weakest_sets_apart_parts_with_too_few_audits_instead_of_ranking_them():
    from bot.kpi.scorecard import weakest

    rows = [("steady", Counts(200, 170)), ("new", Counts(4, 1)), ("unlucky", Counts(12, 6)), ("fine", Counts(50, 49)),
            ("empty", Counts())]
    breakdown = weakest("agent", rows, limit=3, min_audits=30)
    assert [group.name for group in breakdown.weakest] == ["steady", "fine"]
    assert [(group.name, group.accuracy.trials) for group in breakdown.too_few] == [("unlucky", 12), ("new", 4)]
    assert breakdown.min_audits == 30
    assert [group.name for group in weakest("agent", rows, limit=3).weakest] == ["new", "unlucky", "steady"]
