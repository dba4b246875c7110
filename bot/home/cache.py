"""When each person's Home tab was last published: opening the tab again within a minute publishes nothing."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

REFRESH_AFTER = timedelta(minutes=1)


class PublishedHomes:
    """In memory, per process: a replica that has not published someone's Home yet simply publishes it."""

    def __init__(self, *, refresh_after: timedelta = REFRESH_AFTER):
        self._refresh_after = refresh_after
        self._published_at: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def claim(self, user_id: str, *, now: datetime, force: bool = False) -> bool:
        """True when `user_id`'s Home is due (never published, older than a minute, or `force`d), and then it
        counts as published at `now`: two opens at once publish once."""
        with self._lock:
            last = self._published_at.get(user_id)
            if not force and last is not None and now - last < self._refresh_after:
                return False
            self._published_at[user_id] = now
            return True

    def shown_to(self, user_id: str) -> bool:
        """Has this process published `user_id`'s Home (so a change is worth republishing)?"""
        with self._lock:
            return user_id in self._published_at

    def forget(self, user_id: str) -> None:
        """A publication that failed: the next open tries again."""
        with self._lock:
            self._published_at.pop(user_id, None)
