"""Serving the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT.

HTTP goes through waitress, a multi-threaded WSGI server, so slow requests never
queue the others (Bolt's built-in server handles one request at a time).
"""

from __future__ import annotations

import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HTTP_THREADS = 32


class HttpServer:
    """The app on `host:port` at /slack/events; port 0 picks a free one (see `.url`)."""

    def __init__(self, app: App, *, host: str = "0.0.0.0", port: int = 3000):
        self._server = create_server(SlackRequestHandler(app, path=EVENTS_PATH), host=host, port=port,
                                     threads=HTTP_THREADS, ident="qabot")
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self._server.effective_host
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{self._server.effective_port}{EVENTS_PATH}"

    def serve_forever(self) -> None:
        logger.info("serving Slack requests on %s", self.url)
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection from inside the server's own loop, so it ends cleanly."""
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._server._map))
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server.task_dispatcher.shutdown()


def socket_mode_handler(app: App, *, app_token: str):
    """The app over Socket Mode: `.start()` blocks; `.connect()` / `.close()` for tests."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    logger.info("connecting to Slack in Socket Mode")
    return SocketModeHandler(app, app_token)
