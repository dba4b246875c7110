"""Tracked messages: a stored escalation, alert or dispute posted once, then edited, with a thread line, as it
changes.

The feature gives the look (text and blocks); posting, remembering where, and showing
a change are the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.store.db import session_scope
from bot.store.records import Alert, Dispute, Escalation
from bot.store.tracked import set_message

Tracked = TypeVar("Tracked", Escalation, Alert, Dispute)


@dataclass(frozen=True)
class TrackedMessage(Generic[Tracked]):
    """How one kind of tracked row looks in Slack, in its current state."""

    text: Callable[[Tracked], str]
    """One line for notifications and screen readers."""
    blocks: Callable[[Tracked], list[dict]]

    def post(self, client: WebClient, *, engine: Engine, tracked: Tracked) -> dict:
        """Post it to its channel and remember where; Slack's errors propagate (the row stays stored, unposted)."""
        answer = client.chat_postMessage(channel=tracked.channel_id, text=self.text(tracked),
                                         blocks=self.blocks(tracked), unfurl_links=False)
        with session_scope(engine) as session:
            set_message(session, table=type(tracked), row_id=tracked.id, channel_id=answer["channel"],
                        message_ts=answer["ts"])
        return answer

    def refresh(self, client: WebClient, *, tracked: Tracked) -> None:
        """Show its current state in the posted message (silently: an edit notifies no one)."""
        if tracked.message_ts is not None:
            client.chat_update(channel=tracked.channel_id, ts=tracked.message_ts, text=self.text(tracked),
                               blocks=self.blocks(tracked))

    def show_change(self, client: WebClient, *, tracked: Tracked, line: str) -> None:
        """Update the posted message and say what changed in its thread."""
        if tracked.message_ts is None:
            return
        self.refresh(client, tracked=tracked)
        client.chat_postMessage(channel=tracked.channel_id, thread_ts=tracked.message_ts,
                                text=f"{tracked.readable_id}: {line}")
