"""The `qabot` command: the root group, wired to one module per command group. Settings, config and engine are
built per invocation (bot.cli.common)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from dotenv import load_dotenv

from bot.cli import config, db, demo, errors, imports, jobs, kpi, review, sample, serving
from bot.cli.common import AppContext, QabotGroup


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


def main() -> None:
    load_dotenv(Path.cwd() / ".env", override=False)
    logging.basicConfig(level=os.environ.get("QABOT_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # bot.jobs.scheduler logs each run's outcome
    cli(prog_name="qabot")
