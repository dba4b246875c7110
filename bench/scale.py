"""Scale benchmark: a large organisation's year of audits on one PostgreSQL (issue 16).

    python -m bench.scale                      # 30M audits in database qabot_bench_scale (made once, kept)
    python -m bench.scale --audits 100000000 --database-url postgresql+psycopg://postgres@127.0.0.1/other

Prepared once (skipped when the database already holds --audits audits): migrated, the monthly partitions of
the data's months created, then audits made by the demo generator (bot/demo/seed.py: its vendors, queues,
policies, markets, sites, agents and error rates) in chronological chunks of 1M, checked by the importer's row
checks (which derive outcome, day and handle-time bucket, as an import does) and copied with COPY straight into
`audit`, partition routing doing the rest; a writer thread copies one chunk while the next is made. The last
RECENT_DAYS days hold --per-day audits a day (1M, issue 16's rate): what morning posts and 7-day scorecards
read. The rest are spread over the year before them: what partitions, indexes and disk hold. Then every day's
roll-ups are built, a month per statement, and the database analysed.

Measured: `/qa vendor acme`'s scorecard (its computation, without the bot's cache), a day's import of
--import-audits new audits through the real importer (a CSV for the day after the data; removed again
afterwards, so the database can be measured again), the morning run for 20 teams (bench/morning.py), disk use
(audits with their indexes, roll-ups, database; per 100M audits), the partitions, and how long each
preparation step took. Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial
from math import ceil
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.slack import NOW, summary_ms, write_results

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/qabot_bench_scale"
CHUNK_ROWS = 1_000_000
YEAR_DAYS = 365
RECENT_DAYS = 14
"""Days before NOW at the full daily rate: a morning post reads 14 local days of audits."""
ROLLUP_DAYS_PER_STATEMENT = 31
SEED = 1
SOURCE = "bench-scale"
AUDITS_PER_EXTRAPOLATION = 100_000_000
ROLLUP_TABLES = ("rollup_agent_day", "errors_agent_day", "rollup_scope_day", "errors_scope_day", "scope_value")


def create_database_if_missing(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": target.database}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def time_slices(*, audits: int, per_day: int) -> Iterator[tuple[int, datetime, datetime]]:
    """(audits, first, end) of each chunk, oldest first: the last RECENT_DAYS at `per_day` (at most half of
    all audits), the rest over the year before them."""
    recent_start, year_start = NOW - timedelta(days=RECENT_DAYS), NOW - timedelta(days=YEAR_DAYS)
    recent = min(audits // 2, per_day * RECENT_DAYS)
    for count, start, end in ((audits - recent, year_start, recent_start), (recent, recent_start, NOW)):
        chunks = ceil(count / CHUNK_ROWS)
        for index in range(chunks):
            yield (count * (index + 1) // chunks - count * index // chunks,
                   start + (end - start) * index / chunks, start + (end - start) * (index + 1) / chunks)


def audit_frames(*, audits: int, per_day: int) -> Iterator[pd.DataFrame]:
    """The demo generator's text frames (as in a CSV), one per time slice; Acme's quality drops in the data's
    last week, as in the demo."""
    from bot.demo.seed import DROP_DAYS, demo_agents, demo_frame

    agents = demo_agents(np.random.default_rng(SEED))
    first = 0
    for size, start, end in time_slices(audits=audits, per_day=per_day):
        yield demo_frame(np.random.default_rng([SEED, first]), agents, first_index=first, size=size,
                         start=start, end=end, drop_from=NOW - timedelta(days=DROP_DAYS))
        first += size


def checked_rows(frame: pd.DataFrame, *, no_violation_labels: list[str]):
    """The frame as the importer would store it (outcome, day, bucket derived by its row checks), as the Arrow
    table its COPY takes."""
    from bot.audits.validation import DuplicateTracker, check_chunk
    from bot.store.audits import AUDIT_COLUMNS, _copy_table

    checked = check_chunk(frame, lines=pd.Series(range(len(frame)), index=frame.index),
                          duplicates=DuplicateTracker(), no_violation_labels=no_violation_labels)
    if len(checked.rejected_index):
        raise RuntimeError(f"the demo generator made an invalid row: {checked.reasons.iloc[0]}")
    return _copy_table(checked.good.assign(source=SOURCE, first_imported_at=NOW, updated_at=NOW)[AUDIT_COLUMNS])


def months_between(first: date, last: date) -> list[date]:
    from bot.store.partitions import month_of, next_month

    months = [month_of(first)]
    while next_month(months[-1]) <= last:
        months.append(next_month(months[-1]))
    return months


def data_days() -> set[date]:
    first = (NOW - timedelta(days=YEAR_DAYS)).date()
    return {first + timedelta(days=offset) for offset in range((NOW.date() - first).days + 1)}


def load_audits(engine, *, audits: int, per_day: int, config) -> None:
    """COPY every chunk straight into `audit`, each committed; a writer thread copies one while the next is
    made (so the server writes while this process generates)."""
    from bot.store.audits import AUDIT, _copy

    labels = config.defaults.no_violation_labels
    loaded, started = 0, time.perf_counter()
    with engine.connect() as connection, ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy") as writer:
        connection.execute(text("SET synchronous_commit = off"))
        connection.commit()

        def copy(rows) -> int:
            with connection.begin():
                _copy(connection, AUDIT.name, rows)
            return len(rows)

        pending: Future | None = None
        for frame in audit_frames(audits=audits, per_day=per_day):
            rows = checked_rows(frame, no_violation_labels=labels)
            if pending is not None:
                loaded += pending.result()
                progress(f"  {loaded:,} audits loaded", started, rate=loaded)
            pending = writer.submit(copy, rows)
        if pending is not None:
            loaded += pending.result()
    progress(f"  {loaded:,} audits loaded", started, rate=loaded)


def progress(message: str, started: float, *, rate: int | None = None) -> None:
    seconds = time.perf_counter() - started
    per_second = f", {rate / seconds:,.0f}/s" if rate else ""
    print(f"{message} ({seconds:,.1f} s{per_second})", flush=True)


def build_rollups(engine) -> None:
    """Every day's roll-ups, a month of days per transaction."""
    from bot.store.rollups import refresh_rollups

    days, started = sorted(data_days()), time.perf_counter()
    for first in range(0, len(days), ROLLUP_DAYS_PER_STATEMENT):
        batch = days[first:first + ROLLUP_DAYS_PER_STATEMENT]
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL work_mem = '256MB'"))
            refresh_rollups(connection, days=set(batch))
        progress(f"  roll-ups to {batch[-1]}", started)


