"""The building blocks of the team config's sections (bot/config.py and each feature's config module):
strict models and the checked kinds of value they hold."""

from __future__ import annotations

import difflib
import zoneinfo
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Unknown keys and wrong types are errors, so a typo never runs the bot on silently wrong settings."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Fraction = Annotated[float, Field(gt=0, le=1)]
Seconds = Annotated[float, Field(gt=0)]
Name = Annotated[str, Field(min_length=1)]
SlackId = Annotated[str, Field(pattern=r"^[UWS][A-Z0-9]{2,}$")]
ChannelId = Annotated[str, Field(pattern=r"^[CGD][A-Z0-9]{2,}$")]
Minutes = Annotated[int, Field(gt=0)]
WindowDays = Annotated[int, Field(ge=1, le=90)]
AuditCount = Annotated[int, Field(ge=1)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal[WEEKDAYS]  # type: ignore[valid-type]
LocalTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _known_time_zone(name: str) -> str:
    if name not in _time_zones():
        close = difflib.get_close_matches(name, sorted(_time_zones()), n=3)
        hint = f"did you mean {' or '.join(close)}?" if close else "e.g. Asia/Manila, Europe/Dublin"
        raise ValueError(f"'{name}' is not an IANA time zone; {hint}")
    return name


TimeZoneName = Annotated[str, Field(min_length=1), AfterValidator(_known_time_zone)]
Paper = Literal["a4", "letter"]
"""A printed review's paper, landscape: A4 (most of the world) or US Letter."""
"""An IANA time zone such as Asia/Manila, Europe/Dublin or America/Los_Angeles."""
