"""What every `qabot` command shares: settings, config and engine built per invocation, and errors as messages."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import click
from sqlalchemy import Engine

from bot.errors import ConfigError, QabotError

logger = logging.getLogger("qabot")


@dataclass
class AppContext:
    """What commands share; each piece is built on first use and checked then."""

    config_override: Path | None

    @cached_property
    def settings(self):
        from bot.settings import load_settings

        return load_settings()

    @cached_property
    def config_path(self) -> Path:
        return self.config_override or self.settings.config_path

    @cached_property
    def config(self):
        from bot.config import load_team_config

        must_exist = self.config_override is not None or not self.settings.config_path_is_default
        return load_team_config(self.config_path, must_exist=must_exist)

    @cached_property
    def engine(self) -> Engine:
        from bot.store.db import make_engine

        return make_engine(self.settings.database_url)

    def upgraded_engine(self) -> Engine:
        from bot.store.db import upgrade_database

        upgrade_database(self.engine)
        return self.engine


class QabotGroup(click.Group):
    """Turns the bot's own errors into messages; anything else is logged with its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.secho("The configuration has problems:", fg="red", err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            ctx.exit(2)
        except QabotError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            sys.stderr.close()
            ctx.exit(0)
        except Exception:
            logger.exception("qabot failed unexpectedly")
            click.secho("Unexpected error (traceback above). Please report it.", fg="red", err=True)
            ctx.exit(70)


def redacted(url: str) -> str:
    """The database URL without its password, fit to print."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def job_runtime(app: AppContext, **more):
    """What jobs run with, whether run one by one (`qabot jobs run`) or by `qabot scheduler`."""
    from bot.app import build_web_client
    from bot.runtime import Runtime

    return Runtime(engine=app.upgraded_engine(), client=build_web_client(app.settings), config=app.config, **more)
