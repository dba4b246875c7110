"""Putting alerts into Slack: the first post, each change to it, and reminders in its thread."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.config import Alerts
from bot.render.alert_blocks import alert_blocks, alert_line
from bot.store.alerts import set_alert_message
from bot.store.db import session_scope
from bot.store.models import Alert


def post_alert(client: WebClient, *, engine: Engine, alert: Alert, settings: Alerts) -> None:
    """Post it and remember where; Slack's errors propagate (the alert stays stored, to be posted again)."""
    answer = client.chat_postMessage(channel=alert.channel_id, text=alert_line(alert), unfurl_links=False,
                                     blocks=alert_blocks(alert, emoji=settings.acknowledge_emoji))
    with session_scope(engine) as session:
        set_alert_message(session, alert_id=alert.id, channel_id=answer["channel"], message_ts=answer["ts"])


def refresh_alert_message(client: WebClient, *, alert: Alert, settings: Alerts) -> None:
    """Show the alert's current state and figures in its posted message (silently: an edit notifies no one)."""
    if alert.message_ts is not None:
        client.chat_update(channel=alert.channel_id, ts=alert.message_ts, text=alert_line(alert),
                           blocks=alert_blocks(alert, emoji=settings.acknowledge_emoji))


def show_alert_change(client: WebClient, *, alert: Alert, line: str, settings: Alerts) -> None:
    """Update the posted message and say what changed in its thread."""
    if alert.message_ts is None:
        return
    refresh_alert_message(client, alert=alert, settings=settings)
    client.chat_postMessage(channel=alert.channel_id, thread_ts=alert.message_ts,
                            text=f"{alert.readable_id}: {line}")
