"""`[coaching]`: coaching records, their follow-ups and the weekly digest of coaching candidates."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config_types import AuditCount, LocalTime, Strict, TimeZoneName, Weekday, WindowDays


class Coaching(Strict):
    min_audits: AuditCount = 30
    """Fewer audits than this after coaching (or in 14 days, for the digest) are too few to tell."""
    before_days: WindowDays = 30
    """A follow-up compares the agent's accuracy on the focus over this many days before coaching with after it."""
    default_follow_up_days: Annotated[int, Field(ge=1, le=180)] = 14
    digest_day: Weekday = "mon"
    digest_at: LocalTime = "09:00"
    digest_timezone: TimeZoneName = "UTC"
    """The weekly digest of coaching candidates reaches each vendor's leads_channel at digest_at, this time zone."""
