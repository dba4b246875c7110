"""Reactions: one listener, since Bolt runs only the first listener matching an event."""

from __future__ import annotations

from bot.alerts import service as alerts
from bot.escalations import service as escalations
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.reactions import acknowledge_by_reaction


def handle_reaction(event: dict, viewer: Viewer, runtime: Runtime) -> None:
    """An acknowledgement emoji acknowledges the escalation or alert it was put on; others change nothing."""
    acknowledge_by_reaction(event, runtime=runtime, viewer=viewer,
                            kinds=(escalations.reaction_acknowledgement(runtime), alerts.reaction_acknowledgement(runtime)))
