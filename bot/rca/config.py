"""`[rca]`: root-cause analysis."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config_types import Strict


class Rca(Strict):
    """Root-cause analysis (`/qa errors`)."""

    repeat_min: Annotated[int, Field(ge=2, le=1000)] = 3
    """An agent who makes the same error category this many times in a period repeats it."""
