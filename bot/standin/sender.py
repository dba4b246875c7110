"""Requests to the app as Slack sends them: built once here, delivered over HTTP (form or JSON bodies, signed
with the signing secret) by `SlackSender`, or over Socket Mode by `bot.standin.socket_mode.SocketModeSender`."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from bot.standin.web_api import TEAM_ID, FakeSlack

RequestKind = Literal["slash_commands", "interactive", "events_api"]
"""What a request carries, named as Socket Mode names its envelopes."""


@dataclass(frozen=True)
class Delivery:
    """What the app answered to one request (an HTTP body, or a Socket Mode acknowledgement's payload as JSON),
    and how long the answer took."""

    status: int
    body: str
    seconds: float
    kind: RequestKind
    payload: dict
    response_url: str | None = None


class SlackRequests(ABC):
    """The requests Slack sends an app; a subclass delivers them (`_deliver`) over its transport."""

    def __init__(self, *, slack: FakeSlack):
        self.slack = slack
        self._ids = itertools.count(1)

    def slash_command(self, text: str, *, user_id: str, channel_id: str = "C0QATEAM01",
                      command: str = "/qa", retry_num: int | None = None) -> Delivery:
        response_url = self.slack.response_url()
        form = {
            "token": "deprecated-verification-token", "team_id": TEAM_ID, "team_domain": "qa-ops",
            "channel_id": channel_id, "channel_name": "qa-team", "user_id": user_id, "user_name": user_id.lower(),
            "command": command, "text": text, "api_app_id": "AQABOT0001", "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": f"{next(self._ids)}.{int(time.time())}.standin",
        }
        return dataclasses.replace(self._deliver("slash_commands", form, retry_num), response_url=response_url)

    def block_action(self, *, action_id: str, value: str, user_id: str, channel_id: str = "C0QATEAM01",
                     block_id: str = "", message: dict | None = None) -> Delivery:
        response_url = self.slack.response_url()
        payload = {
            "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": user_id, "username": user_id.lower()},
            "api_app_id": "AQABOT0001", "container": {"type": "message", "channel_id": channel_id},
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.standin", "channel": {"id": channel_id},
            "message": message or {}, "response_url": response_url,
            "actions": [{"type": "button", "action_id": action_id, "block_id": block_id, "value": value,
                         "action_ts": f"{time.time():.6f}"}],
        }
        return dataclasses.replace(self._deliver("interactive", payload, None), response_url=response_url)

    def view_submission(self, *, callback_id: str, values: dict, user_id: str,
                        private_metadata: str = "", blocks: list[dict] | None = None,
                        view_id: str | None = None) -> Delivery:
        """Submit a modal: `values` is block_id -> action_id -> element state, as Slack sends it; `blocks`
        are the view's blocks, which Slack sends back with the submission, as it does the view's id."""
        payload = {
            "type": "view_submission", "team": {"id": TEAM_ID}, "api_app_id": "AQABOT0001",
            "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.standin",
            "view": {"id": view_id or f"V{next(self._ids):09d}", "type": "modal", "callback_id": callback_id,
                     "private_metadata": private_metadata, "blocks": blocks or [], "state": {"values": values}},
        }
        return self._deliver("interactive", payload, None)

    def choose(self, view: dict, *, user_id: str, block_id: str, label: str, values: dict | None = None) -> dict:
        """Pick the option shown as `label` in the view's input `block_id` and submit the view, as a person
        would; returns the app's answer (its response_action with a view or errors; empty when it closes)."""
        element = next(block["element"] for block in view["blocks"] if block.get("block_id") == block_id)
        picked = next(option for option in element["options"] if option["text"]["text"] == label[:75])
        state = {block_id: {element["action_id"]: {"type": element["type"], "selected_option": picked}},
                 **(values or {})}
        answer = self.view_submission(callback_id=view["callback_id"], values=state, user_id=user_id,
                                      private_metadata=view.get("private_metadata", ""), blocks=view["blocks"])
        return json.loads(answer.body) if answer.body else {}

    def open_with_button(self, *, action_id: str, value: str, user_id: str, timeout: float = 10.0) -> dict:
        """Press a button that opens a modal; returns the view the app opened (views.open)."""
        before = len(self.slack.calls_to("views.open"))
        self.block_action(action_id=action_id, value=value, user_id=user_id)
        view = self.slack.wait_for_calls("views.open", before + 1, timeout=timeout)[before].args["view"]
        return view if isinstance(view, dict) else json.loads(view)

    def message_shortcut(self, *, callback_id: str, user_id: str, message: dict,
                         channel_id: str = "C0QATEAM01") -> Delivery:
        """A message shortcut ("..." menu on a message), as Slack sends it."""
        payload = {
            "type": "message_action", "callback_id": callback_id, "team": {"id": TEAM_ID},
            "user": {"id": user_id, "username": user_id.lower()}, "channel": {"id": channel_id},
            "message": message, "trigger_id": f"{next(self._ids)}.{int(time.time())}.standin",
            "response_url": self.slack.response_url(), "message_ts": message.get("ts"),
        }
        return self._deliver("interactive", payload, None)

    def retry(self, delivery: Delivery, *, retry_num: int = 1) -> Delivery:
        """Send the same request again, as Slack does when it thinks the first was not acknowledged."""
        again = self._deliver(delivery.kind, delivery.payload, retry_num)
        return dataclasses.replace(again, response_url=delivery.response_url)

    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None) -> Delivery:
        body = {"token": "deprecated", "team_id": TEAM_ID, "api_app_id": "AQABOT0001", "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}", "event_time": int(time.time()), "event": event}
        return self._deliver("events_api", body, retry_num)

    @abstractmethod
    def _deliver(self, kind: RequestKind, payload: dict, retry_num: int | None) -> Delivery:
        """Send one request; what the app answered, and how long that took."""


class SlackSender(SlackRequests):
    """Over HTTP, to the app's /slack/events, signed as Slack signs."""

    def __init__(self, *, app_url: str, signing_secret: str, slack: FakeSlack):
        super().__init__(slack=slack)
        self.app_url = app_url
        self.signing_secret = signing_secret

    def _deliver(self, kind: RequestKind, payload: dict, retry_num: int | None) -> Delivery:
        return self._post(kind, payload, retry_num)

    def _post(self, kind: RequestKind, payload: dict, retry_num: int | None, *,
              signature: str | None = None) -> Delivery:
        if kind == "events_api":
            body, content_type = json.dumps(payload).encode(), "application/json"
        else:
            form = payload if kind == "slash_commands" else {"payload": json.dumps(payload)}
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        timestamp = str(int(time.time()))
        base = b"v0:" + timestamp.encode() + b":" + body
        signed = "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": signature or signed}
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
        request = urllib.request.Request(self.app_url, data=body, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        return Delivery(status, text, time.perf_counter() - started, kind, payload)

    def forged(self, text: str, *, user_id: str) -> Delivery:
        """A slash command with a wrong signature, as an attacker would send it."""
        form = {"command": "/qa", "text": text, "user_id": user_id, "response_url": self.slack.response_url()}
        return self._post("slash_commands", form, None, signature="v0=" + "0" * 64)
