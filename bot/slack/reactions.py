"""Acknowledging by reaction: an acknowledgement emoji on a tracked message (an escalation's, an alert's).

Each kind says which emoji count, how to find its row by message, who may
acknowledge and how; the checks, and the logging of a refusal, are the same for all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic

from bot.runtime import Runtime
from bot.slack.access import Viewer, log_refusal
from bot.slack.tracked import Tracked
from bot.store.db import session_scope


@dataclass(frozen=True)
class ReactionAcknowledgement(Generic[Tracked]):
    """One kind of tracked message a reaction acknowledges."""

    emoji: list[str]
    find: Callable[..., Tracked | None]
    """The store's lookup by message: find(session, channel_id=..., message_ts=...)."""
    may_acknowledge: Callable[[Viewer, Tracked], bool]
    acknowledge: Callable[..., None]
    """acknowledge(row_id, viewer=..., how=...): store it and show the change; `how` is e.g. " (:eyes:)"."""


def acknowledge_by_reaction(event: dict, *, runtime: Runtime, viewer: Viewer,
                            kinds: Iterable[ReactionAcknowledgement]) -> None:
    """Acknowledge the row of the first kind whose message the emoji is on, if the user may; a refusal is logged."""
    item = event.get("item", {})
    for kind in kinds:
        if event.get("reaction") not in kind.emoji or item.get("type") != "message":
            continue
        with session_scope(runtime.engine) as session:
            found = kind.find(session, channel_id=item["channel"], message_ts=item["ts"])
        if found is None:
            continue
        if kind.may_acknowledge(viewer, found):
            kind.acknowledge(found.id, viewer=viewer, how=f" (:{event['reaction']}:)")
        else:
            log_refusal(viewer, f"acknowledging {found.readable_id} (:{event['reaction']}:)")
        return
