"""The `qabot` command: the root group, wired to one module per command group. Settings, config and engine are
built per invocation (bot.cli.common)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from dotenv import load_dotenv

from bot.cli import config, db, demo, errors, imports, jobs, kpi, review, sample, sandbox, serving
from bot.cli.common import AppContext, QabotGroup
from bot.errors import ConfigError
from bot.monitoring.logs import configure_logging


@click.group(cls=QabotGroup)
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Team config file (default: $QABOT_CONFIG or config/qabot.toml).")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """QA Ops Bot: content-moderation QA figures, in Slack and in the terminal."""
    ctx.obj = AppContext(config_override=config_path)


cli.add_command(config.config_group)
cli.add_command(db.db_group)
cli.add_command(imports.import_group)
cli.add_command(kpi.kpi_command)
cli.add_command(errors.errors_command)
cli.add_command(review.review_command)
cli.add_command(sample.sample_command)
cli.add_command(demo.seed_group)
cli.add_command(demo.demo_command)
cli.add_command(serving.run_command)
cli.add_command(jobs.jobs_group)
cli.add_command(serving.scheduler_command)
cli.add_command(sandbox.sandbox_command)


def main() -> None:
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        configure_logging(level=os.environ.get("QABOT_LOG_LEVEL", "INFO"),
                          log_format=os.environ.get("QABOT_LOG_FORMAT", "text"))
    except ConfigError as exc:
        click.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(2)
    cli(prog_name="qabot")
