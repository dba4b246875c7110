"""Reading reaction_added events: which message an acknowledgement emoji was put on."""

from __future__ import annotations


def acknowledged_message(event: dict, *, emoji: list[str]) -> tuple[str, str] | None:
    """(channel, ts) of the message the reaction is on, if it is one of `emoji` on a message; else None."""
    item = event.get("item", {})
    if event.get("reaction") not in emoji or item.get("type") != "message":
        return None
    return item["channel"], item["ts"]