def prepare(engine, *, audits: int, per_day: int, config) -> dict:
    """Migrate, partition, load, roll up and analyse; the seconds of each step ({} when the database already
    holds `audits` audits)."""
    from bot.store.audits import count_audits, lock_audits, record_import_run
    from bot.store.db import session_scope, upgrade_database
    from bot.store.models import ImportRun
    from bot.store.partitions import ensure_partitions

    steps = {}

    def step(name: str, work) -> None:
        print(f"{name} ...", flush=True)
        started = time.perf_counter()
        work()
        steps[name] = round(time.perf_counter() - started, 1)
        print(f"{name}: {steps[name]:,} s", flush=True)

    step("migrate", lambda: upgrade_database(engine))
    with session_scope(engine) as session:
        if count_audits(session) == audits:
            print(f"the database already holds {audits:,} audits: not prepared again", flush=True)
            return {}

    def empty_and_partition() -> None:
        with engine.begin() as connection:
            lock_audits(connection)
            connection.execute(text(f"TRUNCATE audit, import_run, {', '.join(ROLLUP_TABLES)}"))
            months = months_between(min(data_days()), NOW.date() + timedelta(days=1))  # and the import's day
            ensure_partitions(connection, months=months)

    def record_run() -> None:
        with session_scope(engine) as session:  # like a file import, so the stale-data alert sees it
            record_import_run(session, run=ImportRun(
                file_name="bench scale", source=SOURCE, started_at=NOW, finished_at=NOW, rows_read=audits,
                inserted=audits, updated=0, unchanged=0, rejected=0))

    step("partitions", empty_and_partition)
    step("load", lambda: load_audits(engine, audits=audits, per_day=per_day, config=config))
    step("rollups", lambda: build_rollups(engine))
    step("analyze", lambda: _autocommit(engine, "ANALYZE"))
    record_run()
    return steps


