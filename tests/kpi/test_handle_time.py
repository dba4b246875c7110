import numpy as np
import pytest

from bot.kpi.handle_time import BUCKET_COUNT, BUCKET_LOWER_EDGES, bucket_of, percentile


def test_buckets_cover_every_value_and_keep_nan_apart():
    values = np.array([0, 0.99, 1, 1.18, 1.2, 59.9, 11585.3, 1e9, np.nan])
    buckets = bucket_of(values)
    assert buckets.tolist() == [0, 0, 1, 1, 2, 24, BUCKET_COUNT - 1, BUCKET_COUNT - 1, -1]
    for value, bucket in zip(values[:-1], buckets[:-1]):
        assert BUCKET_LOWER_EDGES[bucket] <= value


@pytest.mark.parametrize(("mean_log", "sigma"), [(3.5, 0.4), (4.5, 0.8), (6.0, 0.3)])
def test_p90_from_histogram_is_within_two_percent_of_exact(mean_log, sigma):
    values = np.random.default_rng(11).lognormal(mean_log, sigma, 50_000)
    counts = np.bincount(bucket_of(values), minlength=BUCKET_COUNT)
    exact = np.percentile(values, 90)
    assert percentile(counts.tolist(), 90) == pytest.approx(exact, rel=0.02)


def test_percentile_of_empty_histogram_is_none():
    assert percentile([0] * BUCKET_COUNT, 90) is None


def test_single_bucket_interpolates_inside_it():
    counts = [0] * BUCKET_COUNT
    counts[24] = 10
    low, high = BUCKET_LOWER_EDGES[24], BUCKET_LOWER_EDGES[25]
    assert percentile(counts, 50) == pytest.approx(low + (high - low) / 2)
