"""The review's own figures, from counts and records built here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.escalations.config import SlaRules
from bot.kpi.scorecard import Counts
from bot.review.figures import escalation_summary, movers
from bot.store.records import Escalation

FILED = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def test_movers_rank_the_largest_change_either_way_among_parts_with_enough_audits():
    now = [("up", Counts(audits=100, correct=99)), ("down", Counts(audits=100, correct=80)),
           ("flat", Counts(audits=100, correct=90)), ("tiny", Counts(audits=5, correct=0)),
           ("new", Counts(audits=100, correct=50))]
    before = [("up", Counts(audits=100, correct=90)), ("down", Counts(audits=100, correct=95)),
              ("flat", Counts(audits=100, correct=90)), ("tiny", Counts(audits=100, correct=100))]
    found = movers("queue", now, before, min_audits=20, limit=2)
    assert [(m.name, round(m.change.delta_points)) for m in found] == [("down", -15), ("up", 9)]
    assert found[0].change.significant and found[0].kind == "queue"


def escalation(severity: str, *, acknowledged_min: int | None, resolved_h: float | None, sla: SlaRules) -> Escalation:
    rule = getattr(sla, severity)
    return Escalation(
        title="t", category="missed violation", severity=severity, reporter_id="U1", channel_id="C1",
        created_at=FILED, acknowledge_due_at=FILED + timedelta(minutes=rule.acknowledge_min),
        resolve_due_at=FILED + timedelta(minutes=rule.resolve_min),
        acknowledged_at=None if acknowledged_min is None else FILED + timedelta(minutes=acknowledged_min),
        resolved_at=None if resolved_h is None else FILED + timedelta(hours=resolved_h),
        root_cause=None if resolved_h is None else "policy unclear")


def test_escalations_against_their_sla_count_what_still_waits_past_its_deadline_as_a_breach():
    sla = SlaRules()
    summary = escalation_summary([
        escalation("P0", acknowledged_min=10, resolved_h=2, sla=sla),
        escalation("P0", acknowledged_min=20, resolved_h=6, sla=sla),
        escalation("P2", acknowledged_min=None, resolved_h=None, sla=sla),
    ], sla=sla, as_of=FILED + timedelta(days=1))
    p0, p2 = summary.by_severity
    assert (p0.count, p0.mean_acknowledge_min, p0.mean_resolve_min) == (2, 15.0, pytest.approx(240.0))
    assert (p0.acknowledge_sla_min, p0.acknowledge_breaches, p0.resolve_breaches) == (15, 1, 1)
    assert (p2.mean_acknowledge_min, p2.acknowledge_breaches, p2.resolve_breaches) == (None, 1, 0)
    assert summary.root_causes == [("policy unclear", 2)] and summary.open_at_end == 1
