"""`[disputes]`: where disputes are posted, how long they may be filed and decided, QA's own target."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config_types import ChannelId, Fraction, Name, Strict, WindowDays


class DisputeRoute(Strict):
    """Disputes of these vendors go to `channel` (first match wins)."""

    channel: ChannelId
    vendors: list[Name] = Field(min_length=1)


class Disputes(Strict):
    channel: ChannelId | None = None
    """Where disputes no route matches go; without one, filing is refused with a clear message."""
    routes: list[DisputeRoute] = Field(default_factory=list)
    window_days: WindowDays = 7
    """A dispute may be filed this many days after the audit (audited_at), not later."""
    decide_within_h: Annotated[float, Field(gt=0)] = 72.0
    auditor_overturn_target: Fraction = 0.05
    """An auditor whose overturn rate is significantly above this needs a look."""
    max_open_per_vendor: Annotated[int, Field(ge=1)] | None = None

    @property
    def takes_disputes(self) -> bool:
        """Somewhere to post disputes: without it the Dispute buttons are not offered."""
        return self.channel is not None or bool(self.routes)

    def channel_for(self, vendor: str, *, spellings: frozenset[str]) -> str | None:
        """The route naming the vendor (in any of its `spellings`, casefolded), else the default channel."""
        for route in self.routes:
            if {name.casefold() for name in route.vendors} & (spellings | {vendor.casefold()}):
                return route.channel
        return self.channel
