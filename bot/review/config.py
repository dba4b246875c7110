"""`[reviews.NAME]`: a business review posted on a schedule, as a PDF with its summary, to a channel."""

from __future__ import annotations

import zoneinfo
from datetime import time
from typing import Literal

from pydantic import model_validator

from bot.config_types import ChannelId, LocalTime, Name, Paper, Strict, TimeZoneName, Weekday

REVIEW_SCOPE_KINDS = ("vendor", "queue", "policy", "market", "site")


class ScheduledReview(Strict):
    """Posted at `at`, local time in `timezone`, on `day`: weekly (`week`), on the first such day of each month
    (`month`) or of January, April, July and October (`quarter`), covering the previous one. No scope key is the
    org; several narrow each other, like `/qa review vendor acme queue shop`; or `team` names a `[teams.KEY]`,
    whose vendors, queues and markets its morning post covers."""

    channel: ChannelId
    timezone: TimeZoneName
    day: Weekday = "mon"
    at: LocalTime = "09:00"
    period: Literal["week", "month", "quarter"] = "week"
    vendor: Name | None = None
    queue: Name | None = None
    policy: Name | None = None
    market: Name | None = None
    site: Name | None = None
    team: Name | None = None
    paper: Paper | None = None
    """None: `[defaults].paper`."""

    @model_validator(mode="after")
    def _a_team_or_scopes(self) -> ScheduledReview:
        if self.team is not None and self.scopes():
            raise ValueError(f"name a team or {'/'.join(REVIEW_SCOPE_KINDS)}, not both: a team's scope is its own")
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_time(self) -> time:
        return time.fromisoformat(self.at)

    def scopes(self) -> dict[str, str]:
        """kind -> name, as the review service takes them; empty for the org."""
        return {kind: getattr(self, kind) for kind in REVIEW_SCOPE_KINDS if getattr(self, kind) is not None}

    def scope_label(self) -> str:
        if self.team is not None:
            return f"team {self.team}"
        return ", ".join(f"{kind} {name}" for kind, name in self.scopes().items()) or "org"
