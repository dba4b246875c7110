"""Foundation benchmark: audit import and the vendor scorecard, each beside its raw primitive.

    python -m bench.foundation                       # 1M import, scorecard at 1M and 10M audits
    python -m bench.foundation --big 0 --audits 200000   # a quick run
    python -m bench.foundation --big 0 --out bench/results/import.json   # the import only

The machine's speed drifts by a fifth from minute to minute, so each import runs
--import-runs times, ours and the raw primitive in turn, and the median is kept.

Measured in one run, on the same machine and files:
- import of N audits (a CSV made by the demo generator) with `qabot import audits`'s code, into
  SQLite and PostgreSQL, against the raw primitive: `pandas.read_csv` plus a bare `executemany`
  (SQLite, same pragmas) or `COPY` (PostgreSQL) into a table of the 16 CSV columns with a primary key;
  each import runs in its own process so its peak memory (max RSS) is its own;
- the vendor scorecard (`scorecard_for`, 7 and 30 days) at N and at --big audits, against one
  hand-written SQL aggregate over the raw audits for the same figures' core (count, correct, FP,
  FN, wrong label, AHT).
Writes bench/results/foundation.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PG_ADMIN = os.environ.get("QABOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                  "PRAGMA cache_size=-131072", "PRAGMA temp_store=MEMORY")


# ---------------------------------------------------------------- child processes

def child_import_ours(url: str, csv_path: str) -> dict:
    from bot.audits.importer import import_audits
    from bot.config import load_team_config
    from bot.store.db import make_engine, upgrade_database

    engine = make_engine(url)
    upgrade_database(engine)
    config = load_team_config(Path("config/qabot.toml"))
    started = time.perf_counter()
    summary = import_audits(engine, config=config, path=Path(csv_path), now=NOW)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "inserted": summary.counts.inserted, "rejected": summary.rejected}


def child_import_raw(url: str, csv_path: str) -> dict:
    import io

    import pandas as pd

    from bot.config import CANONICAL_COLUMNS

    started = time.perf_counter()
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    read = time.perf_counter() - started
    columns = ", ".join(f"{name} TEXT" for name in CANONICAL_COLUMNS)
    ddl = f"CREATE TABLE raw_audit ({columns}, PRIMARY KEY (audit_id))"
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        connection.execute(ddl)
        placeholders = ", ".join("?" for _ in CANONICAL_COLUMNS)
        connection.executemany(f"INSERT INTO raw_audit VALUES ({placeholders})",
                               frame.itertuples(index=False, name=None))
        connection.commit()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
            connection.execute(ddl)
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False)
            with connection.cursor().copy("COPY raw_audit FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
    return {"seconds": time.perf_counter() - started, "read_csv_seconds": read, "rows": len(frame)}


def child_seed(url: str, audits: str) -> dict:
    from bot.config import load_team_config
    from bot.demo.seed import load_demo
    from bot.store.db import make_engine, upgrade_database

    engine = make_engine(url)
    upgrade_database(engine)
    started = time.perf_counter()
    summary = load_demo(engine, config=load_team_config(Path("config/qabot.toml")),
                        audits=int(audits), days=90, seed=1, now=NOW)
    return {"seconds": time.perf_counter() - started, "inserted": summary.counts.inserted}


CHILDREN = {"import-ours": child_import_ours, "import-raw": child_import_raw, "seed": child_seed}


def run_child(name: str, *args: str) -> dict:
    """Run one measured step in its own process; add its peak memory."""
    code = ("import json, resource, sys; from bench.foundation import CHILDREN; "
            "result = CHILDREN[sys.argv[1]](*sys.argv[2:]); "
            "result['peak_rss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
            "print(json.dumps(result))")
    done = subprocess.run([sys.executable, "-c", code, name, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {name} {args[0].split('/')[-1]}: {result}", flush=True)
    return result


# ---------------------------------------------------------------- scorecard timing

def time_scorecards(url: str, repeats: int) -> dict:
    from sqlalchemy import text

    from bot.config import load_team_config
    from bot.kpi.periods import last_days
    from bot.kpi.service import scorecard_for
    from bot.store.db import make_engine, session_scope

    engine = make_engine(url)
    config = load_team_config(Path("config/qabot.toml"))
    result: dict = {}
    with session_scope(engine) as session:
        total = session.execute(text("SELECT count(*) FROM audit")).scalar_one()
        result["audits"] = total
        for days in (7, 30):
            period = last_days(days, now=NOW)
            timings = []
            for _ in range(repeats + 3):
                started = time.perf_counter()
                card = scorecard_for(session, config=config, scopes={"vendor": "acme"}, period=period)
                timings.append(time.perf_counter() - started)
            result[f"scorecard_{days}d_ms"] = _summary(timings[3:])
            result[f"scorecard_{days}d_audits"] = card.counts.audits

            start = datetime.combine(period.first_day, datetime.min.time(), tzinfo=UTC)
            raw_sql = text(
                "SELECT count(*), sum(CASE WHEN outcome = 'correct' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN outcome = 'false_positive' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN outcome = 'false_negative' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN outcome = 'wrong_label' THEN 1 ELSE 0 END), avg(handle_time_s) "
                "FROM audit WHERE vendor = :vendor AND audited_at >= :start"
            ).bindparams(vendor="Acme BPO")
            from sqlalchemy import bindparam

            from bot.store.types import UTCDateTime

            raw_sql = raw_sql.bindparams(bindparam("start", type_=UTCDateTime))
            raw_repeats = max(3, repeats // 5) if total > 2_000_000 else repeats
            timings = []
            for _ in range(raw_repeats + 1):
                started = time.perf_counter()
                row = session.execute(raw_sql, {"start": start}).one()
                timings.append(time.perf_counter() - started)
            assert row[0] == card.counts.audits, (row[0], card.counts.audits)
            result[f"raw_sql_{days}d_ms"] = _summary(timings[1:])
    engine.dispose()
    return result


def _median_run(runs: list[dict]) -> dict:
    """The run with the median time, with every run's seconds beside it."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[len(ordered) // 2], "seconds_per_run": [round(run["seconds"], 2) for run in runs]}


