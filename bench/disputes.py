"""Disputes benchmark: how long an overturn takes to reach the figures, at 10M audits.

    python -m bench.disputes                 # the 10M-audit database bench/rca.py makes (made once)
    python -m bench.disputes --audits 1000000 --runs 3
    python -m bench.disputes --database-url postgresql+psycopg://postgres@127.0.0.1/qabot_bench_disputes

Each run files a dispute on one of Acme's latest errors and overturns it through the disputes service (the
decision, the final verdict on the audit, the rebuild of its day's roll-ups, one transaction; the message
update goes to the stand-in), then reads the vendor's 7-day scorecard and checks the audit is counted correct.
The time is from the decision until that scorecard is back. It runs on a copy of the database (made once),
which it changes. Writes bench/results/disputes.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.slack import NOW, prepare_database, summary_ms
from bot.disputes.rules import DisputeForm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audits", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("bench/data"))
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL database to seed (once) and change, instead of a copy of the SQLite one")
    parser.add_argument("--out", type=Path, default=None,
                        help="default bench/results/disputes.json (SQLite), disputes-postgresql.json (PostgreSQL)")
    args = parser.parse_args()
    if args.database_url:
        url, database = args.database_url, "postgresql"
        ensure_database(url)
        prepare_database(url, args.audits)
    else:
        url, database = sqlite_copy(args.workdir, args.audits), "sqlite"
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "platform": platform.platform()},
              "audits": args.audits, "database": database, **measure(url, args.runs)}
    out = args.out or Path(f"bench/results/disputes{'-postgresql' if database == 'postgresql' else ''}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


def sqlite_copy(workdir: Path, audits: int) -> str:
    """A copy (made once) of the SQLite database bench/rca.py makes: the benchmark changes it."""
    source = workdir / f"rca_{audits}.db"
    prepare_database(f"sqlite:///{source}", audits)
    copy = workdir / f"disputes_{audits}.db"
    if not copy.exists():
        shutil.copyfile(source, copy.with_suffix(".tmp"))
        copy.with_suffix(".tmp").rename(copy)
    return f"sqlite:///{copy}"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names, if it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def measure(url: str, runs: int) -> dict:
    from bot.app import build_web_client
    from bot.config import load_team_config
    from bot.disputes.service import decide_dispute, file_dispute
    from bot.kpi.periods import last_days
    from bot.kpi.service import scorecard_for
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.slack.access import GroupDirectory, Viewer
    from bot.standin import FakeSlack
    from bot.store.db import make_engine, session_scope
    from bot.store.kpi import latest_errors, vendors_of_agents

    lead = "UBENCHQA01"
    base = load_team_config(Path("config/qabot.toml"))
    config = base.model_copy(update={
        "access": base.access.model_copy(update={"qa_staff": [lead]}),
        "disputes": base.disputes.model_copy(update={"channel": "C0DISPUTES", "window_days": 90})})
    engine = make_engine(url)
    period = last_days(7, now=NOW)
    seconds, overturned = [], []
    with FakeSlack() as slack:
        client = build_web_client(Settings(database_url=url, config_path=Path("unused"), config_path_is_default=False,
                                           slack_bot_token=slack.token, slack_api_url=slack.api_url))
        runtime = Runtime(engine=engine, config=config, client=client, clock=lambda: NOW,
                          groups=GroupDirectory(lambda group: []))
        viewer = Viewer(lead, config=config, groups=runtime.groups)
        with session_scope(engine) as session:
            agents = [f"man-acme-{number:03d}" for number in range(1, 71)]
            errors = latest_errors(session, agent_ids=agents, first_day=period.first_day, last_day=period.last_day,
                                   limit=runs)
            vendor = vendors_of_agents(session, agent_ids=agents[:1])[0]
        for audit in errors:
            dispute = file_dispute(runtime, viewer=viewer, form=DisputeForm(audit.audit_id, audit.agent_decision,
                                                                            "bench", ""))
            with session_scope(engine) as session:
                before = scorecard_for(session, config=config, scopes={"vendor": vendor}, period=period)
            started = time.perf_counter()
            decide_dispute(runtime, dispute.id, viewer=viewer, overturn=True, note="bench",
                           final_label=audit.agent_decision)
            with session_scope(engine) as session:
                after = scorecard_for(session, config=config, scopes={"vendor": vendor}, period=period)
            seconds.append(time.perf_counter() - started)
            overturned.append(after.counts.correct - before.counts.correct)
    engine.dispose()
    return {"overturn_to_figures_ms": summary_ms(seconds), "correct_gained_per_overturn": overturned,
            "runs": len(seconds)}


if __name__ == "__main__":
    main()