def _autocommit(engine, statement: str) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def scorecard_timing(engine, *, config, runs: int) -> dict:
    """`/qa vendor acme` as QA staff computes it (bot.kpi.service.visible_scorecard without its cache): resolve
    the scope, then the scorecard with its weakest parts; one warm-up, then `runs` runs a period."""
    from bot.kpi.periods import last_days

    results = {}
    for days in (7, 30):
        card = partial(vendor_scorecard, engine, config=config, period=last_days(days, now=NOW))
        audits = card().counts.audits
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            card()
            seconds.append(time.perf_counter() - started)
        results[f"{days}d"] = {"ms": summary_ms(seconds), "audits_in_scope": audits}
    return results


def vendor_scorecard(engine, *, config, period):
    from bot.kpi.service import scorecard_for
    from bot.store.db import session_scope

    with session_scope(engine) as session:
        return scorecard_for(session, config=config, scopes={"vendor": "acme"}, period=period, detail=True)


def import_timing(engine, *, config, audits_stored: int, rows: int, workdir: Path) -> dict:
    """`qabot import audits` of a CSV of `rows` new audits done the day after the data, then those audits and
    their day's roll-ups removed again."""
    from bot.audits.importer import import_audits
    from bot.demo.seed import demo_agents, demo_frame
    from bot.store.audits import lock_audits
    from bot.store.rollups import refresh_rollups

    day = NOW.date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    frame = demo_frame(np.random.default_rng([SEED, audits_stored]), demo_agents(np.random.default_rng(SEED)),
                       first_index=audits_stored, size=rows, start=start, end=start + timedelta(days=1),
                       drop_from=start)
    path = workdir / f"scale-import-{day}.csv"
    frame.to_csv(path, index=False)
    size = path.stat().st_size
    started = time.perf_counter()
    summary = import_audits(engine, config=config, path=path, now=start + timedelta(days=1))
    seconds = time.perf_counter() - started
    path.unlink()
    with engine.begin() as connection:
        lock_audits(connection)
        connection.execute(text("DELETE FROM audit WHERE audit_day = :day"), {"day": day})
        connection.execute(text("DELETE FROM import_run WHERE file_name = :name"), {"name": path.name})
        refresh_rollups(connection, days={day})
    return {"rows": rows, "csv_mib": round(size / 2**20, 1), "seconds": round(seconds, 1),
            "inserted": summary.counts.inserted, "rejected": summary.rejected,
            "rows_per_second": round(rows / seconds)}


def disk_use(engine, *, audits: int) -> dict:
    """Bytes on disk of the audits (every partition: table, TOAST, indexes), of each index over all partitions,
    of the roll-ups and of the database; the audits' and roll-ups' also per 100M audits."""
    with engine.connect() as connection:
        table, indexes = connection.execute(text(
            "SELECT coalesce(sum(pg_table_size(inhrelid)), 0)::bigint, coalesce(sum(pg_indexes_size(inhrelid)), 0)::bigint "
            "FROM pg_inherits WHERE inhparent = 'audit'::regclass")).one()
        by_index = dict(connection.execute(text(
            "SELECT parent.relname, sum(pg_relation_size(inherits.inhrelid))::bigint FROM pg_inherits inherits "
            "JOIN pg_class parent ON parent.oid = inherits.inhparent WHERE parent.relkind = 'I' "
            "GROUP BY parent.relname ORDER BY parent.relname")).all())
        rollups = {name: connection.execute(text("SELECT pg_total_relation_size(CAST(:name AS regclass))"),
                                            {"name": name}).scalar() for name in ROLLUP_TABLES}
        database = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    scale = AUDITS_PER_EXTRAPOLATION / audits

    def gib(size: float) -> float:
        return round(size / 2**30, 2)

    return {
        "audits_table_gib": gib(table), "audits_indexes_gib": gib(indexes), "audits_total_gib": gib(table + indexes),
        "audits_indexes_by_index_gib": {name: gib(size) for name, size in by_index.items()},
        "rollups_gib": {name: gib(size) for name, size in rollups.items()},
        "rollups_total_gib": gib(sum(rollups.values())),
        "database_gib": gib(database),
        "bytes_per_audit": round((table + indexes) / audits),
        "per_100m_audits_gib": {"audits_with_indexes": gib((table + indexes) * scale),
                                "audits_indexes": gib(indexes * scale)},
    }


