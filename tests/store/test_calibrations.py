"""Calibration sessions in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.audits.importer import import_audits
from bot.calibration.draw import Candidate, draw_items
from bot.store.calibrations import (
    calibration_candidates,
    calibration_items,
    claim_close,
    create_calibration,
    decision_labels,
    judged_positions,
    mark_finished,
    open_for_judging,
    record_verdict,
    unfinished_count,
    verdicts_by_item,
)
from bot.store.db import session_scope
from bot.store.records import CalibrationItem, CalibrationSession
from tests.factories import audit_row, write_csv


def test_a_session_from_draw_to_closing(engine, config, tmp_path, now):
    rows = [audit_row(f"A{n}", item_id=f"item-{n}", policy="counterfeit",
                      agent_decision="remove" if n % 4 == 0 else "approve", qa_decision="approve",
                      audited_at=(now - timedelta(hours=n)).isoformat()) for n in range(40)]
    rows.append(audit_row("OTHER", policy="scam", agent_decision="escalate", qa_decision="escalate",
                          audited_at=now.isoformat()))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    with session_scope(engine) as session:
        disagreed, agreed = calibration_candidates(session, queues=None, policies=["counterfeit"],
                                                   since=now - timedelta(days=7), until=now + timedelta(minutes=1))
        assert (len(disagreed), len(agreed)) == (10, 30)
        assert decision_labels(session, queues=None, policies=["counterfeit"],
                               since=now - timedelta(days=7)) == ["approve", "remove"]
        pool = [Candidate(a.item_id, a.audit_id, a.queue, a.policy, a.outcome != "correct")
                for a in disagreed + agreed]
        drawn = draw_items(pool, count=6, seed=42)
        calibration = create_calibration(session, participants=["UANA", "UBEN", "UANA"], items=[
            CalibrationItem(item_id=c.item_id, audit_id=c.audit_id, queue=c.queue, policy=c.policy,
                            agent_qa_disagreed=c.disagreed) for c in drawn],
            calibration=CalibrationSession(requester_id="ULEAD", policy="counterfeit", labels="approve\nremove",
                                           results_channel="C0CAL", due_at=now + timedelta(days=1), seed=42,
                                           created_at=now))
        calibration_id = calibration.id
    with session_scope(engine) as session:
        items = calibration_items(session, calibration_id=calibration_id)
        assert [i.item_id for i in items] == [c.item_id for c in drawn] and items[0].position == 1
        record_verdict(session, calibration_id=calibration_id, position=1, user_id="UANA", label="remove", comment="",
                       now=now)
        record_verdict(session, calibration_id=calibration_id, position=1, user_id="UANA", label="approve",
                       comment="changed my mind", now=now)  # replaces the first
        record_verdict(session, calibration_id=calibration_id, position=2, user_id="UBEN", label="remove", comment="",
                       now=now)
        assert judged_positions(session, calibration_id=calibration_id, user_id="UANA") == {1}
        assert verdicts_by_item(session, calibration_id=calibration_id) == {1: {"UANA": "approve"}, 2: {"UBEN": "remove"}}
        assert unfinished_count(session, calibration_id=calibration_id) == 2
        assert mark_finished(session, calibration_id=calibration_id, user_id="UANA", now=now)
        assert not mark_finished(session, calibration_id=calibration_id, user_id="UANA", now=now)
        assert unfinished_count(session, calibration_id=calibration_id) == 1
        assert open_for_judging(session, calibration_id=calibration_id)
    with session_scope(engine) as judging:
        loaded = judging.get(CalibrationSession, calibration_id)  # loaded before another process closes it
        with session_scope(engine) as closing:
            assert claim_close(closing, calibration_id=calibration_id, now=now)
            assert not claim_close(closing, calibration_id=calibration_id, now=now)
        assert loaded.status == "open"  # the stale copy still says open...
        assert not open_for_judging(judging, calibration_id=calibration_id)  # ...but judging is refused
