"""The Home's figures, straight from the service: spellings of one vendor, worst first, what waits for whom."""

from __future__ import annotations

from datetime import timedelta

from bot.audits.importer import import_audits
from bot.home.service import home_for, last_full_week, vendor_weeks
from bot.kpi.scorecard import Status
from bot.slack.access import GroupDirectory, Viewer
from bot.store.calibrations import create_calibration, mark_finished
from bot.store.db import session_scope
from bot.store.records import CalibrationItem, CalibrationSession
from tests.factories import audit_row, write_csv


def test_last_full_week_ends_yesterday(now):
    week = last_full_week(now)
    assert (week.first_day.isoformat(), week.last_day.isoformat()) == ("2026-11-15", "2026-11-21")


def test_spellings_of_one_vendor_count_together_worst_first(engine, config, tmp_path, now):
    rows = [audit_row(f"A{n}", vendor=("Acme BPO", "acme-bpo", "Globex")[n % 3],
                      qa_decision="counterfeit" if n % 3 == 2 and n % 2 else "approve",
                      audited_at=f"2026-11-{15 + n % 7:02d}T10:00:00Z", decided_at="2026-11-01T00:00:00Z")
            for n in range(90)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    with session_scope(engine) as session:
        weeks = vendor_weeks(session, config=config, week=last_full_week(now))
        acme_only = vendor_weeks(session, config=config, week=last_full_week(now),
                                 only=config.vendors["acme"].spellings("acme"))
    assert [(w.label, w.counts.audits, w.status) for w in weeks] == [
        ("Globex", 30, Status.SIGNIFICANTLY_BELOW), ("Acme BPO", 60, Status.MEETS)]
    assert weeks[1].accuracy_target == 0.95 and weeks[1].aht_target_s == 60 and weeks[1].change is None
    assert [w.label for w in acme_only] == ["Acme BPO"]


def test_a_configured_vendor_without_audits_shows_no_data(engine, config, now):
    with session_scope(engine) as session:
        (acme,) = vendor_weeks(session, config=config, week=last_full_week(now))
    assert (acme.label, acme.status, acme.accuracy) == ("Acme BPO", Status.NO_DATA, None)


def test_only_unfinished_participants_are_waited_for(engine, config, now):
    config = config.model_copy(update={"access": config.access.model_copy(update={"qa_staff": ["UANA", "UBEN"]})})
    with session_scope(engine) as session:
        calibration = create_calibration(
            session, participants=["UANA", "UBEN"], items=[CalibrationItem(item_id="i1")],
            calibration=CalibrationSession(requester_id="UANA", labels="a\nb", results_channel="C", seed=1,
                                           due_at=now + timedelta(days=1), created_at=now))
        mark_finished(session, calibration_id=calibration.id, user_id="UANA", now=now)
    groups = GroupDirectory(lambda _group: [])
    with session_scope(engine) as session:
        waiting = {user: home_for(session, config=config, viewer=Viewer(user, config=config, groups=groups),
                                  now=now).calibrations for user in ("UANA", "UBEN")}
    assert waiting["UANA"] == [] and [c.id for c in waiting["UBEN"]] == [calibration.id]
