"""`errors_view` and `category_view` from the store, on SQLite and PostgreSQL, checked against pandas."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from bot.audits.importer import import_audits
from bot.errors import QabotError
from bot.kpi.periods import Period
from bot.rca.service import terminal_errors
from bot.store.db import session_scope
from bot.store.escalations import create_escalation, resolve
from bot.store.records import Escalation
from tests.factories import audit_row, write_csv

PERIOD = Period(date(2026, 11, 16), date(2026, 11, 22))
LABELS = ["approve", "counterfeit", "prohibited"]


@pytest.fixture
def audits_frame(engine, config, tmp_path, now) -> pd.DataFrame:
    rng = np.random.default_rng(12)
    rows = []
    for index in range(4000):
        agent = f"agent-{rng.integers(0, 12)}"
        qa = rng.choice(LABELS)
        wrong_rate = 0.25 if agent == "agent-3" else 0.08  # agent-3 makes more errors
        decision = rng.choice([label for label in LABELS if label != qa]) if rng.random() < wrong_rate else qa
        category = ""
        if decision != qa:
            category = "missed context" if agent == "agent-3" else rng.choice(["missed context", "policy misread", ""])
        rows.append(audit_row(
            f"A{index}", vendor=rng.choice(["Acme BPO", "acme bpo", "Globex"]), agent_id=agent,
            queue=rng.choice(["shop-listings", "video-uploads"]), policy=rng.choice(["counterfeit", "weapons"]),
            market=rng.choice(["US", "GB"]), site=rng.choice(["manila", "cebu"]),
            agent_decision=decision, qa_decision=qa, error_category=category,
            severity="" if decision == qa else rng.choice(["critical", "major", "minor", ""]),
            audited_at=f"2026-11-{9 + int(rng.integers(0, 14)):02d}T{rng.integers(0, 24):02d}:00:00Z",
            decided_at="2026-11-01T00:00:00Z"))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    frame = pd.DataFrame(rows)
    frame["day"] = pd.to_datetime(frame["audited_at"]).dt.date
    frame["wrong"] = frame["agent_decision"] != frame["qa_decision"]
    frame["category"] = frame["error_category"].replace("", "(uncategorised)")
    frame["outcome"] = np.select(
        [~frame["wrong"], frame["agent_decision"] == "approve", frame["qa_decision"] == "approve"],
        ["correct", "false_negative", "false_positive"], "wrong_label")
    return frame


def acme(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["vendor"].str.casefold() == "acme bpo"]


def test_pareto_matches_pandas(engine, config, audits_frame):
    with session_scope(engine) as session:
        view = terminal_errors(session, config=config, scopes={"vendor": "acme"}, period=PERIOD, category_text=None)
    frame = acme(audits_frame)
    current = frame[frame["day"] >= PERIOD.first_day]
    previous = frame[frame["day"] < PERIOD.first_day]
    errors = current[current["wrong"]]
    expected = errors["category"].value_counts()
    assert view.label == "Acme BPO" and view.pareto.audits == len(current)
    assert view.pareto.previous_audits == len(previous)
    assert [(row.category, row.counts.errors) for row in view.pareto.rows] == sorted(
        expected.items(), key=lambda item: (-item[1], item[0]))
    assert "(uncategorised)" in expected  # counted and shown, never dropped
    for row in view.pareto.rows:
        mine = errors[errors["category"] == row.category]
        assert row.counts.critical == (mine["severity"] == "critical").sum()
        assert row.counts.severities.get("unspecified", 0) == (mine["severity"] == "").sum()
        assert row.counts.false_positive == (mine["outcome"] == "false_positive").sum()
        assert row.counts.false_negative == (mine["outcome"] == "false_negative").sum()
        assert row.counts.wrong_label == (mine["outcome"] == "wrong_label").sum()
        assert row.rate == pytest.approx(len(mine) / len(current) * 1000)
        before = previous[previous["wrong"] & (previous["category"] == row.category)]
        assert row.previous_rate == pytest.approx(len(before) / len(previous) * 1000)
    repeated = (errors[errors["category"] != "(uncategorised)"].groupby(["agent_id", "category"]).size())
    assert {(r.agent_id, r.category, r.errors) for r in view.repeats} == {
        (agent, category, n) for (agent, category), n in repeated.items() if n >= 3}


def test_category_sources_match_pandas(engine, config, audits_frame):
    with session_scope(engine) as session:
        view = terminal_errors(session, config=config, scopes={"vendor": "acme"}, period=PERIOD,
                               category_text="MISSED CONTEXT")
    frame = acme(audits_frame)
    current = frame[frame["day"] >= PERIOD.first_day]
    mine = current[current["wrong"] & (current["category"] == "missed context")]
    assert view.category == "missed context" and view.errors == len(mine) and view.audits == len(current)
    sources = dict(view.sources)
    assert list(sources) == ["queue", "policy", "market", "site", "agent"]
    rate = len(mine) / len(current)
    by_agent = current.groupby("agent_id").size()
    errors_by_agent = mine.groupby("agent_id").size()
    top = sources["agent"][0]
    assert top.name == "agent-3"  # the agent who makes more of them comes first, far over chance
    assert top.errors == errors_by_agent["agent-3"]
    assert top.expected == pytest.approx(by_agent["agent-3"] * rate) and top.significant
    assert all(part.excess > 0 for parts in sources.values() for part in parts)
    assert len(view.examples) == 5
    assert set(view.examples) <= set(mine["item_id"])


def test_unknown_category_names_the_closest(engine, config, audits_frame):
    with session_scope(engine) as session, pytest.raises(QabotError, match='Did you mean "missed context"'):
        terminal_errors(session, config=config, scopes={"vendor": "acme"}, period=PERIOD,
                        category_text="missed contxt")


def test_escalation_root_causes_of_the_scope(engine, config, audits_frame):
    def escalation(vendor: str, queue: str) -> Escalation:
        when = datetime(2026, 11, 17, 9, tzinfo=UTC)
        return Escalation(title="t", category="missed violation", severity="P2", vendor=vendor, queue=queue,
                          reporter_id="U1", created_at=when, acknowledge_due_at=when, resolve_due_at=when,
                          channel_id="C1")

    with session_scope(engine) as session:
        for vendor, queue, cause, day in [("Acme BPO", "shop-listings", "training gap", 18),
                                          ("acme", "video-uploads", "training gap", 19),
                                          ("Acme BPO", "shop-listings", "policy gap", 20),
                                          ("Globex", "shop-listings", "policy gap", 20),
                                          ("Acme BPO", "shop-listings", "tooling defect", 2)]:  # before the period
            created = create_escalation(session, escalation=escalation(vendor, queue),
                                        now=datetime(2026, 11, 1, 9, tzinfo=UTC))
            resolve(session, escalation_id=created.id, user_id="U2", resolution="fixed", root_cause=cause,
                    now=datetime(2026, 11, day, 12, tzinfo=UTC))
    with session_scope(engine) as session:
        vendor = terminal_errors(session, config=config, scopes={"vendor": "acme"}, period=PERIOD, category_text=None)
        narrow = terminal_errors(session, config=config, scopes={"vendor": "acme", "queue": "shop-listings"},
                                 period=PERIOD, category_text=None)
        agent = terminal_errors(session, config=config, scopes={"agent": "agent-3"}, period=PERIOD,
                                category_text=None)
    assert vendor.root_causes == [("training gap", 2), ("policy gap", 1)]
    assert narrow.root_causes == [("policy gap", 1), ("training gap", 1)]
    assert agent.root_causes is None  # escalations do not name agents
