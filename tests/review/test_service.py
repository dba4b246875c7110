"""The review's figures against the same figures worked out by hand from the audits seeded."""

from __future__ import annotations

import math

import pytest

from bot.calibration.results import build_results
from bot.kpi.scorecard import Status
from bot.kpi.service import resolve_scopes
from bot.review.periods import review_period
from bot.review.service import business_review, resolved_review
from bot.store.calibrations import claim_close, create_calibration, save_results
from bot.store.db import session_scope
from bot.store.records import CalibrationItem, CalibrationSession
from tests.review.factories import FILED, acme_week_review, seed_review

Z = 1.959963984540054


def wilson_by_hand(correct: int, audits: int) -> tuple[float, float]:
    p = correct / audits
    centre = (p + Z * Z / (2 * audits)) / (1 + Z * Z / audits)
    half = Z * math.sqrt(p * (1 - p) / audits + Z * Z / (4 * audits * audits)) / (1 + Z * Z / audits)
    return centre - half, centre + half


@pytest.fixture
def review(engine, config, tmp_path, now):
    return acme_week_review(engine, config=config, tmp_path=tmp_path, now=now)


def test_headline_accuracy_volume_and_changes(review):
    h = review.headline
    assert review.label == "Acme BPO" and h.counts.audits == 40 and h.accuracy.value == pytest.approx(0.9)
    assert (h.accuracy.low, h.accuracy.high) == pytest.approx(wilson_by_hand(36, 40))
    assert h.targets.accuracy == 0.95 and h.status is Status.BELOW  # the interval still reaches 95%
    assert h.change.delta_points == pytest.approx(-10.0) and h.previous_audits == 20
    assert h.year_change.delta_points == pytest.approx(40.0) and h.year_earlier_audits == 10
    assert h.aht_mean_s == pytest.approx(60.0)


def test_thirteen_weekly_points_with_the_weeks_seeded(review):
    assert len(review.trend) == 13
    latest, before, *older = reversed(review.trend)
    assert (latest.period.first_day.isoformat(), latest.audits, latest.accuracy.value) == ("2026-11-09", 40, 0.9)
    assert (before.audits, before.accuracy.value) == (20, 1.0)
    assert all(point.audits == 0 and point.accuracy is None for point in older)


def test_pareto_escalations_alerts_and_disputes_of_the_period(review):
    assert [(row.category, row.counts.errors) for row in review.pareto.rows] == [
        ("missed context", 3), ("policy misread", 1)]
    (p1,) = review.escalations.by_severity
    assert (p1.severity, p1.count, p1.mean_acknowledge_min, p1.mean_resolve_min) == ("P1", 1, 30.0, 30 * 60.0)
    assert (p1.acknowledge_breaches, p1.resolve_breaches) == (0, 1)
    assert review.escalations.root_causes == [("training gap", 1)]
    assert review.alerts.acknowledged == 1 and review.alerts.mean_acknowledge_min == 45.0
    assert review.disputes.filed == 0 and review.disputes.overturn_rate is None


def test_the_org_counts_every_vendor_and_cannot_match_escalations(engine, config, tmp_path, now):
    seed_review(engine, config=config, tmp_path=tmp_path, now=now)
    with session_scope(engine) as session:
        org = business_review(session, config=config, scopes={"vendor": "acme", "market": "US"},
                              period=review_period("week", now=now), now=now)
        everyone = business_review(session, config=config, scopes={}, period=review_period("week", now=now), now=now)
    assert org.escalations is None and org.headline.counts.audits == 40
    assert everyone.headline.counts.audits == 70 and everyone.escalations.count == 1


def test_calibrations_closed_on_the_scopes_queues_with_their_agreement(engine, config, tmp_path, now):
    seed_review(engine, config=config, tmp_path=tmp_path, now=now)
    results = build_results(item_ids={1: "i1", 2: "i2"}, verdicts={1: {"UA": "ok", "UB": "ok"}, 2: {"UA": "ok",
                                                                                                  "UB": "bad"}},
                            participants=["UA", "UB"], finished=2, expert=None, labels=["ok", "bad"], seed=1)
    with session_scope(engine) as session:
        for queue in ("shop-listings", "elsewhere"):
            calibration = create_calibration(session, participants=["UA", "UB"], items=[CalibrationItem(item_id="i1")],
                                             calibration=CalibrationSession(
                                                 requester_id="UA", labels="ok\nbad", results_channel="C", seed=1,
                                                 queue=queue, due_at=FILED, created_at=FILED))
            claim_close(session, calibration_id=calibration.id, now=FILED)
            save_results(session, calibration_id=calibration.id, results=results.to_json())
    with session_scope(engine) as session:
        review = business_review(session, config=config, scopes={"vendor": "acme"},
                                 period=review_period("week", now=now), now=now)
    (line,) = review.calibrations
    assert (line.scope, line.items, line.participants) == ("shop-listings", 2, 2)
    assert line.agreement["percent agreement"] == pytest.approx(0.5)


def test_two_vendors_of_one_kind_count_together(engine, config, tmp_path, now):
    """What a member of two vendors' `org` is narrowed to: both vendors, not the last one named."""
    seed_review(engine, config=config, tmp_path=tmp_path, now=now)
    with session_scope(engine) as session:
        both = [*resolve_scopes(session, config=config, scopes={"vendor": "acme"}),
                *resolve_scopes(session, config=config, scopes={"vendor": "Globex"})]
        review = resolved_review(session, config=config, resolved=both, period=review_period("week", now=now),
                                 now=now)
    assert review.headline.counts.audits == 70 and review.escalations.count == 1 and len(review.alerts.alerts) == 1
