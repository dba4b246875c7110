"""Health benchmark: /healthz, /readyz and /metrics of a running `qabot run`, idle and while it answers Slack.

    python -m bench.health                    # SQLite, 100,000 demo audits in bench/data (made once)
    python -m bench.health --database-url postgresql+psycopg://postgres@127.0.0.1/qabot_bench

The bot runs as `qabot run` in its own process (as deployed, bench.slack's harness); this process
probes each endpoint as a prober or Prometheus would, one new connection per request, several hundred
times in turn: first with the bot idle, then while bursts of 20 `/qa vendor` requests at once keep it
busy (sent from another process). /metrics is scraped after the bursts began, so it has every series.
The aim is 50 ms. Writes bench/results/health-<database>.json.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.slack import (
    CONCURRENCY,
    QUERIES,
    bench_database,
    bot_serving,
    in_sender_process,
    machine,
    send_burst,
    summary_ms,
    write_results,
)

PATHS = ("/healthz", "/readyz", "/metrics")


def probe_times(url: str, requests: int) -> list[float]:
    """Seconds each GET took, connection included; every answer must be 200."""
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{url} answered {answer.status}")
        seconds.append(time.perf_counter() - started)
    return seconds


def measure(base_url: str, requests: int) -> dict:
    return {path: summary_ms(probe_times(base_url + path, requests)) for path in PATHS}


def while_busy(base_url: str, app_url: str, slack_url: str, requests: int) -> dict:
    """`measure` while bursts of CONCURRENCY Slack requests follow one another, the bot never idle."""
    stop = threading.Event()
    bursts = []

    def keep_busy() -> None:
        while not stop.is_set():
            burst = [QUERIES[index % len(QUERIES)] for index in range(CONCURRENCY)]
            bursts.append(in_sender_process(send_burst, app_url, slack_url, burst))

    sender = threading.Thread(target=keep_busy, name="bursts")
    sender.start()
    try:
        time.sleep(1)  # the first burst is under way
        figures = measure(base_url, requests)
    finally:
        stop.set()
        sender.join()
    return {**figures, "slack_requests_meanwhile": sum(len(burst) for burst in bursts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="GETs of each endpoint per phase")
    parser.add_argument("--database-url", default=None, help="default: SQLite file in bench/data")
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    url = bench_database(options.database_url, options.audits)
    database = url.split(":")[0].split("+")[0]
    with bot_serving(url, Path("bench/data")) as (slack, sender, _app):
        base_url = sender.app_url.removesuffix("/slack/events")
        idle = measure(base_url, options.requests)
        busy = while_busy(base_url, sender.app_url, slack.base_url, options.requests)
        with urllib.request.urlopen(base_url + "/metrics", timeout=10) as answer:
            metrics_bytes = len(answer.read())
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "audits": options.audits, "database": database, "aim_ms": 50,
        "idle_ms": idle, "busy_ms": busy, "metrics_body_bytes": metrics_bytes,
    }
    write_results(results, options.out or Path(f"bench/results/health-{database}.json"))


if __name__ == "__main__":
    main()
