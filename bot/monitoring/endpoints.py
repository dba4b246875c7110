"""/healthz, /readyz and /metrics as a WSGI app, in front of Slack's /slack/events or on their own.

- /healthz: 200 while the process serves HTTP at all (for a liveness probe: restart when it fails).
- /readyz: 200 when every readiness check passes, else 503; a JSON body names each check's state.
- /metrics: the process's metrics in Prometheus' text format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.monitoring.metrics import EXPOSITION_CONTENT_TYPE, Metrics
from bot.monitoring.readiness import OK, Readiness

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
JSON = "application/json"

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


@dataclass(frozen=True)
class Answer:
    status: str
    content_type: str
    body: bytes


class ServiceEndpoints:
    """The three endpoints of one process, over its metrics and readiness checks."""

    def __init__(self, *, metrics: Metrics, readiness: Readiness):
        self._metrics = metrics
        self._readiness = readiness
        self._routes: dict[str, Callable[[], Answer]] = {
            HEALTH_PATH: self.health, READY_PATH: self.ready, METRICS_PATH: self.metrics}

    def health(self) -> Answer:
        return Answer("200 OK", JSON, b'{"status": "ok"}')

    def ready(self) -> Answer:
        checks = self._readiness.checks()
        problems = [f"{name}: {state}" for name, state in checks.items() if state != OK]
        body = json.dumps({"ready": not problems, "checks": checks, "problems": problems}).encode()
        return Answer("503 Service Unavailable" if problems else "200 OK", JSON, body)

    def metrics(self) -> Answer:
        return Answer("200 OK", EXPOSITION_CONTENT_TYPE, self._metrics.exposition())

    def wsgi(self, *, fallback: WsgiApp | None = None) -> WsgiApp:
        """A WSGI app answering the three paths, and handing any other to `fallback` (Slack's handler)."""

        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            route = self._routes.get(environ.get("PATH_INFO", ""))
            if route is None and fallback is not None:
                return fallback(environ, start_response)
            if route is None:
                answer = Answer("404 Not Found", JSON, b'{"error": "not found"}')
            elif environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                answer = Answer("405 Method Not Allowed", JSON, b'{"error": "use GET"}')
            else:
                answer = route()
            start_response(answer.status, [("Content-Type", answer.content_type),
                                           ("Content-Length", str(len(answer.body)))])
            return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else answer.body]

        return app


def service_endpoints(*, metrics: Metrics, engine, scheduler=None) -> ServiceEndpoints:
    """The endpoints of a process on `engine`; with `scheduler`, /readyz also checks that it runs."""
    metrics.watch_store(engine)
    return ServiceEndpoints(metrics=metrics, readiness=Readiness(engine=engine, scheduler=scheduler))
