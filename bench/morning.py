"""Morning benchmark: 20 teams' morning posts and one SLA-monitor pass over 1M audits.

    python -m bench.morning                    # 1M demo audits in bench/data/slack_1000000.db (made once)
    python -m bench.morning --audits 100000 --database-url postgresql+psycopg://postgres@127.0.0.1/qabot_bench

Twenty teams in eight time zones with the scopes teams use (one vendor, a vendor and a queue, a
market, everything). Each post is the real job (`post_morning`): local-day queries, the report,
two charts, three uploads and the post to the Slack stand-in. Measured: each post sequentially
(its query and report part on its own too), all 20 at once in threads (teams sharing a post
time, as the scheduler's thread pool runs them), one monitor pass, and the peak memory.
Writes bench/results/morning.json.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete

from bench.slack import NOW, bench_database, machine, write_results

ZONES = ("Asia/Manila", "Europe/Dublin", "America/Los_Angeles", "Asia/Singapore", "Asia/Kolkata",
         "Europe/Berlin", "America/New_York", "Australia/Sydney")
SCOPES = (
    {"vendors": ["acme"]},
    {"vendors": ["globex"], "queues": ["shop-listings"]},
    {"markets": ["US"]},
    {},
    {"vendors": ["acme", "initech"]},
)
TEAMS = 20


def team_config():
    from bot.config import load_team_config, parse_team_config

    shipped = load_team_config(Path("config/qabot.toml"))
    raw = shipped.model_dump(exclude_none=True)
    raw["teams"] = {f"team-{n:02d}": {"channel": f"C0TEAM{n:04d}", "timezone": ZONES[n % len(ZONES)],
                                      "post_at": "09:00", **SCOPES[n % len(SCOPES)]} for n in range(TEAMS)}
    raw["alerts"] = {**raw.get("alerts", {}), "channel": "C0ALERTS01"}
    return parse_team_config(raw, origin="bench")


def stats_ms(seconds: list[float]) -> dict:
    ms = sorted(value * 1000 for value in seconds)
    return {"mean": round(statistics.fmean(ms), 1), "median": round(statistics.median(ms), 1),
            "max": round(ms[-1], 1), "n": len(ms)}


def run(url: str) -> dict:
    from bot.app import build_web_client
    from bot.jobs.alerts import check_alerts
    from bot.kpi.morning_service import morning_report, post_morning
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.standin import FakeSlack
    from bot.store.db import make_engine, session_scope
    from bot.store.records import Alert

    config = team_config()
    engine = make_engine(url)
    with session_scope(engine) as session:  # the bench database's alerts: start from none, as on a first run
        session.execute(delete(Alert))
    with FakeSlack() as slack:
        client = build_web_client(Settings(database_url=url, config_path=Path("unused"), config_path_is_default=False,
                                           slack_bot_token=slack.token, slack_api_url=slack.api_url))
        context = Runtime(engine=engine, client=client, config=config)
        keys = list(config.teams)
        post_morning(context, team_key=keys[0], now=NOW)  # warm-up: imports, fonts, connection pool

        report_seconds, post_seconds, audits = [], [], []
        for key in keys:
            started = time.perf_counter()
            with session_scope(engine) as session:
                report = morning_report(session, config=config, team_key=key, now=NOW)
            report_seconds.append(time.perf_counter() - started)
            audits.append(report.week.counts.audits)
            started = time.perf_counter()
            post_morning(context, team_key=key, now=NOW)
            post_seconds.append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=10) as pool:  # APScheduler's default thread pool size
            outcomes = list(pool.map(lambda key: post_morning(context, team_key=key, now=NOW), keys))
        concurrent_seconds = time.perf_counter() - started

        monitor = []
        for later in (0, 5):  # the first pass opens and posts the alerts, the next finds them open
            started = time.perf_counter()
            outcome = check_alerts(context, now=NOW + timedelta(minutes=later))
            monitor.append({"ms": round((time.perf_counter() - started) * 1000, 1), "outcome": outcome})
        uploads = len(slack.calls_to("upload"))
    engine.dispose()
    return {
        "teams": TEAMS,
        "time_zones": len(ZONES),
        "audits_in_7_day_posts": {"min": min(audits), "max": max(audits)},
        "report_queries_ms": stats_ms(report_seconds),
        "full_post_ms": stats_ms(post_seconds),
        "sequential_20_teams_s": round(sum(post_seconds), 2),
        "concurrent_20_teams_s": round(concurrent_seconds, 2),
        "all_posted": all(outcome.startswith("posted") for outcome in outcomes),
        "charts_uploaded": uploads,
        "monitor_first_pass": monitor[0],
        "monitor_next_pass": monitor[1],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite file in bench/data")
    parser.add_argument("--out", type=Path, default=Path("bench/results/morning.json"))
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    url = bench_database(options.database_url, options.audits)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "audits": options.audits,
        "database": url.split(":")[0],
        **run(url),
    }
    write_results(results, options.out)


if __name__ == "__main__":
    main()
