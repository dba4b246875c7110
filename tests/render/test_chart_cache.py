import threading
import time
from datetime import date

import pytest

from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts, Targets, build_scorecard
from bot.render.chart_cache import ChartCache, chart_key

PERIOD = Period(date(2026, 11, 20), date(2026, 11, 22))


def card(correct=90, target=0.95):
    return build_scorecard(kind="vendor", label="Acme BPO", period=PERIOD, targets=Targets(target, 60),
                           daily_counts={date(2026, 11, 21): Counts(100, correct)},
                           handle_time_histogram=[0] * BUCKET_COUNT, error_counts=[])


def test_same_picture_is_made_once_even_when_asked_at_the_same_time():
    made = []

    def make():
        time.sleep(0.05)
        made.append(1)
        return f"F{len(made)}"

    cache = ChartCache()
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(chart_key(card()), make))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["F1"] * 8 and len(made) == 1
    assert cache.get(chart_key(card(correct=91)), make) == "F2"  # other data, other picture
    assert cache.get(chart_key(card(target=0.9)), make) == "F3"  # another target line too


def test_a_failed_upload_is_not_remembered():
    cache = ChartCache()

    def broken():
        raise RuntimeError("upload failed")

    with pytest.raises(RuntimeError):
        cache.get(chart_key(card()), broken)
    assert cache.get(chart_key(card()), lambda: "F9") == "F9"


def test_oldest_pictures_are_forgotten():
    cache = ChartCache(size=2)
    for correct in (80, 81, 82):
        cache.get(chart_key(card(correct=correct)), lambda correct=correct: f"F{correct}")
    assert cache.get(chart_key(card(correct=80)), lambda: "again") == "again"
