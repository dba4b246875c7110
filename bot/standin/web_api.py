"""The loopback Web API: records calls, answers like Slack, enforces Block Kit limits."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from bot.slack.limits import block_problems, view_problems

BOT_USER_ID = "UQABOT0001"
TEAM_ID = "T0QAOPS01"


@dataclass(frozen=True)
class RecordedCall:
    """One request that reached the stand-in: a Web API method, an upload, or a response_url post."""

    method: str
    args: dict
    at: float
    headers: dict = field(default_factory=dict)
    content: bytes = b""
    answer: dict = field(default_factory=dict)
    """What the stand-in answered a Web API call (a posted message's ts, an opened view's id)."""


class FakeSlack:
    """Start with `FakeSlack().start()`; point SLACK_API_URL at `.api_url`."""

    def __init__(self, *, token: str = "xoxb-standin-token", user_groups: dict[str, list[str]] | None = None,
                 app_token: str = "xapp-standin-token", socket_mode_url: str | None = None,
                 user_names: dict[str, str] | None = None):
        self.token = token
        self.app_token = app_token
        self.socket_mode_url = socket_mode_url
        self.user_groups = user_groups or {}
        self.user_names = user_names or {}
        self.calls: list[RecordedCall] = []
        self.files: dict[str, bytes] = {}
        self._failures: dict[str, list[tuple[int, dict]]] = {}
        self._delays: dict[str, float] = {}
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str | None = None) -> str:
        return f"{self.base_url}/response/{key or next(self._ids)}"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ test helpers
    def fail_next(self, method: str, *, status: int = 429, body: dict | None = None, retry_after: int = 1) -> None:
        """Make the next call of `method` fail (by default: rate limited with Retry-After)."""
        self._failures.setdefault(method, []).append((status, body or {"ok": False, "error": "ratelimited",
                                                                           "retry_after": retry_after}))

    def slow_down(self, method: str, *, seconds: float) -> None:
        """Make every call of `method` (or "response_url") take `seconds` longer, as a slow Slack would."""
        self._delays[method] = seconds

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, predicate: Callable[[list[RecordedCall]], bool], *, timeout: float = 10.0) -> list[RecordedCall]:
        """Block until `predicate(calls)` holds; AssertionError with what arrived if it never does."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(call.method for call in self.calls) or "nothing"
                    raise AssertionError(f"the stand-in never saw what was expected; it saw: {seen}")
                self._changed.wait(left)
            return list(self.calls)

    def wait_for_calls(self, method: str, count: int = 1, *, timeout: float = 10.0) -> list[RecordedCall]:
        self.wait_for(lambda calls: sum(call.method == method for call in calls) >= count, timeout=timeout)
        return self.calls_to(method)

    # ------------------------------------------------------------------ Web API
    def _record(self, call: RecordedCall) -> None:
        if call.method in self._delays:
            time.sleep(self._delays[call.method])
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _answer(self, method: str, args: dict, headers: dict) -> tuple[int, dict, dict]:
        failures = self._failures.get(method)
        if failures:
            status, body = failures.pop(0)
            extra = {"Retry-After": str(body.get("retry_after", 1))} if status == 429 else {}
            return status, body, extra
        if method == "apps.connections.open":
            if headers.get("authorization") != f"Bearer {self.app_token}" or not self.socket_mode_url:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            return 200, {"ok": True, "url": self.socket_mode_url}, {}
        if headers.get("authorization") != f"Bearer {self.token}" and args.get("token") != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        return 200, handler(args), {}

    def _next_ts(self) -> str:
        return f"{time.time():.6f}"

    def _api_auth_test(self, args: dict) -> dict:
        return {"ok": True, "url": "https://qa-ops.example.slack.com/", "team": "QA Ops", "user": "qabot",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": "BQABOT0001"}

    def _message(self, args: dict) -> dict:
        problems = block_problems(json_arg(args.get("blocks")) or [])
        if problems:
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": args["channel"], "ts": self._next_ts(),
                "message": {"text": args.get("text", ""), "blocks": json_arg(args.get("blocks")) or []}}

    _api_chat_postMessage = _message
    _api_chat_update = _message

    def _api_chat_postEphemeral(self, args: dict) -> dict:
        answer = self._message(args)
        return {"ok": True, "message_ts": answer["ts"]} if answer["ok"] else answer

    def _api_chat_getPermalink(self, args: dict) -> dict:
        message = args.get("message_ts", "").replace(".", "")
        return {"ok": True, "channel": args.get("channel"),
                "permalink": f"https://qa-ops.example.slack.com/archives/{args.get('channel')}/p{message}"}

    def _api_conversations_open(self, args: dict) -> dict:
        return {"ok": True, "channel": {"id": dm_channel_id(str(args.get("users", "")))}}

    def _api_usergroups_users_list(self, args: dict) -> dict:
        group = args.get("usergroup")
        if group not in self.user_groups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.user_groups[group])}

    def _api_users_info(self, args: dict) -> dict:
        user = args.get("user", "")
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": user, "name": user.lower(), "real_name": self.user_names.get(user, "")}}

    def _api_files_getUploadURLExternal(self, args: dict) -> dict:
        file_id = f"F{next(self._ids):09d}"
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}

    def _api_files_completeUploadExternal(self, args: dict) -> dict:
        files = json_arg(args.get("files")) or []
        missing = [item["id"] for item in files if item["id"] not in self.files]
        if missing:
            return {"ok": False, "error": "file_not_found", "files": missing}
        return {"ok": True, "files": [{"id": item["id"], "title": item.get("title", ""), "mimetype": "image/png",
                                       "size": len(self.files[item["id"]])} for item in files]}

    def _api_views_open(self, args: dict) -> dict:
        view = json_arg(args.get("view")) or {}
        problems = view_problems(view)
        if problems:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        return {"ok": True, "view": {**view, "id": f"V{next(self._ids):09d}"}}

    _api_views_update = _api_views_open
    _api_views_push = _api_views_open

    def _api_views_publish(self, args: dict) -> dict:
        """A Home tab: for one user, of type "home", within the limits of a modal's blocks (100)."""
        view = json_arg(args.get("view")) or {}
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": ["no user_id"]}}
        problems = view_problems(view) + ([] if view.get("type") == "home" else [f"view type {view.get('type')!r}"])
        if problems:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        return {"ok": True, "view": {**view, "id": f"V{next(self._ids):09d}"}}

    def file_url(self, file_id: str) -> str:
        """Where an uploaded file's bytes are served (GET)."""
        return f"{self.base_url}/files/{file_id}"

    def _api_reactions_add(self, args: dict) -> dict:
        return {"ok": True}

    # ------------------------------------------------------------------ HTTP plumbing
    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                path = self.path.split("?")[0]
                if path.startswith("/upload/"):
                    file_id = path.removeprefix("/upload/")
                    standin.files[file_id] = raw
                    standin._record(RecordedCall("upload", {"file_id": file_id}, time.time(), headers, raw))
                    return self._send(200, b"OK", "text/plain")
                if path.startswith("/response/"):
                    payload = json.loads(raw or b"{}")
                    problems = block_problems(payload.get("blocks") or [])
                    standin._record(RecordedCall("response_url", {**payload, "key": path.removeprefix("/response/")},
                                                 time.time(), headers))
                    if problems:
                        return self._send(400, b"invalid_blocks", "text/plain")
                    return self._send(200, b"ok", "text/plain")
                if path.startswith("/api/"):
                    method = path.removeprefix("/api/")
                    args = _parse_args(raw, headers.get("content-type", ""))
                    status, body, extra = standin._answer(method, args, headers)
                    standin._record(RecordedCall(method, args, time.time(), headers, answer=body))
                    return self._send(status, json.dumps(body).encode(), "application/json", extra)
                self._send(404, b"not found", "text/plain")

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                """An uploaded file's bytes by id, as Slack's file URLs serve them (`/files/F...`)."""
                content = standin.files.get(self.path.split("?")[0].removeprefix("/files/"))
                if content is None:
                    return self._send(404, b"no such file", "text/plain")
                self._send(200, content, "image/png")

            def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def dm_channel_id(user_id: str) -> str:
    """The id of a person's DM channel with the bot, as conversations.open answers it here."""
    return "D" + user_id.lstrip("UW")[:10]


def _parse_args(raw: bytes, content_type: str) -> dict:
    if "application/json" in content_type:
        return json.loads(raw or b"{}")
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))


def json_arg(value):
    """Block Kit arguments arrive as JSON text in form posts and as lists in JSON posts."""
    if isinstance(value, str):
        return json.loads(value) if value else None
    return value
