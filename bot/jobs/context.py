"""What every scheduled job is handed: the database, the Slack client and the team config."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.config import TeamConfig


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    client: WebClient
    config: TeamConfig
