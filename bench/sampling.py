"""Sample planning benchmark: `/qa sample` at the demo's size and at 1M audits.

    python -m bench.sampling                               # 60,000 and 1,000,000 demo audits (made once)
    python -m bench.sampling --sizes 60000 --requests 10

For each size, in one run:
- the plan alone in this process (`terminal_sample_plan`) for a vendor, a vendor narrowed to a queue, and the
  whole org: the 28 days' roll-ups of the scope and its agents' counts, then the maths;
- `/qa sample vendor acme` through Slack: `qabot run` as its own process (bench/slack.py), one signed request at
  a time, each with another drop so none is answered from anything kept; time from sending until the reply
  reached the stand-in.
Writes bench/results/sampling.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.rca import timed
from bench.slack import NOW, bot_serving, percentile, prepare_database, summary_ms

SCOPES = {"vendor": {"vendor": "acme"}, "vendor_and_queue": {"vendor": "acme", "queue": "video-uploads"}, "org": {}}


def in_process(url: str, repeats: int) -> dict:
    from bot.config import load_team_config
    from bot.sampling.service import terminal_sample_plan
    from bot.store.db import make_engine, session_scope

    engine = make_engine(url)
    config = load_team_config(Path("config/qabot.toml"))

    def plan(scopes: dict[str, str]):
        with session_scope(engine) as session:
            return terminal_sample_plan(session, config=config, scopes=scopes, now=NOW, drop_points=2)

    results = {}
    for name, scopes in SCOPES.items():
        figures = plan(scopes)
        results[name] = {"plan_ms": timed(lambda scopes=scopes: plan(scopes), repeats),
                         "audits_in_4_weeks": figures.accuracy.trials if figures.accuracy else 0,
                         "agents": figures.agents, "agents_too_few": len(figures.agents_too_few)}
    engine.dispose()
    return results


def through_slack(url: str, workdir: Path, requests: int) -> dict:
    replies, acks, failures = [], [], 0
    with bot_serving(url, workdir) as (slack, sender, _app):
        for index in range(requests):
            started = time.time()
            delivery = sender.slash_command(f"sample vendor acme {1 + index / 10:g}", user_id="UBENCHQA01")
            key = delivery.response_url.rsplit("/", 1)[1]
            calls = slack.wait_for(lambda calls, key=key: any(
                c.method == "response_url" and c.args["key"] == key for c in calls), timeout=60)
            reply = next(c for c in calls if c.method == "response_url" and c.args["key"] == key)
            failures += delivery.status != 200 or "sample plan" not in json.dumps(reply.args.get("blocks"))
            acks.append(delivery.seconds)
            replies.append(reply.at - started)
    print(f"  /qa sample: reply p95 {percentile(replies, 95) * 1000:.0f} ms", flush=True)
    return {"ack_ms": summary_ms(acks), "full_reply_ms": summary_ms(replies), "failures": failures,
            "requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=20, help="/qa sample requests through Slack, per size")
    parser.add_argument("--repeats", type=int, default=20, help="runs of each in-process measurement")
    parser.add_argument("--workdir", type=Path, default=Path("bench/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/sampling.json"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for audits in args.sizes:
        url = f"sqlite:///{args.workdir / f'sampling_{audits}.db'}"
        prepare_database(url, audits)
        print(f"{audits:,} audits: in process ...", flush=True)
        figures = in_process(url, args.repeats)
        print(f"  {json.dumps(figures)}", flush=True)
        runs.append({"audits": audits, "in_process": figures, "slack": through_slack(url, args.workdir, args.requests)})
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "platform": platform.platform()},
              "database": "sqlite", "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    sys.exit(1 if any(run["slack"]["failures"] for run in runs) else 0)


if __name__ == "__main__":
    main()
