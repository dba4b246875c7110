"""Every Slack request measured and logged: how fast it was acknowledged, how it ended, how long its answer took.

`ObservedApp.dispatch` (the one door of HTTP and Socket Mode requests alike) starts a `SlackRequest` and
acknowledges; the listener's `answered` wrapper (bot/slack/listeners.py) finishes it. A request no listener
takes (a bad signature, nothing registered for it, a repeated event) is finished by dispatch itself.
Metrics are labelled by kind only (command, action, view, shortcut, event, ...), so their number stays small;
the log names the listener too.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse

from bot.monitoring.logs import request_fields
from bot.monitoring.metrics import Metrics

logger = logging.getLogger(__name__)
REQUEST_KEY = "slack_request"
"""Where the request's `SlackRequest` is kept in Bolt's context."""
_KINDS = {"block_actions": "action", "view_submission": "view", "view_closed": "view_closed",
          "message_action": "shortcut", "shortcut": "shortcut", "block_suggestion": "options",
          "event_callback": "event", "url_verification": "url_verification"}
_UNTAKEN_OUTCOMES = {200: "skipped", 401: "rejected", 403: "rejected", 404: "unhandled"}
"""How a request no listener took ended, by the status Slack got: skipped (a repeated event, the bot's own
events), rejected (a bad signature), unhandled (no listener for it); anything else is failed."""


@dataclass
class SlackRequest:
    kind: str
    listener: str
    metrics: Metrics
    received_at: float = field(default_factory=time.perf_counter, init=False)
    taken: bool = field(default=False, init=False)
    """A listener took it (set by `mark_taken`, the last global middleware): the listener finishes it."""
    _finished: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def finish(self, outcome: str) -> None:
        """Count the request and log one line for it, once whoever calls first."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
        seconds = time.perf_counter() - self.received_at
        self.metrics.request_finished(kind=self.kind, outcome=outcome)
        if self.taken:
            self.metrics.answered(kind=self.kind, seconds=seconds)
        logger.info("%s finished in %.0f ms: %s", self.listener, seconds * 1000, outcome)


class ObservedApp(App):
    """Bolt's App with every request measured (`metrics`) and its log lines carrying who sent it."""

    def __init__(self, *, metrics: Metrics, **options):
        super().__init__(**options)
        self.metrics = metrics

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        kind, listener = describe(req.body)
        request = SlackRequest(kind=kind, listener=listener, metrics=self.metrics)
        req.context[REQUEST_KEY] = request
        with request_fields(log_fields(req.body, listener=listener, kind=kind)):
            response = super().dispatch(req)
            self.metrics.acknowledged(kind=kind, seconds=time.perf_counter() - request.received_at)
            if not request.taken or response.status != 200:
                request.finish(_UNTAKEN_OUTCOMES.get(response.status, "failed"))
        return response


def mark_taken(context: BoltContext, next) -> None:  # noqa: A002  (Bolt's name for the chain)
    """The last global middleware: past it, a listener takes the request (or Bolt answers 404)."""
    request = context.get(REQUEST_KEY)
    if request is not None:
        request.taken = True
    next()


def finish_request(context: BoltContext, outcome: str) -> None:
    """The listener is done: `outcome` is ok, user_error (told what to fix) or error (an apology)."""
    request = context.get(REQUEST_KEY)
    if request is not None:
        request.finish(outcome)


def describe(body: dict) -> tuple[str, str]:
    """The request's kind, and its listener as the log names it: "command /qa", "action share_scorecard"."""
    if body.get("command"):
        return "command", f"command {body['command']}"
    kind = _KINDS.get(body.get("type", ""), "other")
    name = ((body.get("actions") or [{}])[0].get("action_id") or (body.get("view") or {}).get("callback_id")
            or body.get("callback_id") or (body.get("event") or {}).get("type") or body.get("type") or "")
    return kind, f"{kind} {name}".strip()


def log_fields(body: dict, *, listener: str, kind: str) -> dict[str, str]:
    """Who and what, never what was typed: the listener, the user, the team and Slack's id of the request."""
    user = body.get("user") or (body.get("event") or {}).get("user") or body.get("user_id")
    team = body.get("team") or body.get("team_id")
    fields = {"listener": listener, "kind": kind,
              "user": user.get("id") if isinstance(user, dict) else user,
              "team": team.get("id") if isinstance(team, dict) else team,
              "slack_request_id": body.get("event_id") or body.get("trigger_id")}
    return {name: value for name, value in fields.items() if value}
