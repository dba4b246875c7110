"""Reactions: one listener, since Bolt runs only the first listener matching an event."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.commands import alerts, escalate
from bot.services import Services
from bot.slack.reactions import acknowledge_by_reaction


def handle_reaction(event: dict, client: WebClient, services: Services) -> None:
    """An acknowledgement emoji acknowledges the escalation or alert it was put on; others change nothing."""
    acknowledge_by_reaction(event, services=services, kinds=(escalate.reaction_acknowledgement(client, services),
                                                              alerts.reaction_acknowledgement(client, services)))