def _summary(seconds: list[float]) -> dict:
    ms = sorted(value * 1000 for value in seconds)
    return {"median": round(statistics.median(ms), 2), "p95": round(ms[int(0.95 * (len(ms) - 1))], 2),
            "runs": len(ms)}


# ---------------------------------------------------------------- databases

def fresh_database(backend: str, workdir: Path, name: str) -> str:
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    database = f"qabot_bench_{name}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=database).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def make_csv(path: Path, audits: int) -> None:
    from bot.demo.seed import demo_chunks

    if path.exists():
        return
    partial = path.with_suffix(".partial")
    for index, frame in enumerate(demo_chunks(audits=audits, days=90, seed=1, now=NOW)):
        frame.to_csv(partial, mode="a" if index else "w", header=index == 0, index=False)
    partial.rename(path)


def main() -> None:
    from bench.slack import machine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000_000, help="audits for the large scorecard run (0: skip)")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--import-runs", type=int, default=3, help="imports of each kind; the median is reported")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=Path("bench/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/foundation.json"))
    options = parser.parse_args()
    options.workdir.mkdir(parents=True, exist_ok=True)
    csv_path = options.workdir / f"audits_{options.audits}.csv"
    print(f"making {csv_path}", flush=True)
    make_csv(csv_path, options.audits)

    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "audits": options.audits,
        "csv_mib": round(csv_path.stat().st_size / 2**20, 1),
    }
    for backend in options.backends.split(","):
        print(f"{backend}:", flush=True)
        section: dict = {}
        raws, ours = [], []
        for attempt in range(options.import_runs):  # interleaved, so a slower minute of the machine hits both
            raw_url = fresh_database(backend, options.workdir, "raw")
            raws.append(run_child("import-raw", raw_url, str(csv_path)))
            drop_database(raw_url)
            ours_url = fresh_database(backend, options.workdir, "ours")
            ours.append(run_child("import-ours", ours_url, str(csv_path)))
            if attempt < options.import_runs - 1:
                drop_database(ours_url)
        section["import_raw"] = _median_run(raws)
        section["import_ours"] = _median_run(ours)
        section["import_ratio"] = round(section["import_ours"]["seconds"] / section["import_raw"]["seconds"], 2)
        section["import_ratio_per_run"] = [round(o["seconds"] / r["seconds"], 2) for o, r in zip(ours, raws)]
        section[f"scorecard_at_{options.audits}"] = time_scorecards(ours_url, options.repeats)
        drop_database(ours_url)
        if options.big:
            big_url = fresh_database(backend, options.workdir, "big")
            section[f"seed_{options.big}"] = run_child("seed", big_url, str(options.big))
            section[f"scorecard_at_{options.big}"] = time_scorecards(big_url, options.repeats)
            drop_database(big_url)
        results[backend] = section
        print(json.dumps(section, indent=2), flush=True)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()
