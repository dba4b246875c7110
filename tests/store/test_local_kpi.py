"""Local-day figures straight from the audits, checked against pandas on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bot.audits.importer import import_audits
from bot.kpi.handle_time import bucket_of
from bot.kpi.local_days import local_day_edges
from bot.kpi.scorecard import Counts
from bot.store.db import session_scope
from bot.store.kpi import last_audit_at, local_day_slices
from bot.store.models import UNCATEGORISED
from tests.factories import audit_row, write_csv

DUBLIN = ZoneInfo("Europe/Dublin")


def test_local_day_counts_match_pandas_across_the_dst_change(engine, config, tmp_path, now):
    rng = np.random.default_rng(5)
    start = datetime(2026, 10, 22, tzinfo=UTC)
    rows = []
    for index in range(600):
        at = start + timedelta(minutes=int(rng.integers(0, 6 * 24 * 60)))
        wrong = rng.random() < 0.15
        rows.append(audit_row(
            f"A{index}", vendor=rng.choice(["Acme BPO", "Globex"]), queue=rng.choice(["shop", "ads"]),
            agent_decision="remove" if wrong else "approve", qa_decision="approve",
            error_category=rng.choice(["", "policy misread", "missed context"]) if wrong else "",
            handle_time_s=int(rng.integers(5, 400)), audited_at=at.isoformat(), decided_at=at.isoformat()))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["audited_at"], utc=True)
    frame["local_day"] = frame["at"].dt.tz_convert("Europe/Dublin").dt.date
    frame["handle_time_s"] = frame["handle_time_s"].astype(float)
    acme = frame[frame["vendor"] == "Acme BPO"]
    first, last = date(2026, 10, 23), date(2026, 10, 26)
    edges = local_day_edges(DUBLIN, first, last)
    with session_scope(engine) as session:
        slices = local_day_slices(session, scope={"vendor": ["Acme BPO"]}, edges=edges, by="queue")
        latest = last_audit_at(session, scope={"vendor": ["Acme BPO"]})
    totals: dict[int, Counts] = {}
    by_queue: dict[tuple[int, str], Counts] = {}
    histogram: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    for piece in slices:
        totals[piece.day] = totals.get(piece.day, Counts()) + piece.counts
        by_queue[(piece.day, piece.part)] = by_queue.get((piece.day, piece.part), Counts()) + piece.counts
        histogram[piece.handle_time_bucket] += piece.counts.audits
        if piece.error_category is not None:
            errors[piece.error_category] += piece.counts.audits
    for offset in range(4):
        day = acme[acme["local_day"] == first + timedelta(days=offset)]
        assert totals[offset].audits == len(day)
        assert totals[offset].correct == int((day["agent_decision"] == "approve").sum())
        assert abs(totals[offset].handle_time_sum - day["handle_time_s"].sum()) < 1e-6
        for queue, part in day.groupby("queue"):
            assert by_queue[(offset, queue)].audits == len(part)
    window = acme[(acme["local_day"] >= first) & (acme["local_day"] <= last)]
    expected_buckets = pd.Series(bucket_of(window["handle_time_s"].to_numpy())).value_counts()
    assert dict(histogram) == {int(b): int(n) for b, n in expected_buckets.items()}
    wrong = window[window["agent_decision"] != "approve"]
    expected = wrong["error_category"].replace("", UNCATEGORISED).value_counts()
    assert dict(errors) == {name: int(n) for name, n in expected.items()}
    assert latest == acme["at"].max().to_pydatetime()
