from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from bot.store.db import current_revision, head_revision, kept_on, upgrade_database


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": kept_on(connection.dialect.name)})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert current_revision(engine) == head_revision(engine)


def test_upgrade_is_idempotent(engine):
    upgrade_database(engine)
    assert current_revision(engine) == head_revision(engine)


def test_0007_fills_the_error_split_of_existing_roll_ups(engine, config, tmp_path, now):
    """A database upgraded past 0007 holds the same error roll-ups as one that imported after it."""
    from alembic import command
    from sqlalchemy import select

    from bot.audits.importer import import_audits
    from bot.store.db import _alembic_config
    from bot.store.models import AGENT_LEVEL, SCOPE_LEVEL
    from tests.factories import audit_row, write_csv

    rows = [audit_row(f"A{index}", agent_id=f"agent-{index % 3}", agent_decision="approve",
                      qa_decision="approve" if index % 4 else "counterfeit",
                      error_category=["missed context", "", "policy misread"][index % 3],
                      severity=["critical", "major", "minor", ""][index % 4 if index % 4 else index % 3],
                      audited_at=f"2026-11-{10 + index % 5}T10:00:00Z") for index in range(80)]
    rows += [audit_row(f"B{index}", agent_decision="counterfeit", qa_decision="approve",
                       error_category="over-enforcement", severity="minor") for index in range(5)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)

    def error_rows():
        with engine.connect() as connection:
            return {table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
                    for table in (AGENT_LEVEL.errors, SCOPE_LEVEL.errors)}

    imported = error_rows()
    assert any(row[-6:] != (0,) * 6 for row in imported["errors_agent_day"])
    command.downgrade(_alembic_config(engine), "0006")
    upgrade_database(engine)
    assert error_rows() == imported
