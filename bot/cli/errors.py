"""`qabot errors`: root-cause analysis in the terminal, and its table as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from bot.cli.common import AppContext
from bot.cli.kpi import scope_options, scopes_and_period


@click.command("errors")
@scope_options
@click.option("--category", default=None, help="Where this error category comes from, instead of the Pareto.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Also write the whole table (every category, or every part) to this CSV file.")
@click.pass_obj
def errors_command(app: AppContext, kind: str, name: str | None, days: int | None, period_text: str | None,
                   category: str | None, csv_path: Path | None, **narrow: str | None) -> None:
    """Print the error categories (Pareto), repeat errors and escalation root causes of a scope."""
    from bot.rca.service import terminal_errors
    from bot.render.error_text import errors_table, errors_text
    from bot.store.db import session_scope

    scopes, period = scopes_and_period("errors", kind, name, days, period_text, narrow)
    with session_scope(app.upgraded_engine()) as session:
        view = terminal_errors(session, config=app.config, scopes=scopes, period=period, category_text=category)
    click.echo(errors_text(view))
    if csv_path is not None:
        header, rows = errors_table(view)
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        click.echo(f"Wrote {len(rows):,} rows to {csv_path}.")
