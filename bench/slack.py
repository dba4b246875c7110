"""Slack benchmark: `/qa vendor` under 20 concurrent requests, through the real app and the stand-in.

    python -m bench.slack                     # 1M demo audits in bench/data/slack.db (made once)
    python -m bench.slack --audits 100000 --rounds 2

The bot runs as `qabot run` in its own process, as deployed; this process plays Slack (the
stand-in) and sends 20 signed `/qa vendor` requests at once, several rounds. Measures, in one
run: acknowledgement latency (HTTP answer to the signed request), time until the scorecard and
its chart have reached the stand-in (response_url post, after the three-step files_upload_v2),
both for a burst over 5 scorecards (a team asking about the same vendors) and for 20 distinct
ones (every chart drawn); and the chart's render time beside a bare matplotlib figure of the
same size and points. Writes bench/results/slack.json.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import logging
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.standin import FakeSlack, SlackSender

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


def read_only_main(doc: str, run, *, out: str, repeats: int) -> None:
    """The command line of a benchmark that reads a prepared database (`run(database, repeats)`): its options,
    its JSON written to `out` and printed."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=Path("bench/data/rca_10000000.db"))
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--out", type=Path, default=Path(out))
    args = parser.parse_args()
    write_results(run(args.database, args.repeats), args.out)


def write_results(results: dict, out: Path) -> None:
    """Print the figures and keep them as JSON, which the README quotes."""
    print(json.dumps(results, indent=2))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def bench_database(database_url: str | None, audits: int) -> str:
    """The benchmark's database URL (the one given, else a SQLite file in bench/data), holding at least `audits`
    demo audits."""
    Path("bench/data").mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///bench/data/slack_{audits}.db"
    prepare_database(url, audits)
    return url


def machine() -> dict:
    """What the figures were measured on."""
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def bot_serving(url: str, workdir: Path) -> Iterator[tuple[FakeSlack, SlackSender, subprocess.Popen]]:
    """`qabot run` as its own process (as deployed), its clock at NOW (the seeded data's today), Slack played
    by the stand-in in this process; stopped with SIGTERM (its graceful stop) afterwards."""
    from bot.standin import FakeSlack, SlackSender

    config_path = workdir / "bench-qabot.toml"
    shipped = Path("config/qabot.toml").read_text(encoding="utf-8")
    if "\nqa_staff = []" not in shipped:
        raise RuntimeError("config/qabot.toml should ship with an empty qa_staff list")
    config_path.write_text(shipped.replace("\nqa_staff = []", f'\nqa_staff = ["{USER}"]', 1), encoding="utf-8")
    port = free_port()
    with FakeSlack() as slack:
        env = {**os.environ, "DATABASE_URL": url, "QABOT_CONFIG": str(config_path), "PORT": str(port),
               "SLACK_BOT_TOKEN": slack.token, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
               "SLACK_APP_TOKEN": "", "QABOT_LOG_LEVEL": "WARNING", "QABOT_TEST_NOW": NOW.isoformat()}
        app = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env)
        sender = SlackSender(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=SECRET, slack=slack)
        try:
            _wait_until_serving(sender, app)
            yield slack, sender, app
        finally:
            app.terminate()
            app.wait(timeout=60)


@dataclass(frozen=True)
class Sent:
    """One signed request as the sender saw it: when it went, its response_url key, the HTTP answer."""

    at: float
    key: str
    status: int
    seconds: float


class ResponseUrls:
    """What SlackSender needs of the stand-in in a sender process: fresh response_urls on its server."""

    def __init__(self, base_url: str, prefix: str):
        self.base_url, self.prefix = base_url, prefix
        self._ids = itertools.count(1)

    def response_url(self) -> str:
        return f"{self.base_url}/response/{self.prefix}-{os.getpid()}-{next(self._ids)}"


def sign_and_send(sender, text: str) -> Sent:
    started = time.time()
    try:
        delivery = sender.slash_command(text, user_id=USER)
    except OSError:
        return Sent(started, "", 0, time.time() - started)
    return Sent(started, delivery.response_url.rsplit("/", 1)[1], delivery.status, delivery.seconds)


