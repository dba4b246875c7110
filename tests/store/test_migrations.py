from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from bot.store.db import current_revision, head_revision, upgrade_database


def test_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert current_revision(engine) == head_revision(engine)


def test_upgrade_is_idempotent(engine):
    upgrade_database(engine)
    assert current_revision(engine) == head_revision(engine)
