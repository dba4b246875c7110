"""`qabot sandbox`: the real bot against the Slack stand-in, used from a local web page that plays Slack."""

from __future__ import annotations

import ipaddress

import click

from bot.cli.common import AppContext
from bot.errors import QabotError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Where the page listens; anything but loopback needs --allow-remote.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True)
@click.option("--allow-remote", is_flag=True,
              help="Serve the page beyond this machine (it has no login: anyone who reaches it acts as anyone).")
@click.pass_obj
def sandbox_command(app: AppContext, host: str, port: int, allow_remote: bool) -> None:
    """Try the bot in a browser without Slack: channels, /qa commands, modals, reactions, the Home tab, scheduled
    jobs run now and time moved forward. The database is the configured one (demo data seeded when it is empty)."""
    from bot.cli.demo import DEMO_AUDITS, DEMO_DAYS, seed_demo_data
    from bot.sandbox.running import running_sandbox
    from bot.server import stop_signals, wait_until_stopped
    from bot.store.audits import count_audits
    from bot.store.db import session_scope

    if not (_is_loopback(host) or allow_remote):
        raise QabotError(f"--host {host} is not a loopback address: the sandbox has no login, so anyone who reaches "
                         "it could act as anyone. Add --allow-remote if that is what you want.")
    engine = app.upgraded_engine()
    with session_scope(engine) as session:
        empty = count_audits(session) == 0
    if empty:
        click.echo(f"Empty database: seeding demo data ({DEMO_AUDITS:,} audits over {DEMO_DAYS} days)...")
        seed_demo_data(app, audits=DEMO_AUDITS, days=DEMO_DAYS)
    try:
        with stop_signals() as stop, running_sandbox(engine=engine, config=app.config, settings=app.settings,
                                                     host=host, port=port) as page:
            click.echo(f"QA Ops sandbox on {page.url} (Ctrl-C stops it)")
            wait_until_stopped(stop, serving=page.serving)
    except OSError as error:
        raise QabotError(f"cannot serve the sandbox on {host}:{port}: {error.strerror or error}") from None
    finally:
        engine.dispose()
    click.echo("sandbox stopped")
