"""`qabot kpi`: a scorecard in the terminal."""

from __future__ import annotations

import click

from bot.cli.common import AppContext
from bot.clock import utc_now

SCOPE_OPTIONS = ("vendor", "agent", "queue", "policy", "market", "site")


@click.command("kpi")
@click.argument("kind", type=click.Choice([*SCOPE_OPTIONS, "org"]))
@click.argument("name", required=False)
@click.option("--days", type=int, default=None, help="Last N days up to today (default 7).")
@click.option("--period", "period_text", default=None, help="7d, 'since 2026-10-01' or 2026-10-01..2026-10-31.")
@click.option("--vendor", "narrow_vendor", default=None, help="Narrow to a vendor as well.")
@click.option("--queue", "narrow_queue", default=None, help="Narrow to a queue as well.")
@click.option("--policy", "narrow_policy", default=None, help="Narrow to a policy as well.")
@click.option("--market", "narrow_market", default=None, help="Narrow to a market as well.")
@click.option("--site", "narrow_site", default=None, help="Narrow to a site as well.")
@click.option("--agent", "narrow_agent", default=None, help="Narrow to an agent as well.")
@click.pass_obj
def kpi_command(app: AppContext, kind: str, name: str | None, days: int | None, period_text: str | None,
                **narrow: str | None) -> None:
    """Print the scorecard of a vendor, agent, queue, policy, market, site, or the whole org."""
    from bot.commands.scorecard import scorecard_for
    from bot.kpi.periods import last_days, parse_period
    from bot.render.text import scorecard_text
    from bot.store.db import session_scope

    if kind != "org" and not name:
        raise click.UsageError(f"say which {kind}: qabot kpi {kind} NAME")
    if kind == "org" and name:
        raise click.UsageError("'org' takes no name; narrow it with --vendor, --queue, ...")
    if days is not None and period_text is not None:
        raise click.UsageError("give --days or --period, not both")
    now = utc_now()
    period = parse_period(period_text, now=now) if period_text else last_days(days or 7, now=now)
    scopes = {kind: name} if name else {}
    for option, value in narrow.items():
        other = option.removeprefix("narrow_")
        if value is not None:
            if other in scopes:
                raise click.UsageError(f"--{other} repeats the {other} already given")
            scopes[other] = value
    with session_scope(app.upgraded_engine()) as session:
        card = scorecard_for(session, config=app.config, scopes=scopes, period=period, detail=True)
    click.echo(scorecard_text(card))
