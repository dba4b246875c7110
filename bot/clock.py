"""The one place that reads the wall clock; everything else is handed `now`.

`QABOT_TEST_NOW` (an ISO 8601 instant with its offset, e.g. `2026-03-29T01:30:00Z`) stops the clock at that
instant, the same in every process that inherits it. It exists so that the tests which run the real
program (the demo, replicas, the scheduler) can be run at chosen dates and hours: `.ci/run` runs them
on both sides of a DST change, at New Year, on 29 February and at a Monday's first minutes. Never set it
in a deployment: Slack's request signatures are checked against the real time, not this one.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from functools import cache

from bot.errors import ConfigError

TEST_NOW_VARIABLE = "QABOT_TEST_NOW"
logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    """Now, timezone-aware UTC."""
    return _test_now() or datetime.now(UTC)


def wall_now() -> datetime:
    """The real time, even under QABOT_TEST_NOW: for timers that run on it (the scheduler's first pass)."""
    return datetime.now(UTC)


@cache
def _test_now() -> datetime | None:
    """The instant QABOT_TEST_NOW names, or None when it is unset."""
    text = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not text:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError([f"{TEST_NOW_VARIABLE}: '{text}' is not an ISO 8601 instant; "
                           "write it like 2026-03-29T01:30:00Z"]) from None
    if instant.tzinfo is None:
        raise ConfigError([f"{TEST_NOW_VARIABLE}: '{text}' has no UTC offset; end it with Z or +HH:MM"])
    logger.warning("the clock stands still at %s (%s is set: for tests only)", instant.isoformat(), TEST_NOW_VARIABLE)
    return instant.astimezone(UTC)
