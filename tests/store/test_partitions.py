"""The audit table partitioned by month on PostgreSQL: rows in their month's partition, a backfill's rows moved out
of the default partition by the job, an audit whose day moves kept once, the migration there and back with data.
Nothing here depends on today's date: the months used are long past, so no partition made ahead covers them."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import text

from bot.audits.importer import import_audits
from bot.jobs.partitions import keep_partitions
from bot.runtime import Runtime
from bot.store.audits import STORED_IDS
from bot.store.db import make_engine, session_scope, upgrade_database
from bot.store.kpi import daily_counts
from bot.store.partitions import ensure_partitions, partitioned
from tests.factories import audit_row, write_csv


@pytest.fixture
def pg_engine(postgres_url):
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


def where_rows_are(engine) -> Counter:
    with engine.connect() as connection:
        return Counter(dict(connection.execute(text(
            "SELECT tableoid::regclass::text, count(*) FROM audit GROUP BY 1")).all()))


def rows_in(month: str, count: int) -> list[dict[str, str]]:
    return [audit_row(f"{month}-{n}", audited_at=f"{month}-{10 + n % 10}T12:00:00Z",
                      decided_at=f"{month}-01T00:00:00Z") for n in range(count)]


def runtime_of(engine, config, now) -> Runtime:
    return Runtime(engine=engine, config=config, client=None, clock=lambda: now)  # the job needs no Slack


@pytest.mark.postgres
def test_a_backfill_waits_in_the_default_partition_until_the_job_gives_it_its_month(pg_engine, config, tmp_path,
                                                                                      now):
    import_audits(pg_engine, config=config, path=write_csv(tmp_path / "old.csv", rows_in("2024-05", 30)), now=now)
    assert where_rows_are(pg_engine) == {"audit_default": 30}
    outcome = keep_partitions(runtime_of(pg_engine, config, now), now=now)
    assert outcome.startswith("created audit_2024_05") and outcome.endswith("; partitions through 2027-02 exist")
    assert where_rows_are(pg_engine) == {"audit_2024_05": 30}
    assert keep_partitions(runtime_of(pg_engine, config, now), now=now) == "partitions through 2027-02 exist"
    with session_scope(pg_engine) as session:
        days = daily_counts(session, scope={}, first_day=date(2024, 5, 1), last_day=date(2024, 5, 31))
    assert sum(counts.audits for counts in days.values()) == 30


@pytest.mark.postgres
def test_an_audit_whose_day_moves_to_another_month_is_kept_once_in_its_new_month(pg_engine, config, tmp_path, now):
    keep_partitions(runtime_of(pg_engine, config, now), now=now)
    first = [audit_row("A1", audited_at="2026-11-30T23:00:00Z", decided_at="2026-11-30T22:00:00Z")]
    moved = [audit_row("A1", audited_at="2026-12-01T01:00:00Z", decided_at="2026-11-30T22:00:00Z")]
    import_audits(pg_engine, config=config, path=write_csv(tmp_path / "first.csv", first), now=now)
    assert where_rows_are(pg_engine) == {"audit_2026_11": 1}
    result = import_audits(pg_engine, config=config, path=write_csv(tmp_path / "moved.csv", moved), now=now)
    assert (result.counts.inserted, result.counts.updated) == (0, 1)
    assert where_rows_are(pg_engine) == {"audit_2026_12": 1}
    with session_scope(pg_engine) as session:
        days = daily_counts(session, scope={}, first_day=date(2026, 11, 30), last_day=date(2026, 12, 1))
    assert {day: counts.audits for day, counts in days.items()} == {date(2026, 12, 1): 1}


@pytest.mark.postgres
def test_the_migration_partitions_existing_audits_and_goes_back(postgres_url, config, tmp_path, now):
    from alembic import command

    from bot.store.db import _alembic_config

    engine = make_engine(postgres_url)
    try:
        command.upgrade(_alembic_config(engine), "0012")
        rows = rows_in("2024-05", 20) + rows_in("2026-11", 10)
        import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
        with engine.connect() as connection:
            assert not partitioned(connection)
        upgrade_database(engine)
        with engine.connect() as connection:
            assert partitioned(connection)
        assert where_rows_are(engine) == {"audit_2024_05": 20, "audit_2026_11": 10}
        again = import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
        assert (again.counts.inserted, again.counts.updated) == (0, 0)  # the same audits, recognised across partitions
        command.downgrade(_alembic_config(engine), "0012")
        assert where_rows_are(engine) == {"audit": 30}
    finally:
        engine.dispose()


def test_sqlite_keeps_one_table_and_the_job_says_so(tmp_path, config, now):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    upgrade_database(engine)
    assert keep_partitions(runtime_of(engine, config, now), now=now) == (
        "nothing to do: the audit table is not partitioned (SQLite keeps one table)")
    engine.dispose()


def test_the_import_reads_each_partitions_key_for_stored_ids_however_many_it_looks_for(pg_engine):
    """Shown 100,000 ids, the planner expected them in every partition and read every partition whole: 14 s a
    chunk of the import at 100M audits (bench/scale.py)."""
    with pg_engine.begin() as connection:
        ensure_partitions(connection, months=[date(2020, 1, 1), date(2020, 2, 1)])
        connection.execute(text(
            "INSERT INTO audit (audit_id, item_id, queue, vendor, agent_id, agent_decision, qa_decision, outcome, "
            "decided_at, audited_at, audit_day, first_imported_at, updated_at) "
            "SELECT 'A' || n, 'item', 'queue', 'vendor', 'agent', 'approve', 'approve', 'correct', at, at, "
            "at::date, at, at FROM generate_series(1, 60000) n, "
            "LATERAL (SELECT TIMESTAMPTZ '2020-01-01' + n * INTERVAL '1 minute') times(at)"))
        connection.execute(text("ANALYZE audit"))
        ids = {"ids": [f"A{n}" for n in range(50_000, 150_000)]}
        plan = "\n".join(connection.execute(text(f"EXPLAIN {STORED_IDS.text}"), ids).scalars())
        stored = connection.execute(STORED_IDS, ids).all()

    assert "Seq Scan on audit_2020" not in plan and "Index Only Scan using audit_2020_02_pkey" in plan
    assert len(stored) == 10_001
