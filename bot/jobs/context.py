"""What every scheduled job is handed: the database, the Slack client, the team config, the clock and the charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import utc_now
from bot.config import TeamConfig
from bot.render.chart_processes import draw_here


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    client: WebClient
    config: TeamConfig
    clock: Callable[[], datetime] = utc_now
    draw: Callable[..., bytes] = draw_here
    """draw(chart, *args): in this process by default; `qabot run` and `qabot scheduler` draw in ChartProcesses."""
