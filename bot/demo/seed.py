"""`qabot seed demo`: a QA program's 90 days, made up but shaped like the real thing.

Four vendors (one is Acme BPO, whose quality drops in the last week), about 200
agents over sites and markets, five queues with their policies, FP/FN/wrong-label
errors with root causes, and log-normal handle times. The same seed always gives
the same rows, so seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from bot.config import CANONICAL_COLUMNS

CHUNK_ROWS = 100_000
DEMO_SOURCE = "demo"
DROP_DAYS = 7
DROP_POINTS = 0.07


@dataclass(frozen=True)
class VendorSpec:
    name: str
    sites: tuple[str, ...]
    markets: tuple[str, ...]
    agents: int
    accuracy: float


def demo_vendor_key(spec: VendorSpec) -> str:
    """The short name people type for a demo vendor: `acme` for Acme BPO."""
    return spec.name.split()[0].lower()


VENDORS = (
    VendorSpec("Acme BPO", ("manila", "cebu"), ("US", "PH", "GB"), 70, 0.958),
    VendorSpec("Globex Trust Services", ("dublin", "krakow"), ("GB", "DE", "FR"), 50, 0.966),
    VendorSpec("Initech Review", ("bogota",), ("BR", "MX", "US"), 40, 0.945),
    VendorSpec("in-house", ("singapore", "austin"), ("US", "JP", "IN"), 40, 0.972),
)
#: queue -> (policies, median handle time in seconds, accuracy offset)
QUEUES = {
    "shop-listings": (("counterfeit", "prohibited-items", "ip-infringement"), 45, 0.004),
    "ads-review": (("misleading-claims", "adult-content", "prohibited-items"), 60, 0.0),
    "video-uploads": (("violence", "hate-speech", "adult-content"), 150, -0.012),
    "user-reports": (("harassment", "hate-speech", "spam-scam"), 90, -0.004),
    "ip-complaints": (("ip-infringement", "counterfeit"), 240, -0.008),
}
ERROR_CATEGORIES = {
    "false_positive": ("over-enforcement", "policy misread", "missed context"),
    "false_negative": ("missed violation", "missed context", "evasion not spotted"),
    "wrong_label": ("wrong policy applied", "policy misread"),
}
NO_VIOLATION = "approve"


def demo_agents(rng: np.random.Generator) -> pd.DataFrame:
    """The demo's agents (vendor, site, market, two queues, own accuracy and speed): the same for the same rng."""
    rows = []
    queue_names = list(QUEUES)
    for vendor in VENDORS:
        for number in range(vendor.agents):
            site = vendor.sites[number % len(vendor.sites)]
            queues = rng.choice(len(queue_names), size=2, replace=False)
            rows.append({
                "agent_id": f"{site[:3]}-{vendor.name.split()[0].lower()}-{number + 1:03d}",
                "vendor": vendor.name,
                "site": site,
                "market": vendor.markets[number % len(vendor.markets)],
                "queues": [queue_names[q] for q in queues],
                "accuracy": vendor.accuracy + rng.normal(0, 0.012),
                "speed": rng.lognormal(0, 0.15),
            })
    return pd.DataFrame(rows)


def demo_chunks(*, audits: int, days: int, seed: int, now: datetime) -> Iterator[pd.DataFrame]:
    """Canonical-column text frames of `audits` audits over the `days` days up to `now`."""
    agents = demo_agents(np.random.default_rng(seed))
    end = now.astimezone(UTC)
    start = end - timedelta(days=days)
    for offset in range(0, audits, CHUNK_ROWS):
        rng = np.random.default_rng([seed, offset])
        yield demo_frame(rng, agents, first_index=offset, size=min(CHUNK_ROWS, audits - offset),
                         start=start, end=end, drop_from=end - timedelta(days=DROP_DAYS))


