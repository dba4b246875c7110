"""What a re-import does to an overturned audit. Pure.

The export a vendor or QA tool sends again still carries QA's original label: that row keeps the final
verdict (its other columns still update). A row with a QA label that is neither the original nor the final
one is a re-audit: it replaces the verdict, and the dispute ends as superseded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from bot.store.models import Outcome
from bot.store.records import Dispute


@dataclass
class Kept:
    rows: pd.DataFrame
    kept: list[str] = field(default_factory=list)
    """Audit ids whose final verdict was kept over the original label in the file."""
    superseded: list[str] = field(default_factory=list)
    """Audit ids re-audited: the file's new verdict replaces the final one."""


def keep_final_verdicts(rows: pd.DataFrame, overturned: Mapping[str, Dispute]) -> Kept:
    if not overturned or rows.empty:
        return Kept(rows)
    hit = rows["audit_id"].isin(overturned.keys())
    if not hit.any():
        return Kept(rows)
    rows = rows.copy()
    kept, superseded = [], []
    for index in rows.index[hit]:
        dispute = overturned[rows.at[index, "audit_id"]]
        label = str(rows.at[index, "qa_decision"]).casefold()
        if label == dispute.original_label.casefold():
            rows.at[index, "qa_decision"] = dispute.final_label
            rows.at[index, "outcome"] = dispute.final_outcome
            if dispute.final_outcome == Outcome.CORRECT.value:
                rows.at[index, "error_category"] = None
                rows.at[index, "severity"] = None
            kept.append(dispute.audit_id)
        elif label != (dispute.final_label or "").casefold():
            superseded.append(dispute.audit_id)
    return Kept(rows, kept, superseded)
