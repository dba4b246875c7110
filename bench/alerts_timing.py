"""How long the shift rule takes in a monitor pass: its own work over simulated scopes, and the whole rule
(query included) over 200 scopes of a 10M-audit demo database. Part of `python -m bench.alerts`."""

from __future__ import annotations

import shutil
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from bot.alerts.config import ShiftRule
from bot.alerts.rules import ScopeDays, shift_breaches

MONITOR_VENDORS = 195


def rule_time(history: dict[str, np.ndarray], *, runs: int = 5) -> dict:
    """The shift rule's own work in one monitor pass (baselines, detector, words) over the simulated vendors of
    `history` (bench.alerts.simulate), in ms.

    The database query that feeds it is not included: that is the monitor's, measured with the store.
    """
    rule = ShiftRule()
    scopes = len(history["audits"])
    days = tuple(date(2026, 1, 1) + timedelta(days=day) for day in range(rule.baseline_days + rule.watch_days))
    end = rule.baseline_days + rule.watch_days
    inputs = [ScopeDays("vendor", f"vendor {index}", f"vendor {index}", days, tuple(audits[:end].tolist()),
                        tuple((audits[:end] - errors[:end]).tolist()))
              for index, (audits, errors) in enumerate(zip(history["audits"], history["errors"]))]
    times, alerts = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        alerts = len(shift_breaches(inputs, rule=rule))
        times.append((time.perf_counter() - began) * 1000)
    return {"scopes": scopes, "days": end, "median_ms": round(float(np.median(times)), 1), "alerts": alerts}


def monitor_pass(audits: int, *, workdir: Path, runs: int = 5) -> dict:
    """The monitor's shift rule (query, baselines, detector, words) on a copy of the demo database whose agents
    are spread over 195 vendors, which with the 5 queues makes 200 scopes; median of `runs` passes, in ms."""
    from sqlalchemy import text

    from bench.slack import NOW, prepare_database
    from bot.alerts.rules import SHIFT
    from bot.config import load_team_config
    from bot.jobs.alerts import find_breaches
    from bot.store.db import make_engine, session_scope
    from bot.store.rollups import refresh_rollups

    source = workdir / f"rca_{audits}.db"  # bench/rca.py's database: made once, shared
    prepare_database(f"sqlite:///{source}", audits)
    copy = workdir / f"{source.stem}-{MONITOR_VENDORS}-vendors.db"
    if not copy.exists():
        staging = copy.with_suffix(".tmp")
        shutil.copyfile(source, staging)
        engine = make_engine(f"sqlite:///{staging}")
        with engine.begin() as connection:
            connection.execute(text("CREATE TEMP TABLE agent_vendor (agent_id TEXT PRIMARY KEY, vendor TEXT)"))
            connection.execute(text(f"INSERT INTO agent_vendor SELECT agent_id, 'Vendor ' || printf('%03d', "
                                    f"(ROW_NUMBER() OVER (ORDER BY agent_id) - 1) % {MONITOR_VENDORS}) "
                                    "FROM (SELECT DISTINCT agent_id FROM audit)"))
            connection.execute(text("UPDATE audit SET vendor = (SELECT vendor FROM agent_vendor "
                                    "WHERE agent_vendor.agent_id = audit.agent_id)"))
            connection.execute(text("DELETE FROM scope_value WHERE \"column\" = 'vendor'"))
            days = {row[0] for row in connection.execute(text("SELECT DISTINCT audit_day FROM audit"))}
            refresh_rollups(connection, days={datetime.fromisoformat(str(day)).date() for day in days})
        engine.dispose()
        staging.rename(copy)
    config = load_team_config(Path("config/qabot.toml"))
    engine = make_engine(f"sqlite:///{copy}")
    times, found = [], []
    for _ in range(runs):
        began = time.perf_counter()
        with session_scope(engine) as session:
            found = find_breaches(session, config=config, rules=[SHIFT], now=NOW)
        times.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    return {"audits": audits, "scopes": MONITOR_VENDORS + 5, "database": "sqlite",
            "median_ms": round(float(np.median(times)), 1), "max_ms": round(max(times), 1), "alerts": len(found)}
