"""`qabot db upgrade`: the schema, created or migrated."""

from __future__ import annotations

import click

from bot.cli.common import AppContext, redacted


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Create or migrate the database to the newest schema."""
    from bot.store.db import current_revision

    app.upgraded_engine()
    click.echo(f"Database is at revision {current_revision(app.engine)}: {redacted(app.settings.database_url)}")
