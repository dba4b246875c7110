"""Charts already drawn and uploaded, by what they show: the same picture is never drawn twice.

A morning burst of `/qa vendor acme` from a whole team needs one chart, not twenty;
concurrent requests for the same picture wait for the one being drawn.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future

from bot.kpi.scorecard import Scorecard

CACHE_SIZE = 512


def chart_key(card: Scorecard) -> str:
    """Everything the trend chart shows, hashed."""
    points = ";".join(f"{p.day}:{p.audits}:{p.accuracy.successes if p.accuracy else ''}" for p in card.daily)
    text = f"trend|{card.label}|{card.period.first_day}|{card.period.last_day}|{card.targets.accuracy}|{points}"
    return hashlib.sha256(text.encode()).hexdigest()


class ChartCache:
    def __init__(self, *, size: int = CACHE_SIZE):
        self._size = size
        self._entries: OrderedDict[str, Future] = OrderedDict()
        self._lock = threading.Lock()

    def file_id(self, card: Scorecard, make: Callable[[Scorecard], str]) -> str:
        """The uploaded chart's file id; `make` draws and uploads it when nobody has yet."""
        key = chart_key(card)
        with self._lock:
            future = self._entries.get(key)
            owner = future is None
            if owner:
                future = self._entries[key] = Future()
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        if not owner:
            return future.result()
        try:
            future.set_result(make(card))
        except BaseException as error:
            with self._lock:
                self._entries.pop(key, None)  # a failed upload is tried again next time
            future.set_exception(error)
            raise
        return future.result()
