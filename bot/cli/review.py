"""`qabot review`: a scope's business review as a PDF file, with a CSV file of each of its tables."""

from __future__ import annotations

import functools
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from bot.cli.common import AppContext
from bot.cli.kpi import narrowed_scopes, scope_argument_options
from bot.clock import utc_now


@click.command("review")
@functools.partial(scope_argument_options, more_kinds=("team",))
@click.option("--period", "period_text", default="week", show_default=True,
              help="week (the previous Monday to Sunday), 13w, month, quarter, or 2026-10-01..2026-10-31.")
@click.option("--timezone", "zone_name", metavar="ZONE",
              help="Whose midnights bound the days, e.g. Europe/Dublin (default: a team's own, else UTC).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="A4 or US Letter, landscape (default: [defaults].paper, itself a4 unless set).")
@click.option("--out", "pdf_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The PDF to write; each table also goes to FILE-<table>.csv next to it.")
@click.pass_obj
def review_command(app: AppContext, kind: str, name: str | None, period_text: str, zone_name: str | None,
                   paper: str | None, pdf_path: Path, **narrow: str | None) -> None:
    """Write the business review of a vendor (or queue, ..., the org, or `team KEY`: what [teams.KEY] covers)
    and print its summary."""
    from bot.render.review_pdf import review_pdf
    from bot.render.review_tables import review_summary, review_tables, table_csv
    from bot.review.periods import UTC_ZONE, review_period
    from bot.review.service import business_review, named_team, team_review
    from bot.store.db import session_scope

    if kind == "team" and (not name or any(narrow.values())):
        raise click.UsageError("say which team, and only that: qabot review team KEY (its scope is its own)")
    scopes = narrowed_scopes("review", kind, name, narrow) if kind != "team" else {}
    zone = _zone(zone_name) if zone_name else (app.config.teams[named_team(app.config, name)].zone
                                                if kind == "team" else UTC_ZONE)
    now = utc_now()
    period = review_period(period_text, now=now, zone=zone)
    with session_scope(app.upgraded_engine()) as session:
        review = (team_review(session, config=app.config, team=name, period=period, now=now, zone=zone)
                  if kind == "team" else
                  business_review(session, config=app.config, scopes=scopes, period=period, now=now, zone=zone))
    pdf_path.write_bytes(review_pdf(review, paper or app.config.defaults.paper))
    tables = review_tables(review)
    for table in tables:
        pdf_path.with_name(f"{pdf_path.stem}-{table.name}.csv").write_text(table_csv(table), encoding="utf-8")
    click.echo(review_summary(review))
    click.echo(f"Wrote {pdf_path} and {len(tables)} CSV files next to it ({pdf_path.stem}-<table>.csv).")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"'{name}' is not a time zone name; use an IANA name such as Europe/Dublin, "
                                 "America/New_York or UTC.", param_hint="--timezone") from None
