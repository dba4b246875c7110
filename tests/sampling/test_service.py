"""The plan from the store, on SQLite and PostgreSQL: the weeks read, the config's weekly items, the targets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.audits.importer import import_audits
from bot.config import parse_team_config
from bot.errors import QabotError
from bot.sampling.service import planned_period, terminal_sample_plan
from bot.sampling.sizes import finite_population, wilson_sample_size
from bot.store.db import session_scope
from tests.factories import audit_row, write_csv


@pytest.fixture
def audits(engine, config, tmp_path, now):
    """Acme: 100 audits a week for the 4 full weeks before today (95 correct in each 100), 2 more today, and one
    the day before the 4 weeks; half in video-uploads."""
    first = now.date() - timedelta(days=28)
    days = [first + timedelta(days=index % 28) for index in range(400)] + [now.date()] * 2 + [first - timedelta(days=1)]
    rows = [audit_row(f"A{index}", agent_id=f"agent-{index % 8}", queue="video-uploads" if index % 2 else "shop-listings",
                      audited_at=f"{day}T08:00:00Z", decided_at=f"{day}T07:00:00Z",
                      **({"qa_decision": "counterfeit"} if index % 20 == 0 else {}))
            for index, day in enumerate(days)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)


def test_the_four_full_weeks_before_today(engine, config, audits, now):
    period = planned_period(now)
    assert (period.days, period.last_day) == (28, now.date() - timedelta(days=1))
    with session_scope(engine) as session:
        plan = terminal_sample_plan(session, config=config, scopes={"vendor": "acme"}, now=now, drop_points=2)
    assert plan.accuracy.trials == 400 and plan.accuracy.value == 0.95 and plan.weekly_audits == 100
    assert plan.target == 0.95 and plan.weekly_items is None and plan.agents == 8


def test_weekly_items_correct_a_scope_named_alone(engine, config, audits, now):
    raw = config.model_dump(exclude_none=True)
    raw["vendors"]["acme"]["weekly_items"] = 2000
    with_items = parse_team_config(raw, origin="test")
    with session_scope(engine) as session:
        alone = terminal_sample_plan(session, config=with_items, scopes={"vendor": "acme"}, now=now, drop_points=2)
        narrowed = terminal_sample_plan(session, config=with_items, scopes={"vendor": "acme", "queue": "video"},
                                        now=now, drop_points=2)
    assert alone.weekly_items == 2000
    assert alone.intervals[0].weekly_audits == finite_population(wilson_sample_size(accuracy=0.95, margin=0.01),
                                                                 population=2000)
    assert narrowed.weekly_items is None and narrowed.accuracy.trials == 200  # Acme's items are not the queue's


def test_a_drop_that_does_not_fit_under_the_target_is_refused(engine, config, audits, now):
    raw = config.model_dump(exclude_none=True)
    raw["vendors"]["acme"]["accuracy_target"] = 0.1
    with session_scope(engine) as session, pytest.raises(QabotError, match="give a smaller one"):
        terminal_sample_plan(session, config=parse_team_config(raw, origin="test"), scopes={"vendor": "acme"},
                             now=now, drop_points=15)
