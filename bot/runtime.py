"""What listeners, jobs and the terminal's commands work with: one object, built once per process.

Slack listeners are handed it by a middleware (the `runtime` argument); scheduled jobs and
`qabot jobs run` take it as their first argument.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import utc_now
from bot.config import TeamConfig
from bot.kpi.scorecard import Scorecard
from bot.monitoring.metrics import Metrics
from bot.render.chart_cache import ChartCache, Memo
from bot.render.chart_processes import draw_here
from bot.slack.access import GroupDirectory

SCORECARDS_KEPT = 256
#: Listeners computing figures at once; measured with bench/slack.py (README, Benchmarks).
COMPUTE_AT_ONCE = 2


@dataclass(frozen=True, kw_only=True)
class Runtime:
    engine: Engine
    config: TeamConfig
    client: WebClient
    """The Web API client for what is not an answer to a request: posts, DMs, uploads by jobs."""
    groups: GroupDirectory = None  # type: ignore[assignment]  # built from the client when not given
    metrics: Metrics = None  # type: ignore[assignment]  # the client's (bot.app.build_web_client) when not given
    """What this process counts, shown at /metrics: one per process, handed to the app, the jobs and the client."""
    clock: Callable[[], datetime] = utc_now
    charts: ChartCache = field(default_factory=ChartCache)
    scorecards: Memo[Scorecard] = field(default_factory=lambda: Memo(size=SCORECARDS_KEPT))
    """Scorecards by scope, days and data version: figures change only when an import finishes."""
    draw: Callable[..., bytes] = draw_here
    """draw(chart, *args): in this process by default; `qabot run` passes ChartProcesses.draw."""
    computing: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(COMPUTE_AT_ONCE))
    """Held while a listener computes figures (queries, statistics, blocks), never while it waits for a chart or
    Slack: in one process CPU-bound Python runs one thread at a time anyway, and twenty threads computing at once
    would each make the thread that answers Slack wait for the GIL many times over."""

    def __post_init__(self) -> None:
        if self.groups is None:
            object.__setattr__(self, "groups", GroupDirectory.from_slack(self.client))
        if self.metrics is None:
            object.__setattr__(self, "metrics", getattr(self.client, "metrics", None) or Metrics())
