"""What a dispute must hold to be filed, and what a decision does to an audit's outcome. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from bot.audits.outcomes import classify
from bot.store.records import Dispute


@dataclass(frozen=True)
class DisputeForm:
    audit_id: str
    proposed_label: str | None
    reason: str
    evidence: str


def filing_refusal(*, audited_at: datetime, now: datetime, window_days: int, open_id: str | None,
                   vendor_open: int, vendor_most: int | None) -> str | None:
    """Why this audit cannot be disputed now, if it cannot."""
    if now - audited_at > timedelta(days=window_days):
        return f"Disputes can be filed within {window_days} days of the audit; this one was audited {audited_at:%Y-%m-%d}."
    if open_id is not None:
        return f"{open_id} is already open for this audit; add to its thread instead."
    if vendor_most is not None and vendor_open >= vendor_most:
        return (f"The vendor already has {vendor_open} disputes open, the most allowed at once; wait for some to be "
                "decided.")
    return None


def form_problems(form: DisputeForm, *, qa_label: str) -> dict[str, str]:
    """Problems by field name (empty when the form is complete), each saying what to do."""
    problems: dict[str, str] = {}
    if not form.proposed_label:
        problems["proposed_label"] = "Choose the verdict you think is right."
    elif form.proposed_label.casefold() == qa_label.casefold():
        problems["proposed_label"] = f"That is QA's verdict already ({qa_label}); choose the one you think is right."
    if not form.reason.strip():
        problems["reason"] = "Say why QA's verdict is wrong: the policy point, what the content shows."
    if form.evidence and not form.evidence.startswith(("http://", "https://")):
        problems["evidence"] = "An evidence link starts with https:// (leave it empty if there is none)."
    return problems


def outcome_of(agent_label: str, qa_label: str, *, no_violation_labels: Iterable[str]) -> str:
    """The audit's outcome once `qa_label` is its verdict (as the importer classifies it)."""
    return classify(pd.Series([agent_label]), pd.Series([qa_label]), no_violation_labels=no_violation_labels)[0]


def dispute_summary(dispute: Dispute) -> str:
    """One line for notifications, screen readers and alerts."""
    return (f"{dispute.readable_id}: audit {dispute.audit_id} ({dispute.vendor}), QA said {dispute.original_label}, "
            f"the vendor proposes {dispute.proposed_label} · {dispute.status}")
