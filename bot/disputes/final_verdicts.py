"""What a re-import does to a disputed audit. Pure.

The export a vendor or QA tool sends again still carries QA's original label: for an overturned audit that
row keeps the final verdict (its other columns still update, and its outcome is worked out again from them).
A row with a QA label that is neither the original nor the final one is a re-audit: it replaces the verdict,
and the dispute, overturned or still open, ends as superseded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from bot.disputes.rules import outcome_of
from bot.store.models import Outcome
from bot.store.records import Dispute, DisputeStatus


@dataclass
class Kept:
    rows: pd.DataFrame
    kept: list[str] = field(default_factory=list)
    """Audit ids whose final verdict was kept over the original label in the file."""
    superseded: list[str] = field(default_factory=list)
    """Audit ids re-audited: the file's new verdict replaces the disputed one."""


def keep_final_verdicts(rows: pd.DataFrame, disputed: Mapping[str, Dispute], *,
                        no_violation_labels: Iterable[str]) -> Kept:
    """`disputed`: audit id -> its open or overturning dispute."""
    if not disputed or rows.empty:
        return Kept(rows)
    hit = rows["audit_id"].isin(disputed.keys())
    if not hit.any():
        return Kept(rows)
    rows = rows.copy()
    kept, superseded = [], []
    for index in rows.index[hit]:
        dispute = disputed[rows.at[index, "audit_id"]]
        label = str(rows.at[index, "qa_decision"]).casefold()
        if label == dispute.original_label.casefold():
            if dispute.status == DisputeStatus.OVERTURNED.value:
                outcome = outcome_of(rows.at[index, "agent_decision"], dispute.final_label,
                                     no_violation_labels=no_violation_labels)
                rows.at[index, "qa_decision"] = dispute.final_label
                rows.at[index, "outcome"] = outcome
                if outcome == Outcome.CORRECT.value:
                    rows.at[index, "error_category"] = None
                    rows.at[index, "severity"] = None
                kept.append(dispute.audit_id)
        elif dispute.status == DisputeStatus.OPEN.value or label != (dispute.final_label or "").casefold():
            superseded.append(dispute.audit_id)
    return Kept(rows, kept, superseded)
