"""Socket Mode, played locally: the WebSocket end Slack's servers would be.

FakeSlack answers `apps.connections.open` with this server's ws:// URL (slack_sdk uses a
plain socket for any port but 443). On connection it says hello, then sends envelopes
(slash commands, interactive payloads, events) and records the bot's acknowledgements.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

from websockets.sync.server import ServerConnection, serve


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
        for message in connection:
            data = json.loads(message)
            with self._changed:
                self.acks[data["envelope_id"]] = data
                self._changed.notify_all()

    def wait_for_bot(self, *, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._connections, timeout=timeout):
                raise AssertionError("the bot never connected in Socket Mode")

    def send(self, kind: str, payload: dict, *, timeout: float = 10.0) -> tuple[dict, float]:
        """Send one envelope; return the bot's acknowledgement and how long it took."""
        envelope_id = str(uuid.uuid4())
        started = time.perf_counter()
        self._connections[-1].send(json.dumps({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                               "accepts_response_payload": kind != "events_api"}))
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout=timeout):
                raise AssertionError(f"the bot never acknowledged envelope {envelope_id}")
            return self.acks[envelope_id], time.perf_counter() - started
