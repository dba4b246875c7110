"""`qabot sample`: the audits a scope needs against those it gets, in the terminal."""

from __future__ import annotations

import click

from bot.cli.common import AppContext
from bot.cli.kpi import narrowed_scopes, scope_argument_options
from bot.clock import utc_now


@click.command("sample")
@scope_argument_options
@click.option("--margin", type=click.FloatRange(0.1, 20), default=2.0, show_default=True,
              help="The drop below target to detect, in accuracy points.")
@click.pass_obj
def sample_command(app: AppContext, kind: str, name: str | None, margin: float, **narrow: str | None) -> None:
    """Print how many audits a week a scope needs for a ±1, ±2 and ±3 point interval, its agents on too few
    audits, and the audits that catch a drop of MARGIN points below target (the last 4 full weeks)."""
    from bot.render.sample_text import sample_text
    from bot.sampling.service import terminal_sample_plan
    from bot.store.db import session_scope

    scopes = narrowed_scopes("sample", kind, name, narrow)
    with session_scope(app.upgraded_engine()) as session:
        plan = terminal_sample_plan(session, config=app.config, scopes=scopes, now=utc_now(), drop_points=margin)
    click.echo(sample_text(plan))
