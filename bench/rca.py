"""Root-cause analysis and coaching benchmark, at 10M audits.

    python -m bench.rca                      # 10M demo audits in bench/data/rca_10000000.db (made once)
    python -m bench.rca --audits 1000000 --requests 10

Measured, in one run:
- `/qa errors vendor acme Nd` through Slack: `qabot run` as its own process (bench/slack.py), one signed
  request at a time, each for a different period so that every Pareto chart is drawn and uploaded; time
  from sending until the reply (with its chart) reached the stand-in;
- the same for the drill-down `/qa errors vendor acme "CATEGORY" Nd`;
- the figures alone in this process (`errors_view`, `category_view`), to show where the time goes;
- the weekly digest of coaching candidates for 20 vendors: a copy of the database whose agents are
  spread over 20 vendors (roll-ups rebuilt), each with a leads channel; `post_digest` for all 20 against
  the stand-in.
Writes bench/results/rca.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.slack import NOW, bot_serving, percentile, prepare_database, summary_ms

DIGEST_VENDORS = 20


def timed(work, repeats: int) -> dict:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return summary_ms(seconds)


def in_process(url: str, repeats: int) -> tuple[dict, str]:
    """The figures without Slack: what the listener computes before it draws and answers."""
    from bot.config import load_team_config
    from bot.kpi.periods import last_days
    from bot.rca.service import terminal_errors
    from bot.render.charts import pareto_chart
    from bot.store.db import make_engine, session_scope

    engine = make_engine(url)
    config = load_team_config(Path("config/qabot.toml"))
    period = last_days(30, now=NOW)

    def view(category: str | None = None):
        with session_scope(engine) as session:
            return terminal_errors(session, config=config, scopes={"vendor": "acme"}, period=period,
                                   category_text=category)

    pareto = view()
    top = pareto.pareto.rows[0].category
    errors = [(row.category, row.counts.errors) for row in pareto.pareto.rows]
    results = {
        "errors_view_30d_ms": timed(view, repeats),
        "category_view_30d_ms": timed(lambda: view(top), repeats),
        "pareto_chart_render_ms": timed(lambda: pareto_chart("Acme BPO Oct 24 to Nov 22", errors), repeats),
        "audits_in_scope_30d": pareto.pareto.audits,
        "categories": len(pareto.pareto.rows),
    }
    engine.dispose()
    return results, top


def through_slack(url: str, workdir: Path, requests: int, top: str) -> dict:
    """One request at a time, each a different period (a new chart every time)."""
    results = {}
    with bot_serving(url, workdir) as (slack, sender, _app):
        for name, text in (("errors_view", "errors vendor acme {days}d"),
                           ("drill_down", f'errors vendor acme "{top}" {{days}}d')):
            replies, acks, failures = [], [], 0
            for index in range(requests):
                started = time.time()
                delivery = sender.slash_command(text.format(days=30 - index), user_id="UBENCHQA01")
                key = delivery.response_url.rsplit("/", 1)[1]
                calls = slack.wait_for(lambda calls, key=key: any(
                    c.method == "response_url" and c.args["key"] == key for c in calls), timeout=60)
                reply = next(c for c in calls if c.method == "response_url" and c.args["key"] == key)
                failures += delivery.status != 200 or (name == "errors_view" and not any(
                    block["type"] == "image" for block in reply.args.get("blocks") or []))
                acks.append(delivery.seconds)
                replies.append(reply.at - started)
            results[name] = {"ack_ms": summary_ms(acks), "full_reply_ms": summary_ms(replies),
                             "failures": failures, "requests": requests}
            print(f"  {name}: reply p95 {percentile(replies, 95) * 1000:.0f} ms", flush=True)
        results["charts_uploaded"] = len(slack.calls_to("upload"))
    return results


def twenty_vendor_copy(url: str, workdir: Path) -> tuple[str, float]:
    """A copy of the SQLite database with its agents spread over 20 vendors (roll-ups and scope values
    rebuilt); returns its URL and how long that took."""
    from sqlalchemy import text

    from bot.store.db import make_engine
    from bot.store.rollups import refresh_rollups

    source = Path(url.removeprefix("sqlite:///"))
    copy = workdir / f"{source.stem}-20-vendors.db"
    started = time.perf_counter()
    if not copy.exists():
        staging = copy.with_suffix(".tmp")
        shutil.copyfile(source, staging)
        engine = make_engine(f"sqlite:///{staging}")
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE audit SET vendor = 'Vendor ' || printf('%02d', "
                                    f"(CAST(substr(agent_id, -3) AS INTEGER) * 7 + length(vendor)) % {DIGEST_VENDORS})"))
            connection.execute(text("DELETE FROM scope_value WHERE \"column\" = 'vendor'"))
            days = {row[0] for row in connection.execute(text("SELECT DISTINCT audit_day FROM audit"))}
            refresh_rollups(connection, days={datetime.fromisoformat(str(day)).date() for day in days})
        engine.dispose()
        staging.rename(copy)
    return f"sqlite:///{copy}", time.perf_counter() - started


def digest(url: str) -> dict:
    from bot.app import build_web_client
    from bot.coaching.follow_up import post_digest
    from bot.config import Vendor, load_team_config
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.standin import FakeSlack
    from bot.store.db import make_engine

    base = load_team_config(Path("config/qabot.toml"))
    vendors = {f"v{index:02d}": {"name": f"Vendor {index:02d}", "leads_channel": f"C0LEADS{index:02d}"}
               for index in range(DIGEST_VENDORS)}
    config = base.model_copy(update={"vendors": {key: Vendor(**value) for key, value in vendors.items()}})
    engine = make_engine(url)
    with FakeSlack() as slack:
        client = build_web_client(Settings(database_url=url, config_path=Path("unused"), config_path_is_default=False,
                                           slack_bot_token=slack.token, slack_api_url=slack.api_url))
        runtime = Runtime(engine=engine, config=config, client=client, clock=lambda: NOW)
        started = time.perf_counter()
        outcomes = [post_digest(runtime, vendor_key=key, day_of=NOW + timedelta(days=1)) for key in vendors]
        seconds = time.perf_counter() - started
        posts = len(slack.calls_to("chat.postMessage"))
    engine.dispose()
    candidates = sum(int(outcome.split(": ")[1].split()[0]) for outcome in outcomes)
    return {"vendors": DIGEST_VENDORS, "seconds": round(seconds, 2), "posts": posts, "candidates": candidates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audits", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=20, help="requests of each kind through Slack")
    parser.add_argument("--repeats", type=int, default=20, help="runs of each in-process measurement")
    parser.add_argument("--workdir", type=Path, default=Path("bench/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/rca.json"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{args.workdir / f'rca_{args.audits}.db'}"
    prepare_database(url, args.audits)
    print("in process ...", flush=True)
    figures, top = in_process(url, args.repeats)
    print(f"  {json.dumps(figures)}", flush=True)
    print("through Slack ...", flush=True)
    slack = through_slack(url, args.workdir, args.requests, top)
    print("digest for 20 vendors ...", flush=True)
    twenty, prepared = twenty_vendor_copy(url, args.workdir)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "audits": args.audits, "database": "sqlite", "in_process": figures, "slack": slack,
        "digest": {**digest(twenty), "copy_prepared_seconds": round(prepared, 1)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    sys.exit(1 if slack["errors_view"]["failures"] or slack["drill_down"]["failures"] else 0)


if __name__ == "__main__":
    main()
