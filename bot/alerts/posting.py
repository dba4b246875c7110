"""How an alert looks in Slack: its first post and each change to it."""

from __future__ import annotations

from functools import partial

from bot.alerts.config import Alerts
from bot.render.alert_blocks import alert_blocks, alert_line
from bot.slack.tracked import TrackedMessage
from bot.store.records import Alert


def alert_message(config: Alerts) -> TrackedMessage[Alert]:
    """The alert's look; its acknowledgement hint names the configured emoji."""
    return TrackedMessage(text=alert_line, blocks=partial(alert_blocks, emoji=config.acknowledge_emoji))
