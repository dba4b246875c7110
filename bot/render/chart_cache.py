"""Things already made, by what they are: the same picture is never drawn twice, the same figures never
computed twice.

A morning burst of `/qa vendor acme` from a whole team needs one chart, not twenty; concurrent
requests for the same thing wait for the one being made. `Memo` is the mechanism; `ChartCache`
keys uploaded trend charts by what they show.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

from bot.kpi.scorecard import Scorecard

CACHE_SIZE = 512
T = TypeVar("T")


class Memo(Generic[T]):
    """The last `size` things made, by key; made once even when asked for at the same time; a failure is
    not kept (the next ask makes it again)."""

    def __init__(self, *, size: int = CACHE_SIZE):
        self._size = size
        self._entries: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
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
            future.set_result(make())
        except BaseException as error:
            with self._lock:
                self._entries.pop(key, None)
            future.set_exception(error)
            raise
        return future.result()


def chart_key(card: Scorecard) -> str:
    """Everything the trend chart shows, hashed."""
    points = ";".join(f"{p.day}:{p.audits}:{p.accuracy.successes if p.accuracy else ''}" for p in card.daily)
    chart = card.control.chart if card.control is not None else None
    limits = f"{chart.centre}|{chart.caption}" if chart is not None else ""
    text = (f"trend|{card.label}|{card.period.first_day}|{card.period.last_day}|{card.targets.accuracy}|{points}"
            f"|{limits}")
    return hashlib.sha256(text.encode()).hexdigest()


class ChartCache(Memo[str]):
    """Uploaded charts' file ids by what they show (e.g. chart_key of a scorecard)."""
