"""An overturn's targeted roll-up rebuild leaves exactly what a rebuild of the whole day would, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.audits.importer import import_audits
from bot.store.db import session_scope
from bot.store.disputes import apply_final_verdict
from bot.store.models import AGENT_LEVEL, SCOPE_LEVEL
from bot.store.rollups import refresh_rollups
from tests.factories import audit_row, write_csv

NOW_FOR_RACE = datetime(2026, 11, 22, 15, tzinfo=UTC)
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


def _import_repeatedly(url: str, folder: str, rounds: int) -> None:
    """In a process of its own: import the same day again and again, each time with other handle times."""
    from pathlib import Path

    from bot.config import parse_team_config
    from bot.store.db import make_engine

    engine = make_engine(url)
    for round_number in range(rounds):
        path = write_csv(Path(folder) / f"round-{round_number}.csv",
                         _day_rows(handle=str(40 + round_number)))
        import_audits(engine, config=parse_team_config({}, origin="test"), path=path, now=NOW_FOR_RACE)
    engine.dispose()


def _overturn(url: str) -> None:
    """In another process: file and overturn a dispute on A0 while the imports run."""
    from datetime import timedelta

    from bot.store.db import make_engine
    from bot.store.disputes import create_dispute, decide
    from bot.store.records import Dispute, DisputeStatus

    engine = make_engine(url)
    with session_scope(engine) as session:
        dispute = create_dispute(session, dispute=Dispute(
            audit_id="A0", vendor="Acme BPO", agent_id="agent-0", audit_day=date(2026, 11, 20), filer_id="U1",
            proposed_label="approve", reason="r", original_label="counterfeit", original_outcome="false_negative",
            created_at=NOW_FOR_RACE, decide_due_at=NOW_FOR_RACE + timedelta(hours=72), channel_id="C1"))
        decide(session, dispute_id=dispute.id, status=DisputeStatus.OVERTURNED, user_id="U2", note="n",
               now=NOW_FOR_RACE, final_label="approve", final_outcome="correct")
        apply_final_verdict(session, audit_id="A0", qa_decision="approve", outcome="correct", now=NOW_FOR_RACE)
    engine.dispose()


def _day_rows(*, handle: str) -> list[dict[str, str]]:
    return [audit_row(f"A{index}", agent_id=f"agent-{index % 4}", handle_time_s=handle,
                      agent_decision="approve", qa_decision="counterfeit" if index % 5 == 0 else "approve",
                      error_category="missed context" if index % 5 == 0 else "",
                      audited_at="2026-11-20T10:00:00Z", decided_at="2026-11-19T10:00:00Z") for index in range(400)]


def test_an_overturn_racing_imports_of_its_day_leaves_the_roll_ups_right(database_url, config, tmp_path):
    """Two processes on the same database (SQLite file or PostgreSQL): six imports of a day and an overturn."""
    import multiprocessing

    from bot.store.db import make_engine, upgrade_database

    engine = make_engine(database_url)
    upgrade_database(engine)
    import_audits(engine, config=config, path=write_csv(tmp_path / "first.csv", _day_rows(handle="30")),
                  now=NOW_FOR_RACE)
    context = multiprocessing.get_context("spawn")
    importer = context.Process(target=_import_repeatedly, args=(database_url, str(tmp_path), 6))
    overturner = context.Process(target=_overturn, args=(database_url,))
    importer.start()
    overturner.start()
    importer.join(120)
    overturner.join(120)
    assert importer.exitcode == 0 and overturner.exitcode == 0
    with session_scope(engine) as session:
        from bot.store.disputes import get_audit

        audit = get_audit(session, audit_id="A0")
    assert (audit.qa_decision, audit.outcome) == ("approve", "correct")  # no import undid the overturn
    settled = roll_ups(engine)
    with engine.begin() as connection:
        refresh_rollups(connection, days={date(2026, 11, 20)})
    assert roll_ups(engine) == settled  # the roll-ups are what the audits say
    engine.dispose()
