"""Small builders for audit rows and CSV files."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable
from pathlib import Path

from bot.config import CANONICAL_COLUMNS


def audit_row(audit_id: str = "A1", **overrides) -> dict[str, str]:
    row = {
        "audit_id": audit_id,
        "item_id": f"item-{audit_id}",
        "queue": "shop-listings",
        "policy": "counterfeit",
        "market": "US",
        "vendor": "Acme BPO",
        "site": "manila",
        "agent_id": "agent-1",
        "agent_decision": "approve",
        "qa_decision": "approve",
        "error_category": "",
        "severity": "",
        "handle_time_s": "60",
        "decided_at": "2026-11-20T10:00:00Z",
        "audited_at": "2026-11-20T12:00:00Z",
        "auditor_id": "qa-1",
    }
    row.update({key: str(value) for key, value in overrides.items()})
    return row


def write_csv(path: Path, rows: Iterable[dict[str, str]], columns: Iterable[str] = CANONICAL_COLUMNS) -> Path:
    columns = list(columns)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
