"""Settings that come from the environment (and `.env`): secrets and connections.

Built by :func:`load_settings`, never at import time, so tests can hand in
their own environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///qabot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_CONFIG_PATH = Path("config/qabot.toml")
SUPPORTED_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql+psycopg"}


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str
    config_path: Path
    config_path_is_default: bool
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = DEFAULT_PORT

    def missing_slack(self, *, serving: bool = True) -> list[str]:
        """Slack settings `qabot run` needs and does not have (no signing secret in Socket Mode).

        Without `serving` (scheduled jobs only), just the bot token.
        """
        return [name for name, value in (
            ("SLACK_BOT_TOKEN", self.slack_bot_token),
            ("SLACK_SIGNING_SECRET", self.slack_signing_secret or self.slack_app_token or not serving),
        ) if not value]

    def require_slack(self, *, serving: bool = True) -> None:
        """Fail fast, naming each missing Slack setting and where to set it."""
        missing = self.missing_slack(serving=serving)
        if missing:
            raise ConfigError([
                f"{name} is not set: add it to .env in the working directory or to the environment "
                "(see .env.example; the values are on your Slack app's Basic Information and "
                "OAuth & Permissions pages)" for name in missing
            ])


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check the environment; raise ConfigError naming every problem."""
    env = os.environ if environ is None else environ
    problems: list[str] = []

    database_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    try:
        url = make_url(database_url)
    except ArgumentError:
        problems.append(
            f"DATABASE_URL: '{database_url}' is not a database URL. "
            "Use sqlite:///path/to/qabot.db or postgresql+psycopg://user@host:5432/dbname."
        )
    else:
        if url.drivername not in SUPPORTED_DRIVERS:
            hint = " (write postgresql+psycopg://...)" if url.drivername.startswith("postgres") else ""
            problems.append(
                f"DATABASE_URL: driver '{url.drivername}' is not supported{hint}; "
                f"use one of {', '.join(sorted(SUPPORTED_DRIVERS))}."
            )

    config_value = env.get("QABOT_CONFIG", "").strip()
    bot_token = env.get("SLACK_BOT_TOKEN", "").strip() or None
    if bot_token and not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN: a bot token starts with xoxb- (OAuth & Permissions page).")
    app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
    if app_token and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN: an app-level token starts with xapp- (Basic Information page).")
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL: '{api_url}' is not an http(s) URL.")
    port_text = env.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        problems.append(f"PORT: '{port_text}' is not a port number (1-65535).")
    if problems:
        raise ConfigError(problems)
    return Settings(
        database_url=database_url,
        config_path=Path(config_value) if config_value else DEFAULT_CONFIG_PATH,
        config_path_is_default=not config_value,
        slack_bot_token=bot_token,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
        slack_app_token=app_token,
        slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
        port=int(port_text),
    )
