"""Drawing charts in worker processes, so the server's threads keep the GIL for Slack requests.

A chart is ~60 ms of pure-Python CPU; twenty at once in the server process would stall
acknowledgements and use one core of several. `qabot run` and `qabot scheduler` draw every chart
(scorecards, morning posts, calibration results) here instead: listeners and jobs are handed a
`draw(chart, *args)` that is `ChartProcesses.draw` there, and `draw_here` elsewhere (tests, the demo).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

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
        self.workers = workers or max(1, (os.cpu_count() or 1) - 1)  # the server process keeps a core
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker)
        for future in [pool.submit(_warm_up) for _ in range(self.workers)]:
            future.result(timeout=RENDER_TIMEOUT_SECONDS)
        return pool

    def draw(self, chart: Callable[..., bytes], *args) -> bytes:
        """`chart(*args)` (a pure function of bot.render.charts) in a worker; a broken pool is started afresh, once."""
        pool = self._pool
        try:
            return pool.submit(chart, *args).result(timeout=RENDER_TIMEOUT_SECONDS)
        except BrokenProcessPool:  # a worker died (killed for memory, say): start afresh, once
            logger.exception("chart workers broke; starting new ones")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._start()
            return self._pool.submit(chart, *args).result(timeout=RENDER_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def draw_here(chart: Callable[..., bytes], *args) -> bytes:
    """`chart(*args)` in this process: for tests, the demo and one-off commands."""
    return chart(*args)
