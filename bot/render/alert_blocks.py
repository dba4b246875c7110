"""Block Kit for alerts: the posted alert, its reminders and the `/qa alerts` list. Pure."""

from __future__ import annotations

from datetime import datetime

from bot.render.blocks import mrkdwn, section
from bot.slack.ids import ActionId, BlockId
from bot.store.records import Alert, TrackedStatus
from bot.wording import duration, slack_time

STATUS_ICON = {
    TrackedStatus.OPEN.value: ":rotating_light:",
    TrackedStatus.ACKNOWLEDGED.value: ":eyes:",
    TrackedStatus.RESOLVED.value: ":white_check_mark:",
}


def alert_line(alert: Alert) -> str:
    """One line for notifications, lists and screen readers."""
    return f"{STATUS_ICON[alert.status]} {alert.readable_id} {alert.title}"


def how_to_acknowledge(emoji: list[str]) -> str:
    return f"React with {' or '.join(f':{name}:' for name in emoji)} or press *Acknowledge* to take it."


def alert_blocks(alert: Alert, *, emoji: list[str]) -> list[dict]:
    """The alert as posted in its channel, in its current state."""
    blocks = [
        section(f"{STATUS_ICON[alert.status]} *{alert.readable_id} · {alert.title}*\n{alert.summary}"),
        {"type": "context", "elements": [mrkdwn(f"Breaching since {slack_time(alert.breached_since)} · "
                                                f"rule `{alert.rule}`")]},
    ]
    if alert.acknowledged_at is not None:
        blocks.append({"type": "context", "elements": [mrkdwn(
            f"Acknowledged by <@{alert.acknowledged_by}> {slack_time(alert.acknowledged_at)}")]})
    if alert.status == TrackedStatus.RESOLVED.value:
        blocks.append(section(f":white_check_mark: *Resolved* {slack_time(alert.resolved_at)}: {alert.resolution}"))
    elif alert.status == TrackedStatus.OPEN.value:
        blocks.append({"type": "context", "elements": [mrkdwn(how_to_acknowledge(emoji))]})
        blocks.append({"type": "actions", "block_id": BlockId.ALERT_ACTIONS, "elements": [
            {"type": "button", "action_id": ActionId.ALERT_ACKNOWLEDGE, "value": str(alert.id), "style": "primary",
             "text": {"type": "plain_text", "text": "Acknowledge"}},
        ]})
    return blocks


def reminder_text(alert: Alert, *, owners: list[str], emoji: list[str], now: datetime) -> str:
    """The thread reminder of an alert nobody has acknowledged yet."""
    mentions = " ".join(f"<!subteam^{owner}>" if owner.startswith("S") else f"<@{owner}>" for owner in owners)
    return (f"{mentions + ' ' if mentions else ''}{alert.readable_id} is still not acknowledged, "
            f"{duration(now - alert.opened_at)} after it was raised. {alert.summary}\n{how_to_acknowledge(emoji)}")


def alerts_list_blocks(alerts: list[Alert], *, now: datetime) -> list[dict]:
    """`/qa alerts`: every unresolved alert with its state, newest first."""
    if not alerts:
        return [section(":white_check_mark: No open alerts.")]
    lines = []
    for alert in sorted(alerts, key=lambda alert: alert.opened_at, reverse=True):
        state = (f"acknowledged by <@{alert.acknowledged_by}>" if alert.acknowledged_at else
                 f"*not acknowledged* ({alert.reminders_sent} reminder{'s' if alert.reminders_sent != 1 else ''})")
        where = f"<#{alert.channel_id}>" if alert.message_ts else f"not yet posted to <#{alert.channel_id}>"
        lines.append(f"{alert_line(alert)} · raised {duration(now - alert.opened_at)} ago · {state} · {where}\n"
                     f"    {alert.summary}")
    return [section(f"*{len(alerts)} open alert{'s' if len(alerts) != 1 else ''}*"),
            *(section(line) for line in lines[:40])] + (
        [{"type": "context", "elements": [mrkdwn(f"{len(lines) - 40} more not shown.")]}] if len(lines) > 40 else [])
