"""Alembic environment: runs on the engine the caller put in config.attributes."""

from alembic import context
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import bot.store.records  # noqa: F401
from bot.store.db import kept_on

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=kept_on(connection.dialect.name),
    )
    context.run_migrations()