def demo_frame(rng: np.random.Generator, agents: pd.DataFrame, *, first_index: int, size: int, start: datetime,
               end: datetime, drop_from: datetime) -> pd.DataFrame:
    """`size` audits done between `start` and `end`, ids from DEMO-`first_index`; Acme's accuracy drops for those
    done from `drop_from`. Callers that make a long span in slices (bench/scale.py) give every slice the same
    `drop_from`."""
    agent = agents.iloc[rng.integers(0, len(agents), size)].reset_index(drop=True)
    queue = np.array([queues[i] for queues, i in zip(agent["queues"], rng.integers(0, 2, size))])
    policies = [QUEUES[q][0] for q in queue]
    policy = np.array([p[i % len(p)] for p, i in zip(policies, rng.integers(0, 6, size))])

    span = (end - start).total_seconds()
    audited = np.datetime64(start.replace(tzinfo=None), "s") + rng.uniform(0, span, size).astype("timedelta64[s]")
    decided = audited - rng.uniform(600, 2 * 86400, size).astype("timedelta64[s]")
    recent = audited >= np.datetime64(drop_from.astimezone(UTC).replace(tzinfo=None), "s")

    accuracy = agent["accuracy"].to_numpy() + np.array([QUEUES[q][2] for q in queue])
    accuracy -= np.where(recent & (agent["vendor"].to_numpy() == VENDORS[0].name), DROP_POINTS, 0)
    correct = rng.random(size) < np.clip(accuracy, 0.5, 0.995)

    violation = rng.random(size) < 0.45
    qa_decision = np.where(violation, policy, NO_VIOLATION)
    other_label = np.array([p[(p.index(x) + 1) % len(p)] if len(p) > 1 else "prohibited-items"
                            for p, x in zip(policies, policy)])
    missed = rng.random(size) < 0.6
    wrong = np.where(violation, np.where(missed, NO_VIOLATION, other_label), policy)
    agent_decision = np.where(correct, qa_decision, wrong)
    kind = np.where(correct, "", np.where(~violation, "false_positive",
                                          np.where(missed, "false_negative", "wrong_label")))
    category = np.array([ERROR_CATEGORIES[k][i % len(ERROR_CATEGORIES[k])] if k else ""
                         for k, i in zip(kind, rng.integers(0, 6, size))])
    severity = np.where(correct, "", rng.choice(["critical", "major", "minor"], size, p=[0.1, 0.4, 0.5]))

    medians = np.array([QUEUES[q][1] for q in queue]) * agent["speed"].to_numpy()
    handle = np.round(rng.lognormal(np.log(medians), 0.55), 1)

    frame = pd.DataFrame({
        "audit_id": [f"DEMO-{first_index + i:09d}" for i in range(size)],
        "item_id": [f"itm-{n:010d}" for n in rng.integers(0, 10**10, size)],
        "queue": queue,
        "policy": policy,
        "market": agent["market"],
        "vendor": agent["vendor"],
        "site": agent["site"],
        "agent_id": agent["agent_id"],
        "agent_decision": agent_decision,
        "qa_decision": qa_decision,
        "error_category": category,
        "severity": severity,
        "handle_time_s": handle.astype(str),
        "decided_at": np.datetime_as_string(decided, unit="s", timezone="UTC"),
        "audited_at": np.datetime_as_string(audited, unit="s", timezone="UTC"),
        "auditor_id": [f"qa-{n:02d}" for n in rng.integers(1, 13, size)],
    })
    return frame[list(CANONICAL_COLUMNS)]


def load_demo(engine, *, config, audits: int, days: int, seed: int, now: datetime,
              source: str = DEMO_SOURCE, show_progress: bool = False):
    """Generate and import demo audits through the same checks as a real import."""
    from tqdm import tqdm

    from bot.audits.importer import Chunk, ImportSummary, load_chunks
    from bot.store.audits import record_import_run
    from bot.store.db import session_scope
    from bot.store.models import ImportRun

    def chunks() -> Iterator[Chunk]:
        first_line = 2
        for frame in demo_chunks(audits=audits, days=days, seed=seed, now=now):
            lines = pd.Series(range(first_line, first_line + len(frame)), index=frame.index)
            first_line += len(frame)
            yield Chunk(original=frame, canonical=frame, lines=lines)

    def refuse(_chunk, _index, reasons: pd.Series) -> None:
        raise RuntimeError(f"the demo generator made an invalid row: {reasons.iloc[0]}")

    summary = ImportSummary(file_name=f"demo seed {seed}")
    with tqdm(total=audits, unit="rows", disable=not show_progress, desc="demo data") as bar, \
            session_scope(engine) as session:
        load_chunks(session, chunks=chunks(), config=config, source=source, now=now,
                    summary=summary, on_rejects=refuse, on_progress=bar.update)
        record_import_run(session, run=ImportRun(  # like a file import, so the stale-data alert sees it
            file_name=summary.file_name, source=source, started_at=now, finished_at=now,
            rows_read=summary.rows_read, inserted=summary.counts.inserted, updated=summary.counts.updated,
            unchanged=summary.counts.unchanged, rejected=0))
    return summary
