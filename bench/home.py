"""Home tab benchmark: building a person's Home (figures and Block Kit) against a large database, read-only.

    python -m bench.home                                   # bench/data/rca_10000000.db (10M demo audits)
    python -m bench.home --database /path/to/other.db --repeats 20

What `app_home_opened` computes before views.publish, for a QA lead (every vendor, alerts, escalations,
calibrations) and for a vendor member (one vendor, their records): bot/home/service.py's home_for and
bot/render/home_blocks.py's home_view. The database is opened with SQLite's mode=ro: nothing is written.
Writes bench/results/home.json.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from bench.slack import NOW, read_only_main, summary_ms

QA_LEAD = "UBENCHQA01"
ACME_MEMBER = "UBENCHACME"


def bench_config():
    from bot.config import load_team_config, parse_team_config

    raw = load_team_config(Path("config/qabot.toml")).model_dump(exclude_none=True)
    raw["access"] = {"qa_staff": [QA_LEAD]}
    raw["vendors"]["acme"]["members"] = [ACME_MEMBER]
    return parse_team_config(raw, origin="bench")


def run(database: Path, repeats: int) -> dict:
    from bot.home.service import home_for
    from bot.render.home_blocks import home_view
    from bot.slack.access import GroupDirectory, Viewer
    from bot.store.audits import count_audits
    from bot.store.db import make_engine, session_scope

    config = bench_config()
    engine = make_engine(f"sqlite:///file:{database.resolve()}?mode=ro&uri=true")
    groups = GroupDirectory(lambda _group: [])

    def build(user_id: str) -> dict:
        with session_scope(engine) as session:
            home = home_for(session, config=config, viewer=Viewer(user_id, config=config, groups=groups), now=NOW)
        return home_view(home)

    with session_scope(engine) as session:
        audits = count_audits(session)
    results = {"database": database.name, "audits": audits, "now": NOW.isoformat(), "repeats": repeats,
               "python": platform.python_version()}
    for name, user_id in (("qa_lead", QA_LEAD), ("vendor_member", ACME_MEMBER)):
        started = time.perf_counter()
        view = build(user_id)  # the first: imports, a cold page cache
        results[f"{name}_first_ms"] = round((time.perf_counter() - started) * 1000, 1)
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            build(user_id)
            seconds.append(time.perf_counter() - started)
        results[f"{name}_ms"] = summary_ms(seconds)
        results[f"{name}_blocks"] = len(view["blocks"])
        results[f"{name}_vendors"] = sum(block.get("type") == "section" and "target" in block["text"]["text"]
                                         for block in view["blocks"])
    engine.dispose()
    return results


def main() -> None:
    read_only_main(__doc__, run, out="bench/results/home.json", repeats=10)


if __name__ == "__main__":
    main()
