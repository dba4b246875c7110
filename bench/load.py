"""Sustained-load benchmark: signed `/qa` requests at a steady rate for a minute, through the real app.

    python -m bench.load                                   # 50 a second for 60 s over 17 scorecards, 1M audits, SQLite
    python -m bench.load --rate 20 --seconds 30 --mix 5 --audits 100000
    python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1/qabot_bench

`qabot run` runs as its own process, as deployed (its chart workers are its children); the stand-in
plays Slack in this process, and the requests are sent from a separate sender process at the given
rate, whatever the answers do, as Slack sends them. Measured: acknowledgement latency (the HTTP
answer to each signed request); how many answers each request got at its response_url (must be
exactly 1); answer lag (from sending the request until its scorecard reached the stand-in); whether
the bot kept pace (answers still missing 60 s after the last request); and the peak memory of all
the bot's processes together (the sum of their RSS, sampled every 0.2 s). Writes
bench/results/load-<database>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from bench.slack import (
    SECRET,
    ResponseUrls,
    bench_database,
    bot_serving,
    in_sender_process,
    machine,
    sign_and_send,
    summary_ms,
    write_results,
)

#: Scorecards people ask for: vendors, queues and policies over a few periods.
SCORECARDS = ("vendor acme", "vendor globex", "vendor initech", "vendor in-house", "vendor acme 30d",
              "vendor globex 14d", "queue shop-listings", "queue video-uploads", "queue ads-review",
              "queue user-reports", "queue ip-complaints", "policy counterfeit", "policy hate-speech",
              "policy spam-scam", "vendor initech 30d", "queue shop-listings 30d", "vendor acme 14d")
SETTLE_SECONDS = 60
SAMPLE_EVERY_S = 0.2


def send_at_rate(app_url: str, base_url: str, rate: float, seconds: float, queries: list[str], out) -> None:
    """In its own process: one signed request every 1/rate s, each from a thread of its own, whatever the
    answers do (as Slack sends them)."""
    from bot.standin import SlackSender

    sender = SlackSender(app_url=app_url, signing_secret=SECRET, slack=ResponseUrls(base_url, "load"))
    total, start, futures = int(rate * seconds), time.perf_counter(), []
    with ThreadPoolExecutor(max_workers=128) as pool:
        for index in range(total):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(sign_and_send, sender, queries[index % len(queries)]))
    out.send([future.result().__dict__ for future in futures])
    out.close()


def tree_rss_bytes(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    stack += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def run_load(url: str, *, rate: float, seconds: float, queries: list[str], workdir: Path) -> dict:
    with bot_serving(url, workdir) as (slack, sender, app):
        peak, sampling = [0], threading.Event()

        def sample() -> None:
            while not sampling.wait(SAMPLE_EVERY_S):
                peak[0] = max(peak[0], tree_rss_bytes(app.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        before = len(slack.calls_to("response_url"))
        started = time.time()
        sent = in_sender_process(send_at_rate, sender.app_url, slack.base_url, rate, seconds, queries)
        keys = {record.key for record in sent if record.key}
        with contextlib.suppress(AssertionError):  # reported below as answers missing
            slack.wait_for(lambda calls: len({c.args["key"] for c in calls if c.method == "response_url"
                                              and c.args["key"] in keys}) == len(keys), timeout=SETTLE_SECONDS)
        time.sleep(1)  # a duplicate answer would arrive right after the first
        sampling.set()
        sampler.join()
        answers = [c for c in slack.calls_to("response_url")[before:] if c.args["key"] in keys]
    per_request = Counter(call.args["key"] for call in answers)
    first_answer = {}
    for call in answers:
        first_answer.setdefault(call.args["key"], call.at)
    sent_at = {record.key: record.at for record in sent}
    lags = [first_answer[key] - sent_at[key] for key in first_answer]
    return {
        "rate_per_s": rate, "seconds": seconds, "distinct_scorecards": len(set(queries)),
        "requests": len(sent), "sent_over_s": round(max(r.at for r in sent) - started, 1),
        "http_200": sum(record.status == 200 for record in sent),
        "ack_ms": summary_ms([record.seconds for record in sent]),
        "answers_per_request": {"exactly_one": sum(per_request[key] == 1 for key in keys),
                                "none": sum(per_request[key] == 0 for key in keys),
                                "more_than_one": sum(per_request[key] > 1 for key in keys)},
        "answer_lag_ms": summary_ms(lags) if lags else None,
        "with_chart": sum(any(b["type"] == "image" for b in c.args.get("blocks") or []) for c in answers),
        "peak_memory_mib_all_processes": round(peak[0] / 2**20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50, help="requests a second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--mix", type=int, default=len(SCORECARDS), help="how many different scorecards")
    parser.add_argument("--audits", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite file in bench/data")
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    url = bench_database(options.database_url, options.audits)
    database = url.split(":")[0].split("+")[0]
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "audits": options.audits, "database": database,
        "load": run_load(url, rate=options.rate, seconds=options.seconds, queries=list(SCORECARDS[:options.mix]),
                         workdir=Path("bench/data")),
    }
    write_results(results, options.out or Path(f"bench/results/load-{database}.json"))


if __name__ == "__main__":
    main()
