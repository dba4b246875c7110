"""Socket Mode, played locally: the WebSocket end Slack's servers would be.

FakeSlack answers `apps.connections.open` with this server's ws:// URL (slack_sdk uses a
plain socket for any port but 443). On each connection it says hello, then sends envelopes
(slash commands, interactive payloads, events) and records the bot's acknowledgements.
`drop()` closes the bot's connection from this end, as a network failure or Slack's own
connection refresh would: the bot has to open a new one.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import uuid

from websockets.exceptions import ConnectionClosedError
from websockets.sync.server import ServerConnection, serve

from bot.standin.sender import Delivery, RequestKind, SlackRequests
from bot.standin.web_api import FakeSlack


class FakeSocketMode:
    def __init__(self) -> None:
        self._server = serve(self._session, "127.0.0.1", 0)
        self._connections: list[ServerConnection] = []
        self.acks: dict[str, dict] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    @property
    def connections(self) -> int:
        """How many times the bot has connected (each one greeted with a hello)."""
        with self._changed:
            return len(self._connections)

    def start(self) -> FakeSocketMode:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "connection_info": {"app_id": "AQABOT0001"}}))
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for message in connection:
                data = json.loads(message)
                with self._changed:
                    self.acks[data["envelope_id"]] = data
                    self._changed.notify_all()
        except ConnectionClosedError:
            pass  # handled: the bot's socket closed without a closing handshake (slack_sdk's never sends one)

    def drop(self, *, abruptly: bool = False) -> None:
        """Close the bot's current connection from this end: with a WebSocket close frame, or `abruptly`
        (the TCP connection reset, as when a network path dies)."""
        connection = self._connections[-1]
        if abruptly:
            connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
            connection.socket.close()
        else:
            connection.close(code=1001, reason="going away")

    def wait_for_bot(self, *, connections: int = 1, timeout: float = 10.0) -> None:
        """Block until the bot has connected `connections` times in all."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._connections) >= connections, timeout=timeout):
                raise AssertionError(f"the bot connected {len(self._connections)} times in Socket Mode, "
                                     f"not {connections}")

    def send(self, kind: str, payload: dict, *, timeout: float = 10.0, retry_attempt: int = 0) -> tuple[dict, float]:
        """Send one envelope over the latest connection; return the bot's acknowledgement and how long it took."""
        envelope_id = str(uuid.uuid4())
        started = time.perf_counter()
        self._connections[-1].send(json.dumps({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else ""}))
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout=timeout):
                raise AssertionError(f"the bot never acknowledged envelope {envelope_id}")
            return self.acks[envelope_id], time.perf_counter() - started


class SocketModeSender(SlackRequests):
    """Slack's requests as envelopes on the bot's Socket Mode connection; the answer is the acknowledgement
    (its payload as the body: a modal's response_action, for instance)."""

    def __init__(self, *, socket_mode: FakeSocketMode, slack: FakeSlack):
        super().__init__(slack=slack)
        self.socket_mode = socket_mode

    def _deliver(self, kind: RequestKind, payload: dict, retry_num: int | None) -> Delivery:
        ack, seconds = self.socket_mode.send(kind, payload, retry_attempt=retry_num or 0)
        body = json.dumps(ack["payload"]) if ack.get("payload") else ""
        return Delivery(200, body, seconds, kind, payload)
