"""What people would see in Slack, read from the calls that reached the stand-in: channels with messages and
threads, ephemeral messages, each person's modal stack and Home tab.

The calls are read in order, each once (`catch_up`); the modal stack also changes with the bot's answers to
view submissions (`answered_submission`), which Slack applies without a Web API call.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bot.standin import FakeSlack, RecordedCall
from bot.standin.web_api import BOT_USER_ID, json_arg


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict]
    user: str = BOT_USER_ID
    thread_ts: str | None = None
    visible_to: str | None = None
    """Set on an ephemeral message: the only person who sees it."""
    reactions: dict[str, list[str]] = field(default_factory=dict)
    """emoji -> who put it on, in order."""

    def as_json(self, *, viewer: str, replies: list[Message] = ()) -> dict:
        return {"channel": self.channel, "ts": self.ts, "text": self.text, "blocks": self.blocks, "user": self.user,
                "ephemeral": self.visible_to is not None,
                "reactions": [{"name": name, "count": len(users), "mine": viewer in users}
                              for name, users in self.reactions.items() if users],
                "replies": [reply.as_json(viewer=viewer) for reply in replies]}


@dataclass(frozen=True)
class ResponseTarget:
    """Where a response_url's posts go: the channel and person of the request, and the message it came from."""

    channel: str
    user: str
    message_ts: str | None = None


@dataclass
class Modal:
    view: dict
    errors: dict[str, str] = field(default_factory=dict)


