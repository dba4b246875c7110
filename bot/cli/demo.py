"""`qabot seed demo` and `qabot demo`: synthetic data, and the bot answering `/qa vendor acme` against the stand-in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import AppContext
from bot.clock import utc_now

DEMO_AUDITS, DEMO_DAYS = 60_000, 90
"""What `qabot demo` and `qabot sandbox` seed into an empty database."""


@click.group("seed")
def seed_group() -> None:
    """Fill the database with synthetic data."""


@seed_group.command("demo")
@click.option("--seed", "seed_value", type=int, default=7, show_default=True, help="Same seed, same data.")
@click.option("--audits", type=click.IntRange(min=1), default=60_000, show_default=True,
              help="How many audits (use millions for benchmarks).")
@click.option("--days", type=click.IntRange(min=8, max=3650), default=90, show_default=True)
@click.pass_obj
def seed_demo(app: AppContext, seed_value: int, audits: int, days: int) -> None:
    """Realistic demo audits: 4 vendors (acme = Acme BPO, dropping this week), ~200 agents."""
    summary = seed_demo_data(app, seed_value=seed_value, audits=audits, days=days)
    click.echo(f"Seeded demo data: {summary.counts.inserted:,} new, {summary.counts.updated:,} updated, "
               f"{summary.counts.unchanged:,} unchanged audits over {days} days.")


def seed_demo_data(app: AppContext, *, audits: int, days: int, seed_value: int = 7):
    """The demo's audits in the configured database (as `qabot seed demo` puts them there)."""
    from bot.demo.seed import DEMO_SOURCE, load_demo

    return load_demo(app.upgraded_engine(), config=app.config, audits=audits, days=days, seed=seed_value,
                     now=utc_now(), source=DEMO_SOURCE, show_progress=sys.stderr.isatty())


@click.command("demo")
@click.option("--chart", "chart_path", type=click.Path(path_type=Path), default=Path("qabot-demo-chart.png"),
              show_default=True, help="Where to save the chart the bot uploaded.")
@click.pass_obj
def demo_command(app: AppContext, chart_path: Path) -> None:
    """Seed demo data if the database is empty, run the bot against the Slack stand-in, ask `/qa vendor acme`."""
    from bot.demo.scenario import run_demo
    from bot.store.audits import count_audits
    from bot.store.db import session_scope

    engine = app.upgraded_engine()
    with session_scope(engine) as session:
        empty = count_audits(session) == 0
    if empty:
        click.echo(f"Empty database: seeding demo data ({DEMO_AUDITS:,} audits over {DEMO_DAYS} days)...")
        seed_demo_data(app, audits=DEMO_AUDITS, days=DEMO_DAYS)
    run_demo(engine, config=app.config, settings=app.settings, chart_path=chart_path, now=utc_now(), echo=click.echo)
    click.echo("Try in a terminal too: qabot kpi vendor acme --days 30 · qabot kpi queue video-uploads")