def partition_summary(engine) -> dict:
    """Rows in each partition (one pass over the audits), empty ones included."""
    from bot.store.partitions import existing_partitions

    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT tableoid::regclass::text, count(*) FROM audit GROUP BY 1")).all())
        counts = {name: stored.get(name, 0) for name in sorted(existing_partitions(connection))}
    holding = [rows for rows in counts.values() if rows]
    return {"partitions": len(counts), "holding_audits": len(holding),
            "rows_per_partition": {"min": min(holding), "median": round(statistics.median(holding)),
                                   "max": max(holding)},
            "rows": counts}


def server_memory(engine) -> dict:
    with engine.connect() as connection:
        settings = dict(connection.execute(text(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'max_wal_size', 'effective_cache_size')")).all())
    return {**settings, "machine_ram_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def run(url: str, *, audits: int, per_day: int, import_rows: int, scorecard_runs: int) -> dict:
    """Prepare (unless done already) and measure; the figures, as written to the JSON."""
    from bench.morning import run as morning_run
    from bot.config import load_team_config
    from bot.store.db import make_engine

    config = load_team_config(Path("config/qabot.toml"))
    create_database_if_missing(url)
    engine = make_engine(url)
    preparation = prepare(engine, audits=audits, per_day=per_day, config=config)
    print("vendor scorecard ...", flush=True)
    scorecard = scorecard_timing(engine, config=config, runs=scorecard_runs)
    print(f"  {json.dumps(scorecard)}", flush=True)
    print("morning run for 20 teams ...", flush=True)
    morning = morning_run(url)
    print(f"  sequential {morning['sequential_20_teams_s']} s, at once {morning['concurrent_20_teams_s']} s",
          flush=True)
    print(f"import of {import_rows:,} audits ...", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        day_import = import_timing(engine, config=config, audits_stored=audits, rows=import_rows,
                                   workdir=Path(workdir))
    print(f"  {json.dumps(day_import)}", flush=True)
    print("disk and partitions ...", flush=True)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "server": server_memory(engine)},
        "audits": audits,
        "audits_per_day_last_14_days": min(audits // 2, per_day * RECENT_DAYS) // RECENT_DAYS,
        "days": YEAR_DAYS,
        "preparation_s": preparation,
        "vendor_scorecard": scorecard,
        "day_import": day_import,
        "morning_20_teams": morning,
        "disk": disk_use(engine, audits=audits),
        "partitions": partition_summary(engine),
        "targets": {"vendor_scorecard_7d_p95_ms": 50, "day_import_s": 60, "morning_20_teams_s": 10},
    }
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="created if missing; kept for reruns")
    parser.add_argument("--audits", type=int, default=30_000_000)
    parser.add_argument("--per-day", type=int, default=1_000_000, help="audits a day in the last 14 days")
    parser.add_argument("--import-audits", type=int, default=1_000_000, help="audits of the measured day's import")
    parser.add_argument("--scorecard-runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("bench/results/scale.json"))
    args = parser.parse_args()
    results = run(args.database_url, audits=args.audits, per_day=args.per_day, import_rows=args.import_audits,
                  scorecard_runs=args.scorecard_runs)
    write_results(results, args.out)


if __name__ == "__main__":
    main()
