"""Slack benchmark: `/qa vendor` under 20 concurrent requests, through the real app and the stand-in.

    python -m bench.slack                     # 1M demo audits in bench/data/slack.db (made once)
    python -m bench.slack --audits 100000 --rounds 2

Measures, in one run: acknowledgement latency (HTTP answer to the signed request), time until
the scorecard and its chart have reached the stand-in (response_url post, after the three-step
files_upload_v2), and the chart's render time beside a bare matplotlib figure of the same size
and points. Writes bench/results/slack.json.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CONCURRENCY = 20
QUERIES = ("vendor acme", "vendor globex 30d", "vendor initech", "vendor in-house 14d", "vendor acme 30d")
USER = "UBENCHQA01"
SECRET = "bench-signing-secret"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary_ms(seconds: list[float]) -> dict:
    ms = [value * 1000 for value in seconds]
    return {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1), "max": round(max(ms), 1), "n": len(ms)}


def prepare_database(url: str, audits: int) -> None:
    from bot.config import load_team_config
    from bot.demo.seed import load_demo
    from bot.store.audits import count_audits
    from bot.store.db import make_engine, session_scope, upgrade_database

    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        present = count_audits(session)
    if present < audits:
        print(f"seeding {audits:,} demo audits into {url} ...", flush=True)
        load_demo(engine, config=load_team_config(Path("config/qabot.toml")), audits=audits, days=90, seed=1, now=NOW)
    engine.dispose()


def run_requests(url: str, rounds: int) -> dict:
    from bot.app import build_app, build_web_client
    from bot.config import Access, load_team_config
    from bot.server import HttpServer
    from bot.services import Services
    from bot.settings import Settings
    from bot.slack.access import GroupDirectory
    from bot.standin import FakeSlack, SlackSender
    from bot.store.db import make_engine

    config = load_team_config(Path("config/qabot.toml"))
    config = config.model_copy(update={"access": Access(qa_staff=[USER])})
    engine = make_engine(url)
    with FakeSlack() as slack:
        settings = Settings(database_url=url, config_path=Path("config/qabot.toml"), config_path_is_default=False,
                            slack_bot_token=slack.token, slack_signing_secret=SECRET, slack_api_url=slack.api_url)
        client = build_web_client(settings)
        services = Services(engine=engine, config=config, clock=lambda: NOW,
                            groups=GroupDirectory(lambda group: []))
        server = HttpServer(build_app(settings=settings, services=services, client=client),
                            host="127.0.0.1", port=0).start()
        sender = SlackSender(app_url=server.url, signing_secret=SECRET, slack=slack)
        sender.slash_command("help", user_id=USER)  # warm-up: imports, first connection
        slack.wait_for_calls("response_url", 1)
        acks, replies, failures = [], [], 0
        try:
            for round_number in range(rounds):
                def one(index: int):
                    started = time.time()
                    delivery = sender.slash_command(QUERIES[index % len(QUERIES)], user_id=USER)
                    return started, delivery
                with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
                    results = list(pool.map(one, range(CONCURRENCY)))
                for started, delivery in results:
                    acks.append(delivery.seconds)
                    failures += delivery.status != 200
                    key = delivery.response_url.rsplit("/", 1)[1]
                    calls = slack.wait_for(lambda calls, key=key: any(
                        c.method == "response_url" and c.args["key"] == key for c in calls), timeout=60)
                    reply = next(c for c in calls if c.method == "response_url" and c.args["key"] == key)
                    if not any(block["type"] == "image" for block in reply.args.get("blocks") or []):
                        failures += 1
                    replies.append(reply.at - started)
                print(f"  round {round_number + 1}: ack p99 {percentile(acks, 99) * 1000:.0f} ms, "
                      f"reply p95 {percentile(replies, 95) * 1000:.0f} ms", flush=True)
        finally:
            server.stop()
    engine.dispose()
    return {"ack_ms": summary_ms(acks), "full_reply_ms": summary_ms(replies), "failures": failures,
            "concurrency": CONCURRENCY, "requests": len(acks)}


def chart_timing(url: str, repeats: int) -> dict:
    from matplotlib.figure import Figure

    from bot.commands.scorecard import scorecard_for
    from bot.config import load_team_config
    from bot.kpi.periods import last_days
    from bot.render.charts import TREND_DPI, TREND_SIZE_INCHES, trend_chart
    from bot.store.db import make_engine, session_scope

    with session_scope(make_engine(url)) as session:
        card = scorecard_for(session, config=load_team_config(Path("config/qabot.toml")),
                             scopes={"vendor": "acme"}, period=last_days(30, now=NOW))
    points = [(p.day, p.accuracy.value) for p in card.daily if p.accuracy]

    def bare() -> bytes:
        figure = Figure(figsize=TREND_SIZE_INCHES, dpi=TREND_DPI)
        figure.add_subplot().plot([day for day, _ in points], [value for _, value in points])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    ours, plain = [], []
    for _ in range(3):
        trend_chart(card), bare()
    for _ in range(repeats):  # interleaved, so both see the same machine state
        started = time.perf_counter()
        trend_chart(card)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare()
        plain.append(time.perf_counter() - started)
    return {"chart_ms": round(statistics.median(ours) * 1000, 1), "bare_figure_ms": round(statistics.median(plain) * 1000, 1),
            "ratio": round(statistics.median(ours) / statistics.median(plain), 2), "runs": repeats,
            "size_px": [round(TREND_SIZE_INCHES[0] * TREND_DPI), round(TREND_SIZE_INCHES[1] * TREND_DPI)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="default: SQLite file in bench/data")
    parser.add_argument("--out", type=Path, default=Path("bench/results/slack.json"))
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    Path("bench/data").mkdir(parents=True, exist_ok=True)
    url = options.database_url or f"sqlite:///bench/data/slack_{options.audits}.db"
    prepare_database(url, options.audits)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "audits": options.audits,
        "database": url.split(":")[0],
        "requests": run_requests(url, options.rounds),
        "chart": chart_timing(url, repeats=30),
    }
    print(json.dumps(results, indent=2))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
