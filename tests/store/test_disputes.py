"""An overturn's targeted roll-up rebuild leaves exactly what a rebuild of the whole day would, on both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.audits.importer import import_audits
from bot.store.audits import refresh_rollups
from bot.store.db import session_scope
from bot.store.disputes import apply_final_verdict
from bot.store.models import AGENT_LEVEL, SCOPE_LEVEL
from tests.factories import audit_row, write_csv

TABLES = (AGENT_LEVEL.counts, AGENT_LEVEL.errors, SCOPE_LEVEL.counts, SCOPE_LEVEL.errors)


def roll_ups(engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr) for table in TABLES}


def test_an_overturn_rebuilds_its_rows_as_a_whole_day_would(engine, config, tmp_path, now):
    rows = []
    for index in range(60):
        wrong = index % 4 == 0
        rows.append(audit_row(f"A{index}", agent_id=f"agent-{index % 3}", queue=["shop", "ads"][index % 2],
                              policy="" if index % 5 == 0 else "counterfeit", market=["US", "GB"][index % 2],
                              agent_decision="approve", qa_decision="counterfeit" if wrong else "approve",
                              error_category="missed context" if wrong else "", severity="major" if wrong else "",
                              audited_at=f"2026-11-{20 + index % 2}T10:00:00Z", decided_at="2026-11-19T10:00:00Z"))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    with session_scope(engine) as session:
        apply_final_verdict(session, audit_id="A0", qa_decision="approve", outcome="correct", now=now)  # no policy
        apply_final_verdict(session, audit_id="A4", qa_decision="prohibited", outcome="false_negative", now=now)
        apply_final_verdict(session, audit_id="A1", qa_decision="counterfeit", outcome="false_negative", now=now)
    targeted = roll_ups(engine)
    with engine.begin() as connection:
        refresh_rollups(connection, days={date(2026, 11, 20), date(2026, 11, 21)})
    assert roll_ups(engine) == targeted
    day = [row for row in targeted["rollup_agent_day"] if row[0] == date(2026, 11, 20)]
    assert sum(row[7] for row in day) == 30  # the day's audits, all still there
