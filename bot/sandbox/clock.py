"""The sandbox's clock: the real time plus however far the page has moved it forward."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from bot.clock import utc_now


class ShiftingClock:
    """Handed to the Runtime as its clock, so jobs, SLA deadlines and reminders follow `advance`."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return utc_now() + self._offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def advance(self, by: timedelta) -> datetime:
        """Move time forward (never back: deadlines already passed stay passed); the new now."""
        if by <= timedelta():
            raise ValueError(f"time only moves forward, not by {by}")
        with self._lock:
            self._offset += by
        return self()
