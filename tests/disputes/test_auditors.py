"""Auditor figures against hand-worked formulas: the overturn interval, the target status, vendor bias with Holm."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from scipy.stats import norm

from bot.disputes.auditors import AuditorStatus, auditor_figures, ranked, vendor_bias
from bot.disputes.rules import DisputeForm, filing_refusal, form_problems
from bot.store.records import Dispute

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)


def dispute(status: str, category: str | None = "missed context") -> Dispute:
    return Dispute(audit_id="A", vendor="Acme", agent_id="a", audit_day=date(2026, 11, 20), filer_id="U",
                   proposed_label="approve", reason="r", status=status, original_label="remove",
                   original_outcome="false_positive", original_category=category, created_at=NOW,
                   decide_due_at=NOW, channel_id="C")


def z_test(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    return 2 * norm.sf(abs((x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))))


def test_overturn_rate_and_status_against_the_target():
    disputes = [dispute("overturned")] * 6 + [dispute("overturned", None)] * 2 + [dispute("upheld")] * 12 + \
        [dispute("open")] * 3
    figures = auditor_figures("qa-1", by_vendor=[("Acme", 900, 60)], disputes=disputes, target=0.05)
    assert (figures.audits, figures.disputes, figures.decided, figures.overturned) == (900, 23, 20, 8)
    assert figures.overturn_rate.value == 0.4 and figures.overturn_rate.low > 0.05
    assert figures.status is AuditorStatus.SIGNIFICANTLY_ABOVE
    assert figures.overturned_on == [("missed context", 6), ("(uncategorised)", 2)]
    within = auditor_figures("qa-2", by_vendor=[("Acme", 100, 5)], disputes=[dispute("upheld")] * 3, target=0.05)
    assert within.status is AuditorStatus.WITHIN and within.overturn_rate.value == 0
    above = auditor_figures("qa-3", by_vendor=[], disputes=[dispute("overturned"), *[dispute("upheld")] * 9],
                            target=0.05)
    assert above.status is AuditorStatus.ABOVE  # 10% of 10: above, but the interval reaches under 5%
    none = auditor_figures("qa-4", by_vendor=[("Acme", 10, 1)], disputes=[dispute("open")], target=0.05)
    assert none.status is AuditorStatus.NO_DECISIONS and none.overturn_rate is None
    assert [f.auditor_id for f in ranked([within, none, figures, above])] == ["qa-1", "qa-3", "qa-2", "qa-4"]


def test_vendor_bias_is_tested_against_the_auditors_other_vendors_with_holm():
    bias = {b.vendor: b for b in vendor_bias([("Acme", 1000, 120), ("Globex", 1000, 60), ("Initech", 500, 40)])}
    raw = {"Acme": z_test(120, 1000, 100, 1500), "Globex": z_test(60, 1000, 160, 1500),
           "Initech": z_test(40, 500, 180, 2000)}
    ordered = sorted(raw, key=raw.get)
    holm, running = {}, 0.0
    for index, vendor in enumerate(ordered):
        running = max(running, min(1.0, (3 - index) * raw[vendor]))
        holm[vendor] = running
    for vendor in raw:
        assert bias[vendor].p_value == pytest.approx(holm[vendor])
    assert bias["Acme"].significant and bias["Acme"].wrong_share == 0.12
    assert bias["Acme"].others_share == pytest.approx(100 / 1500)
    assert not bias["Initech"].significant  # 8.0% against 9.0%, on 500: within chance
    assert vendor_bias([("Acme", 100, 5)])[0].p_value is None  # one vendor: nothing to compare with


def test_filing_rules():
    assert filing_refusal(audited_at=datetime(2026, 11, 10, tzinfo=UTC), now=NOW, window_days=7, open_id=None,
                          vendor_open=0, vendor_most=None).startswith("Disputes can be filed within 7 days")
    assert "DSP-4 is already open" in filing_refusal(audited_at=NOW, now=NOW, window_days=7, open_id="DSP-4",
                                                      vendor_open=0, vendor_most=None)
    assert "already has 5 disputes open" in filing_refusal(audited_at=NOW, now=NOW, window_days=7, open_id=None,
                                                            vendor_open=5, vendor_most=5)
    assert filing_refusal(audited_at=NOW, now=NOW, window_days=7, open_id=None, vendor_open=4, vendor_most=5) is None
    problems = form_problems(DisputeForm("A", "REMOVE", " ", "www.x"), qa_label="remove")
    assert set(problems) == {"proposed_label", "reason", "evidence"}
    assert form_problems(DisputeForm("A", "approve", "genuine", "https://x"), qa_label="remove") == {}


def test_dispute_breakdown_by_category_and_filer():
    from bot.disputes.figures import dispute_breakdown

    made = [dispute("overturned"), dispute("overturned"), dispute("upheld"), dispute("open"),
            dispute("upheld", None), dispute("superseded")]
    made[0].filer_id = "UA"
    breakdown = dispute_breakdown(made)
    context, uncategorised = breakdown.groups
    assert (context.name, context.filed, context.upheld, context.overturned) == ("missed context", 4, 1, 2)
    assert context.overturn_share.value == pytest.approx(2 / 3)
    assert (uncategorised.name, uncategorised.filed) == ("(uncategorised)", 1)
    assert breakdown.filers == [("U", 4), ("UA", 1)]  # the superseded one is left out
    made[1].vendor = "Globex"
    vendors = dispute_breakdown(made, by="vendor", group_of=lambda d: d.vendor)
    assert [(row.name, row.filed, row.overturned) for row in vendors.groups] == [("Acme", 4, 1), ("Globex", 1, 1)]


def test_a_kept_final_verdict_is_classified_again_with_the_rows_agent_label():
    import pandas as pd

    from bot.disputes.final_verdicts import keep_final_verdicts

    overturned = dispute("overturned")
    overturned.audit_id, overturned.final_label, overturned.final_outcome = "A1", "approve", "correct"
    still_open = dispute("open")
    still_open.audit_id = "A2"
    rows = pd.DataFrame([
        {"audit_id": "A1", "agent_decision": "remove", "qa_decision": "REMOVE", "outcome": "correct",
         "error_category": "missed context", "severity": "major"},  # the agent's label changed since
        {"audit_id": "A2", "agent_decision": "approve", "qa_decision": "prohibited", "outcome": "false_negative",
         "error_category": None, "severity": None},  # a re-audit of an open dispute
        {"audit_id": "A3", "agent_decision": "approve", "qa_decision": "approve", "outcome": "correct",
         "error_category": None, "severity": None}])
    kept = keep_final_verdicts(rows, {"A1": overturned, "A2": still_open}, no_violation_labels=["approve"])
    assert kept.kept == ["A1"] and kept.superseded == ["A2"]
    first = kept.rows.iloc[0]
    assert (first.qa_decision, first.outcome) == ("approve", "false_positive")  # remove vs approve: an FP now
    assert first.error_category == "missed context"  # still an error: QA's category stays
    assert kept.rows.iloc[1].qa_decision == "prohibited" and rows.iloc[0].qa_decision == "REMOVE"  # input untouched
