"""`[calibration]`: calibration sessions."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config_types import Strict, WindowDays


class Calibration(Strict):
    """Calibration sessions (`/qa calibrate`)."""

    default_items: Annotated[int, Field(ge=1, le=200)] = 20
    max_items: Annotated[int, Field(ge=1, le=500)] = 200
    lookback_days: WindowDays = 30
    """Items are drawn from audits of this many days back."""
    remind_before_h: Annotated[float, Field(gt=0)] = 24.0
    """Participants not finished are reminded this long before the deadline."""
