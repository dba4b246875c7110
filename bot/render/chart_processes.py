"""Drawing charts in worker processes, so the server's threads keep the GIL for Slack requests.

A chart is ~60 ms of pure-Python CPU; twenty at once in the server process would stall
acknowledgements and use one core of several. `qabot run` draws them here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import logging
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.kpi.scorecard import Scorecard
from bot.render.charts import trend_chart

RENDER_TIMEOUT_SECONDS = 30
logger = logging.getLogger(__name__)


def _start_worker() -> None:
    """In each worker: end with the server (even if it is killed), and import matplotlib now."""
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    _warm_up()


def _warm_up() -> None:
    import matplotlib.figure  # noqa: F401  (the slow import, done before the first request)


class ChartProcesses:
    def __init__(self, *, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker)
        for future in [pool.submit(_warm_up) for _ in range(self.workers)]:
            future.result(timeout=RENDER_TIMEOUT_SECONDS)
        return pool

    def render(self, card: Scorecard) -> bytes:
        pool = self._pool
        try:
            return pool.submit(trend_chart, card).result(timeout=RENDER_TIMEOUT_SECONDS)
        except BrokenProcessPool:  # a worker died (killed for memory, say): start afresh, once
            logger.exception("chart workers broke; starting new ones")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._start()
            return self._pool.submit(trend_chart, card).result(timeout=RENDER_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