class Conversation:
    def __init__(self, slack: FakeSlack, *, dm_channels: dict[str, str]):
        """`dm_channels`: a DM channel id (D...) -> its person, so posts to either id land in one DM."""
        self._slack = slack
        self._dm_channels = dm_channels
        self._read = 0
        self._lock = threading.RLock()
        self.messages: dict[tuple[str, str], Message] = {}
        self.ephemerals: list[Message] = []
        self.modals: dict[str, list[Modal]] = {}
        self.homes: dict[str, dict] = {}
        self._targets: dict[str, ResponseTarget] = {}
        self._trigger_users: dict[str, str] = {}
        self._unplaced_views: list[RecordedCall] = []

    # ------------------------------------------------------------------ what the sandbox tells it
    def expect_response(self, response_url: str, target: ResponseTarget) -> None:
        with self._lock:
            self._targets[response_url.rsplit("/", 1)[1]] = target

    def expect_views(self, trigger_id: str, *, user: str) -> None:
        """Views opened with this trigger are `user`'s (a trigger comes with each request the person makes)."""
        with self._lock:
            self._trigger_users[trigger_id] = user
            unplaced, self._unplaced_views = self._unplaced_views, []
            for call in unplaced:
                self._absorb(call)

    def answered_submission(self, user: str, answer: dict) -> None:
        """Apply the bot's answer to a view submission: errors under fields, update, push, clear, else close."""
        with self._lock:
            stack = self.modals.setdefault(user, [])
            action = answer.get("response_action")
            if action == "errors" and stack:
                stack[-1].errors = dict(answer.get("errors") or {})
            elif action == "update" and stack:
                stack[-1] = Modal(self._with_id(answer["view"], stack[-1].view.get("id")))
            elif action == "push":
                stack.append(Modal(self._with_id(answer["view"], None)))
            elif action == "clear":
                stack.clear()
            elif stack:
                stack.pop()

    def close_modal(self, user: str) -> None:
        with self._lock:
            self.modals.pop(user, None)

    def react(self, *, channel: str, ts: str, emoji: str, user: str) -> None:
        with self._lock:
            self.catch_up()
            message = self.messages.get((channel, ts))
            if message is None:
                raise LookupError(f"no message {ts} in {channel}")
            people = message.reactions.setdefault(emoji, [])
            if user not in people:
                people.append(user)

    # ------------------------------------------------------------------ reading the calls
    def catch_up(self) -> None:
        with self._lock:
            calls = self._slack.calls
            while self._read < len(calls):
                self._absorb(calls[self._read])
                self._read += 1

    def _absorb(self, call: RecordedCall) -> None:
        if call.method == "response_url":
            self._respond(call.args)
            return
        if not call.answer.get("ok"):
            return
        args, answer = call.args, call.answer
        if call.method == "chat.postMessage":
            channel = self._channel(args["channel"])
            self.messages[(channel, answer["ts"])] = Message(
                channel, answer["ts"], args.get("text", ""), _blocks(args), thread_ts=args.get("thread_ts") or None)
        elif call.method == "chat.update":
            message = self.messages.get((self._channel(args["channel"]), args.get("ts", "")))
            if message is not None:
                message.text, message.blocks = args.get("text", message.text), _blocks(args)
        elif call.method == "chat.postEphemeral":
            self.ephemerals.append(Message(self._channel(args["channel"]), answer["message_ts"], args.get("text", ""),
                                           _blocks(args), visible_to=args.get("user")))
        elif call.method == "files.completeUploadExternal" and args.get("channel_id"):
            self._file_message(args)
        elif call.method in ("views.open", "views.push", "views.update"):
            self._view(call)
        elif call.method == "views.publish":
            self.homes[args["user_id"]] = answer["view"]
        elif call.method == "reactions.add":
            message = self.messages.get((self._channel(args.get("channel", "")), args.get("timestamp", "")))
            if message is not None:
                message.reactions.setdefault(args.get("name", ""), []).append(BOT_USER_ID)

    def _view(self, call: RecordedCall) -> None:
        view = call.answer["view"]
        if call.method == "views.update":
            for stack in self.modals.values():
                for number, modal in enumerate(stack):
                    if modal.view.get("id") == call.args.get("view_id"):
                        stack[number] = Modal(view)
            return
        user = self._trigger_users.get(call.args.get("trigger_id", ""))
        if user is None:  # the person's request has not come back yet: placed when it does
            self._unplaced_views.append(call)
            return
        stack = self.modals.setdefault(user, [])
        if call.method == "views.open":
            stack.clear()
        stack.append(Modal(view))

    def _file_message(self, args: dict) -> None:
        files = json_arg(args.get("files")) or []
        channel = self._channel(args["channel_id"])
        ts = f"{time.time():.6f}"
        blocks = [{"type": "image", "slack_file": {"id": item["id"]}, "alt_text": item.get("title", ""),
                   "title": {"type": "plain_text", "text": item.get("title", "")}} for item in files]
        self.messages[(channel, ts)] = Message(channel, ts, args.get("initial_comment", ""), blocks,
                                               thread_ts=args.get("thread_ts") or None)

    def _respond(self, payload: dict) -> None:
        target = self._targets.get(payload.get("key", ""))
        if target is None:
            return
        blocks = payload.get("blocks") or []
        original = self._find(target)
        if payload.get("delete_original") and original is not None:
            self._remove(original)
        elif payload.get("replace_original") and original is not None:
            original.text, original.blocks = payload.get("text", ""), blocks
        elif payload.get("response_type") == "in_channel":
            ts = f"{time.time():.6f}"
            self.messages[(target.channel, ts)] = Message(target.channel, ts, payload.get("text", ""), blocks)
        else:
            self.ephemerals.append(Message(target.channel, f"{time.time():.6f}", payload.get("text", ""), blocks,
                                           visible_to=target.user))

    def _find(self, target: ResponseTarget) -> Message | None:
        if target.message_ts is None:
            return None
        return self.messages.get((target.channel, target.message_ts)) or next(
            (message for message in self.ephemerals
             if message.ts == target.message_ts and message.visible_to == target.user), None)

    def _remove(self, message: Message) -> None:
        if message.visible_to is None:
            self.messages.pop((message.channel, message.ts), None)
        else:
            self.ephemerals.remove(message)

    def _channel(self, channel: str) -> str:
        """A DM is named by its person's id, whether the bot posted to the user id or the D... channel."""
        return self._dm_channels.get(channel, channel)

    @staticmethod
    def _with_id(view: dict, view_id: str | None) -> dict:
        return {**view, "id": view_id or f"VSANDBOX{time.monotonic_ns()}"}

    # ------------------------------------------------------------------ what a person sees
    def channel_messages(self, channel: str, *, viewer: str) -> list[dict]:
        """The channel as `viewer` sees it: its messages and their thread replies, with the viewer's ephemerals."""
        with self._lock:
            self.catch_up()
            posted = [message for (where, _), message in self.messages.items() if where == channel]
            own = [message for message in self.ephemerals if message.channel == channel and message.visible_to == viewer]
            replies: dict[str, list[Message]] = {}
            for message in posted:
                if message.thread_ts and message.thread_ts != message.ts:
                    replies.setdefault(message.thread_ts, []).append(message)
            top = [message for message in [*posted, *own] if not message.thread_ts or message.thread_ts == message.ts]
            return [message.as_json(viewer=viewer, replies=sorted(replies.get(message.ts, []), key=_order))
                    for message in sorted(top, key=_order)]

    def active_channels(self) -> set[str]:
        with self._lock:
            self.catch_up()
            return {channel for channel, _ in self.messages} | {message.channel for message in self.ephemerals}

    def modal(self, user: str) -> Modal | None:
        with self._lock:
            self.catch_up()
            stack = self.modals.get(user)
            return stack[-1] if stack else None

    def home(self, user: str) -> dict | None:
        with self._lock:
            self.catch_up()
            return self.homes.get(user)


def _order(message: Message) -> float:
    return float(message.ts)


def _blocks(args: dict) -> list[dict]:
    return json_arg(args.get("blocks")) or []
