"""What every scheduled job is handed: the database, the Slack client, the team config and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import utc_now
from bot.config import TeamConfig


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    client: WebClient
    config: TeamConfig
    clock: Callable[[], datetime] = utc_now
