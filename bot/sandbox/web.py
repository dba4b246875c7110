"""The sandbox's page and its JSON API, served by the standard library's threading HTTP server.

GET  /                 the page (static/index.html, app.js, style.css under /static/)
GET  /files/<id>       an uploaded chart, by its Slack file id
GET  /api/state        who you are, the channels, a channel's messages (?channel=), your modal, your Home tab, the time
POST /api/command      {"text": "/qa vendor acme", "channel": ...}
POST /api/press        {"action_id", "value", "block_id", "channel", "ts"} (no channel: a Home tab button)
POST /api/submit       {"values": state.values as Slack shapes it}; /api/close closes the modal
POST /api/react        {"channel", "ts", "emoji"}
POST /api/user         {"user_id"}; /api/home opens your Home tab
POST /api/run          {"job": "alert-monitor"}; /api/advance {"hours": 24}
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from bot.errors import SandboxError
from bot.sandbox.session import Sandbox
from bot.standin.web_api import BOT_USER_ID

logger = logging.getLogger(__name__)
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".png": "image/png"}


def state(sandbox: Sandbox, channel: str | None) -> dict:
    """Everything the page shows, as the current person sees it."""
    channels = sandbox.channels()
    shown = channel if channel in {known.id for known in channels} else channels[0].id
    conversation = sandbox.conversation
    modal = conversation.modal(sandbox.user)
    config = sandbox.runtime.config
    return {
        "me": vars(sandbox.me), "people": [vars(person) for person in sandbox.people.values()],
        "names": {BOT_USER_ID: "QA Ops Bot", **{user: person.name for user, person in sandbox.people.items()}},
        "channels": [vars(known) for known in channels], "channel": shown,
        "messages": conversation.channel_messages(shown, viewer=sandbox.user),
        "modal": {"view": modal.view, "errors": modal.errors} if modal else None,
        "home": conversation.home(sandbox.user),
        "now": sandbox.clock().isoformat(timespec="seconds"), "ahead_hours": sandbox.clock.offset / timedelta(hours=1),
        "jobs": [{"id": job.id, "description": job.description} for job in sandbox.jobs()],
        "emoji": sorted({*config.escalations.acknowledge_emoji, *config.alerts.acknowledge_emoji, "thumbsup"}),
    }


def _act(sandbox: Sandbox, path: str, body: dict) -> dict:
    """One POST: what it did, for the page to show or ignore."""
    if path == "/api/command":
        delivery = sandbox.command(str(body.get("text", "")), channel=str(body.get("channel", "")))
        return {"status": delivery.status}
    if path == "/api/press":
        delivery = sandbox.press(action_id=str(body["action_id"]), value=str(body.get("value", "")),
                                 block_id=str(body.get("block_id", "")), channel=str(body.get("channel") or ""),
                                 message_ts=body.get("ts") or None)
        return {"status": delivery.status}
    if path == "/api/submit":
        return {"answer": sandbox.submit(body.get("values") or {})}
    if path == "/api/close":
        sandbox.close_modal()
        return {}
    if path == "/api/react":
        delivery = sandbox.react(channel=str(body["channel"]), ts=str(body["ts"]), emoji=str(body["emoji"]))
        return {"status": delivery.status}
    if path == "/api/user":
        return {"me": vars(sandbox.switch_user(str(body.get("user_id", ""))))}
    if path == "/api/home":
        return {"status": sandbox.open_home().status}
    if path == "/api/run":
        return {"outcome": sandbox.run_job(str(body.get("job", "")))}
    if path == "/api/advance":
        try:
            hours = float(body.get("hours", 0))
        except (TypeError, ValueError):
            raise SandboxError(f"hours must be a number, not {body.get('hours')!r}") from None
        return {"ran": sandbox.advance(timedelta(hours=hours)), "now": sandbox.clock().isoformat(timespec="seconds")}
    raise LookupError(path)


class SandboxServer:
    """The page on `host:port` (0: a free port; see `.url`); `start()` serves in a thread, `stop()` joins it."""

    def __init__(self, sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 8765):
        self.sandbox = sandbox
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox-page", daemon=True)
        self._thread.start()
        return self

    def serving(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _handler_class(self):
        sandbox = self.sandbox

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
                logger.debug("page: " + format, *args)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                if url.path == "/api/state":
                    channel = parse_qs(url.query).get("channel", [None])[0]
                    return self._json(200, state(sandbox, channel))
                if url.path.startswith("/files/"):
                    content = sandbox.slack.files.get(url.path.removeprefix("/files/"))
                    if content is None:
                        return self._send(404, b"no such file", "text/plain")
                    return self._send(200, content, "image/png")
                name = "index.html" if url.path == "/" else url.path.removeprefix("/static/")
                static = resources.files("bot.sandbox") / "static" / name
                suffix = "." + name.rsplit(".", 1)[-1]
                if "/" in name or suffix not in STATIC_TYPES or not static.is_file():
                    return self._send(404, b"not found", "text/plain")
                self._send(200, static.read_bytes(), STATIC_TYPES[suffix])

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    # Only the page's own script sends JSON: another site's form or no-cors fetch cannot, as browsers
                    # ask before sending JSON across origins (and this server never says yes).
                    return self._json(415, {"error": "the sandbox's actions take JSON (Content-Type: application/json)"})
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    if not isinstance(body, dict):
                        raise SandboxError("the request's body must be a JSON object")
                    return self._json(200, _act(sandbox, urlsplit(self.path).path, body))
                except json.JSONDecodeError:
                    return self._json(400, {"error": "the request's body is not JSON"})
                except (SandboxError, KeyError) as error:
                    return self._json(400, {"error": str(error) if isinstance(error, SandboxError)
                                            else f"missing {error}"})
                except LookupError:
                    return self._json(404, {"error": f"no such action: {self.path}"})
                except Exception:
                    logger.exception("the sandbox failed to handle %s", self.path)
                    return self._json(500, {"error": "the sandbox failed (see its log)"})

            def _json(self, status: int, body: dict) -> None:
                self._send(status, json.dumps(body).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        return Handler
