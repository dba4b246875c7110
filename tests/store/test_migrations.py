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
