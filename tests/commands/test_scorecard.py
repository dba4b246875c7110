"""Scorecards from the store, on SQLite and PostgreSQL, checked against pandas over the raw rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.audits.importer import import_audits
from bot.errors import UnknownScopeError
from bot.kpi.periods import Period
from bot.kpi.scorecard import Status
from bot.kpi.service import scorecard_for
from bot.store.db import session_scope
from tests.factories import audit_row, write_csv

PERIOD = Period(date(2026, 11, 16), date(2026, 11, 22))


@pytest.fixture
def audits_frame(engine, config, tmp_path, now) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for index in range(3000):
        day = 9 + int(rng.integers(0, 14))
        qa = rng.choice(["approve", "counterfeit", "prohibited"])
        agent = qa if rng.random() < 0.92 else rng.choice(["approve", "counterfeit", "prohibited"])
        rows.append(audit_row(
            f"A{index}",
            vendor=rng.choice(["Acme BPO", "acme bpo", "Globex"]),
            queue=rng.choice(["shop-listings", "video-uploads"]),
            agent_id=f"agent-{rng.integers(0, 20)}",
            agent_decision=agent, qa_decision=qa,
            error_category="" if agent == qa else rng.choice(["missed context", "policy misread", ""]),
            handle_time_s="" if rng.random() < 0.05 else f"{rng.lognormal(4, 0.5):.1f}",
            audited_at=f"2026-11-{day:02d}T{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:00Z",
            decided_at="2026-11-01T00:00:00Z",
        ))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    frame = pd.DataFrame(rows)
    frame["day"] = pd.to_datetime(frame["audited_at"]).dt.date
    frame["handle"] = pd.to_numeric(frame["handle_time_s"])
    frame["correct"] = frame["agent_decision"] == frame["qa_decision"]
    return frame


def test_vendor_scorecard_matches_pandas(engine, config, audits_frame):
    with session_scope(engine) as session:
        card = scorecard_for(session, config=config, scopes={"vendor": "ACME"}, period=PERIOD)
    frame = audits_frame[audits_frame["vendor"].str.casefold() == "acme bpo"]
    current = frame[(frame["day"] >= PERIOD.first_day) & (frame["day"] <= PERIOD.last_day)]
    previous = frame[frame["day"] < PERIOD.first_day]
    assert card.label == "Acme BPO" and card.targets.accuracy == 0.95
    assert card.counts.audits == len(current)
    assert card.accuracy.value == pytest.approx(current["correct"].mean())
    assert card.change.previous.value == pytest.approx(previous["correct"].mean())
    fp = (current["agent_decision"] != "approve") & (current["qa_decision"] == "approve")
    fn = (current["agent_decision"] == "approve") & (current["qa_decision"] != "approve")
    assert card.false_positive_rate == pytest.approx(fp.mean())
    assert card.false_negative_rate == pytest.approx(fn.mean())
    assert card.aht_mean_s == pytest.approx(current["handle"].mean())
    # p90 comes from the roll-ups' histogram: guaranteed within one bucket (19%) of the exact value.
    assert card.aht_p90_s == pytest.approx(current["handle"].quantile(0.9), rel=0.19)
    errors = current[~current["correct"]]["error_category"].replace("", "(uncategorised)").value_counts()
    assert {(e.category, e.errors) for e in card.top_errors} == set(errors.items())
    per_day = current.groupby("day").size()
    assert {p.day: p.audits for p in card.daily if p.audits} == per_day.to_dict()


def test_combined_scope_and_whole_org(engine, config, audits_frame):
    with session_scope(engine) as session:
        combined = scorecard_for(session, config=config, scopes={"queue": "video", "vendor": "globex"},
                                 period=PERIOD)
        org = scorecard_for(session, config=config, scopes={}, period=PERIOD)
    frame = audits_frame[(audits_frame["day"] >= PERIOD.first_day)]
    expected = frame[(frame["vendor"] == "Globex") & (frame["queue"] == "video-uploads")]
    assert combined.counts.audits == len(expected)
    assert combined.label == "video-uploads · Globex" and combined.targets.aht_s == 300
    assert org.counts.audits == len(frame) and org.kind == "org"


def test_agent_is_held_to_their_vendors_target(engine, config, tmp_path, now):
    rows = [audit_row("A1", agent_id="solo", vendor="acme bpo"), audit_row("A2", agent_id="shared", vendor="Globex"),
            audit_row("A3", agent_id="shared", vendor="Acme BPO")]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    with session_scope(engine) as session:
        solo = scorecard_for(session, config=config, scopes={"agent": "SOLO"}, period=PERIOD)
        shared = scorecard_for(session, config=config, scopes={"agent": "shared"}, period=PERIOD)
    assert solo.targets.accuracy == 0.95 and shared.targets.accuracy == 0.9
    assert solo.status is Status.MEETS


def test_unknown_vendor_and_empty_period(engine, config, audits_frame):
    with session_scope(engine) as session:
        with pytest.raises(UnknownScopeError, match="Did you mean: Globex"):
            scorecard_for(session, config=config, scopes={"vendor": "globx"}, period=PERIOD)
        empty = scorecard_for(session, config=config, scopes={"vendor": "acme"},
                              period=Period(date(2025, 1, 1), date(2025, 1, 7)))
    assert empty.accuracy is None and empty.status is Status.NO_DATA


def test_agents_under_min_agent_audits_are_marked_too_few_not_ranked_weakest(engine, config, tmp_path, now):
    wrong = {"agent_decision": "approve", "qa_decision": "counterfeit"}
    rows = [audit_row(f"S{index}", agent_id="steady", **(wrong if index < 3 else {})) for index in range(40)]
    rows += [audit_row(f"N{index}", agent_id="newcomer", **wrong) for index in range(5)]  # 0% on 5 audits
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    with session_scope(engine) as session:
        card = scorecard_for(session, config=config, scopes={"vendor": "acme"}, period=PERIOD, detail=True)
        strict = config.model_copy(update={"defaults": config.defaults.model_copy(update={"min_agent_audits": 50})})
        none_ranked = scorecard_for(session, config=strict, scopes={"vendor": "acme"}, period=PERIOD, detail=True)
    (agents,) = [breakdown for breakdown in card.breakdowns if breakdown.kind == "agent"]
    assert config.defaults.min_agent_audits == 30
    assert [group.name for group in agents.weakest] == ["steady"]
    assert [(group.name, group.accuracy.trials) for group in agents.too_few] == [("newcomer", 5)]
    (agents,) = [breakdown for breakdown in none_ranked.breakdowns if breakdown.kind == "agent"]
    assert agents.weakest == [] and [group.name for group in agents.too_few] == ["steady", "newcomer"]
