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
DEFAULT_CONFIG_PATH = Path("config/qabot.toml")
SUPPORTED_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql+psycopg"}


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str
    config_path: Path
    config_path_is_default: bool


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
    if problems:
        raise ConfigError(problems)
    return Settings(
        database_url=database_url,
        config_path=Path(config_value) if config_value else DEFAULT_CONFIG_PATH,
        config_path_is_default=not config_value,
    )
