"""`qabot import audits`: a QA audit export into the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import AppContext
from bot.clock import utc_now


@click.group("import")
def import_group() -> None:
    """Bring data in."""


@import_group.command("audits")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--source", default=None, help="A [sources.NAME] of the config that maps this export's columns.")
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing to the database.")
@click.pass_obj
def import_audits_command(app: AppContext, file: Path, source: str | None, dry_run: bool) -> None:
    """Import a QA audit CSV (.csv or .csv.gz)."""
    from bot.audits.importer import import_audits

    summary = import_audits(
        app.upgraded_engine(), config=app.config, path=file, source_name=source,
        dry_run=dry_run, now=utc_now(), show_progress=sys.stderr.isatty(),
    )
    counts = summary.counts
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {summary.file_name}: {summary.rows_read:,} rows read; "
               f"{counts.inserted:,} new, {counts.updated:,} updated, {counts.unchanged:,} unchanged, "
               f"{summary.rejected:,} rejected.")
    if summary.kept_final_verdicts:
        shown = ", ".join(summary.kept_final_verdicts[:10]) + (" …" if len(summary.kept_final_verdicts) > 10 else "")
        click.echo(f"Kept the final verdict of {len(summary.kept_final_verdicts):,} audit(s) overturned in a dispute "
                   f"(the file still has QA's original label): {shown}")
    if summary.superseded_disputes:
        click.echo(f"Re-audited (a new QA label replaces the dispute's verdict): "
                   f"{', '.join(summary.superseded_disputes[:10])}")
    if summary.ignored_columns:
        click.echo(f"Ignored columns (not audit fields): {', '.join(summary.ignored_columns)}")
    if summary.rejects_path:
        click.echo(f"Rejected rows, with line numbers and reasons: {summary.rejects_path}")
    if dry_run:
        click.echo("Dry run: the database was not changed.")