def distinct_scorecards(rounds: int) -> list[str]:
    """CONCURRENCY different scorecards a round, none asked twice (nothing comes from the bot's caches)."""
    vendors = ("acme", "globex", "initech", "in-house")
    return [f"vendor {vendors[index % len(vendors)]} {8 + index // len(vendors)}d"
            for index in range(rounds * CONCURRENCY)]


def send_burst(app_url: str, base_url: str, queries: list[str], out) -> None:
    """In a process of its own (so that neither the bot nor the stand-in slows the sender's clock): one
    request for each of `queries`, all at once."""
    from bot.standin import SlackSender

    sender = SlackSender(app_url=app_url, signing_secret=SECRET, slack=ResponseUrls(base_url, "burst"))
    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        sent = list(pool.map(lambda text: sign_and_send(sender, text), queries))
    out.send([record.__dict__ for record in sent])
    out.close()


def in_sender_process(target, *args) -> list[Sent]:
    """Run `target(*args, connection)` in a spawned process; the Sent records it sends back."""
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("spawn").Process(target=target, args=(*args, send))
    process.start()
    send.close()  # the child holds the only write end now: its close ends the loop below
    records = []
    try:
        while True:
            records += [Sent(**record) for record in receive.recv()]
    except EOFError:
        pass
    process.join()
    return records


def run_requests(url: str, rounds: int, queries: list[str], workdir: Path) -> dict:
    """Rounds of CONCURRENCY simultaneous `/qa` requests; acknowledgement and full-reply times."""
    with bot_serving(url, workdir) as (slack, sender, _app):
        acks, replies, failures = [], [], 0
        for round_number in range(rounds):
            burst = [queries[(round_number * CONCURRENCY + index) % len(queries)] for index in range(CONCURRENCY)]
            for record in in_sender_process(send_burst, sender.app_url, slack.base_url, burst):
                acks.append(record.seconds)
                failures += record.status != 200
                calls = slack.wait_for(lambda calls, key=record.key: any(
                    c.method == "response_url" and c.args["key"] == key for c in calls), timeout=60)
                reply = next(c for c in calls if c.method == "response_url" and c.args["key"] == record.key)
                failures += not any(block["type"] == "image" for block in reply.args.get("blocks") or [])
                replies.append(reply.at - record.at)
            print(f"  round {round_number + 1}: ack p99 {percentile(acks, 99) * 1000:.0f} ms, "
                  f"reply p95 {percentile(replies, 95) * 1000:.0f} ms", flush=True)
        uploads = len(slack.calls_to("upload"))
    return {"ack_ms": summary_ms(acks), "full_reply_ms": summary_ms(replies), "failures": failures,
            "concurrency": CONCURRENCY, "requests": len(acks), "distinct_queries": len(set(queries)),
            "charts_uploaded": uploads}


def _wait_until_serving(sender, app) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise RuntimeError("qabot run exited; see its output above")
        try:
            if sender.slash_command("help", user_id=USER).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("qabot run did not start serving within 60 s")


def chart_timing(url: str, repeats: int) -> dict:
    from matplotlib.figure import Figure

    from bot.config import load_team_config
    from bot.kpi.periods import last_days
    from bot.kpi.service import scorecard_for
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
    return {"chart_ms": round(statistics.median(ours) * 1000, 1),
            "bare_figure_ms": round(statistics.median(plain) * 1000, 1),
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
    url = bench_database(options.database_url, options.audits)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "audits": options.audits,
        "database": url.split(":")[0],
        "requests_same_5_scorecards": run_requests(url, options.rounds, list(QUERIES), Path("bench/data")),
        "requests_20_distinct_scorecards": run_requests(url, options.rounds, distinct_scorecards(options.rounds),
                                                        Path("bench/data")),
        "chart": chart_timing(url, repeats=30),
    }
    write_results(results, options.out)


if __name__ == "__main__":
    main()
