"""`qabot kpi`: a scorecard in the terminal; and the scope and period options every figures command shares."""

from __future__ import annotations

import click

from bot.cli.common import AppContext
from bot.clock import utc_now
from bot.kpi.scopes import SCOPE_KINDS


def scope_argument_options(command, *, more_kinds: tuple[str, ...] = ()):
    """KIND [NAME], --vendor, --queue, ... (one per scope kind; the agent last); `more_kinds` for a command that
    takes others (`qabot review team KEY`)."""
    for kind in reversed(sorted(SCOPE_KINDS, key=lambda kind: kind == "agent")):  # click lists the last applied first
        article = "an" if kind[0] in "aeiou" else "a"
        option = click.option(f"--{kind}", f"narrow_{kind}", default=None, help=f"Narrow to {article} {kind} as well.")
        command = option(command)
    command = click.argument("name", required=False)(command)
    return click.argument("kind", type=click.Choice([*SCOPE_KINDS, "org", *more_kinds]))(command)


def scope_options(command):
    """scope_argument_options, --days and --period."""
    command = click.option("--period", "period_text", default=None,
                           help="7d, 'since 2026-10-01' or 2026-10-01..2026-10-31.")(command)
    command = click.option("--days", type=int, default=None, help="Last N days up to today (default 7).")(command)
    return scope_argument_options(command)


def narrowed_scopes(command_name: str, kind: str, name: str | None, narrow: dict[str, str | None]) -> dict[str, str]:
    """What scope_argument_options read, checked: kind -> name."""
    if kind != "org" and not name:
        raise click.UsageError(f"say which {kind}: qabot {command_name} {kind} NAME")
    if kind == "org" and name:
        raise click.UsageError("'org' takes no name; narrow it with --vendor, --queue, ...")
    scopes = {kind: name} if name else {}
    for option, value in narrow.items():
        other = option.removeprefix("narrow_")
        if value is not None:
            if other in scopes:
                raise click.UsageError(f"--{other} repeats the {other} already given")
            scopes[other] = value
    return scopes


def scopes_and_period(command_name: str, kind: str, name: str | None, days: int | None, period_text: str | None,
                      narrow: dict[str, str | None]):
    """What scope_options read, checked: (kind -> name, the period)."""
    from bot.kpi.periods import last_days, parse_period

    scopes = narrowed_scopes(command_name, kind, name, narrow)
    if days is not None and period_text is not None:
        raise click.UsageError("give --days or --period, not both")
    now = utc_now()
    period = parse_period(period_text, now=now) if period_text else last_days(days or 7, now=now)
    return scopes, period


@click.command("kpi")
@scope_options
@click.pass_obj
def kpi_command(app: AppContext, kind: str, name: str | None, days: int | None, period_text: str | None,
                **narrow: str | None) -> None:
    """Print the scorecard of a vendor, agent, queue, policy, market, site, or the whole org."""
    from bot.kpi.service import scorecard_for
    from bot.render.text import scorecard_text
    from bot.store.db import session_scope

    scopes, period = scopes_and_period("kpi", kind, name, days, period_text, narrow)
    with session_scope(app.upgraded_engine()) as session:
        card = scorecard_for(session, config=app.config, scopes=scopes, period=period, detail=True)
    click.echo(scorecard_text(card))
