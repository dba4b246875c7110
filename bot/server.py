"""Serving the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT.

HTTP goes through waitress, a multi-threaded WSGI server, so slow requests never
queue the others (Bolt's built-in server handles one request at a time). /healthz,
/readyz and /metrics are served on PORT beside /slack/events, or on their own in
Socket Mode and by `qabot scheduler`.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

from bot.app import listener_pool
from bot.monitoring.endpoints import ServiceEndpoints

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HTTP_THREADS = 32
ENDPOINT_THREADS = 4
"""Probes and scrapes alone (Socket Mode, `qabot scheduler`): a few at a time, each in milliseconds."""
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOP_SECONDS = 25
"""A stop finishes within this (Docker waits 10 s by default: give the container a stop_grace_period of 30 s)."""
HTTP_GRACE_SECONDS = 5
"""Requests in flight are answered within 3 s (Slack's limit), so 5 s is ample for the HTTP side."""


class HttpServer:
    """The app on `host:port` at /slack/events, and `endpoints` (/healthz, /readyz, /metrics) beside it; without
    an app, the endpoints alone. Port 0 picks a free one (see `.url` and `.base_url`)."""

    def __init__(self, app: App | None, *, endpoints: ServiceEndpoints | None = None, host: str = "0.0.0.0",
                 port: int = 3000):
        slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None
        wsgi = endpoints.wsgi(fallback=slack) if endpoints is not None else slack
        if wsgi is None:
            raise ValueError("an HTTP server needs the app, the endpoints or both")
        self._serves_slack = slack is not None
        self._server = create_server(wsgi, host=host, port=port, threads=HTTP_THREADS if slack else ENDPOINT_THREADS,
                                     ident="qabot")
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = self._server.effective_host
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{self._server.effective_port}"

    @property
    def url(self) -> str:
        return self.base_url + EVENTS_PATH

    def serve_forever(self) -> None:
        if self._serves_slack:
            logger.info("serving Slack requests on %s", self.url)
        else:
            logger.info("serving /healthz, /readyz and /metrics on %s", self.base_url)
        self._server.run()

    def serving(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self, *, grace: float = 10.0) -> None:
        """Stop taking connections, let the requests in flight be answered (up to `grace` seconds), then
        close every connection from inside the server's own loop, so it ends cleanly."""
        server = self._server
        woken = self._in_loop(lambda: _stop_listening(server))
        if not woken:
            _stop_listening(server)  # the loop still polls every second: it sees this on its next pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _busy(server):
            time.sleep(0.02)
        if not (woken and self._in_loop(lambda: wasyncore.close_all(server._map))):
            wasyncore.close_all(server._map)
        if self._thread is not None:
            self._thread.join(timeout=10)
        server.task_dispatcher.shutdown()

    def _in_loop(self, thunk: Callable[[], None]) -> bool:
        """Run `thunk` in the server's loop; False (logged) if the loop's wake-up pipe is gone."""
        try:
            self._server.trigger.pull_trigger(thunk)
            return True
        except OSError as error:  # handled: the caller stops the server from this thread instead
            logger.warning("the HTTP server's loop could not be woken (%s); stopping it from this thread", error)
            return False


def _stop_listening(server) -> None:
    """No more connections are accepted (the listening socket closes with the rest, at the end)."""
    server.accepting = False


def _busy(server) -> bool:
    """A request is being handled, waits for a thread, or has an answer not yet written out."""
    dispatcher = server.task_dispatcher
    return bool(dispatcher.active_count or dispatcher.queue
                or any(getattr(channel, "total_outbufs_len", 0) or getattr(channel, "requests", None)
                       for channel in list(server._map.values())))


SOCKET_PING_SECONDS = 2
"""How often the Socket Mode client pings Slack, which is also how often it checks its connection: a dropped
socket is replaced within this (slack_sdk's built-in client reconnects only on that check, every 10 s by
default, even when Slack closes the socket itself; tests/test_socket_mode.py measures it). A socket that
stays open but has gone silent is replaced after four pings without an answer (8 s)."""


def socket_mode_handler(app: App, *, app_token: str):
    """The app over Socket Mode: `.start()` blocks; `.connect()` / `.close()` for tests."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    logger.info("connecting to Slack in Socket Mode")
    return SocketModeHandler(app, app_token, ping_interval=SOCKET_PING_SECONDS)


class SocketModeServer:
    """The app over Socket Mode, started and stopped like HttpServer; `endpoints` (when given) are served over
    HTTP on `port`, Slack's requests needing none."""

    def __init__(self, app: App, *, app_token: str, endpoints: ServiceEndpoints | None = None, port: int = 3000):
        self._handler = socket_mode_handler(app, app_token=app_token)
        self._endpoints = HttpServer(None, endpoints=endpoints, port=port) if endpoints is not None else None

    @property
    def base_url(self) -> str | None:
        """Where the endpoints are served, if they are."""
        return self._endpoints.base_url if self._endpoints is not None else None

    def start(self) -> SocketModeServer:
        if self._endpoints is not None:
            self._endpoints.start()
        self._handler.connect()
        return self

    def serving(self) -> bool:
        # The Socket Mode client reconnects by itself; the endpoints' server must still be up.
        return self._endpoints is None or self._endpoints.serving()

    def stop(self, *, grace: float = 10.0) -> None:
        """Socket Mode acknowledges over the socket as each listener acks, so closing it is enough."""
        self._handler.close()
        if self._endpoints is not None:
            self._endpoints.stop(grace=grace)


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """Inside, SIGTERM (docker stop, a deploy) and SIGINT (Ctrl-C) set the event instead of ending the process.
    Entered before serving starts, so a signal that comes early still stops the bot gracefully."""
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def wait_until_stopped(stop: threading.Event, *, serving: Callable[[], bool] = lambda: True) -> None:
    """Block until a stop signal, or until `serving()` turns False (the server's thread died: the process
    ends, so that whatever supervises it starts a new one)."""
    while not stop.wait(timeout=1):
        if not serving():
            logger.error("the server stopped serving; stopping the process")
            return


def stop_serving(server: HttpServer | SocketModeServer, *, app: App, scheduler=None, charts=None) -> None:
    """A graceful stop, within STOP_SECONDS: no new requests; the requests, listeners and jobs in flight
    finish (a half-sent morning post, a calibration close); then the chart workers go."""
    deadline = time.monotonic() + STOP_SECONDS
    logger.info("stopping: finishing the requests and jobs in flight")
    if scheduler is not None and scheduler.running:
        scheduler.pause()  # no job starts now that could be cut short; the running one finishes below
    server.stop(grace=HTTP_GRACE_SECONDS)
    pool = listener_pool(app)
    if not pool.wait_idle(timeout=max(0.0, deadline - time.monotonic())):
        logger.warning("some listeners were still running when the stop time ran out")
    pool.shutdown(wait=False, cancel_futures=True)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=True)
    if charts is not None:
        charts.close()
    logger.info("stopped")
