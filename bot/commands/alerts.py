"""Alerts in Slack: the Acknowledge button and `/qa alerts` (reactions: bot/commands/reactions.py)."""

from __future__ import annotations

from slack_bolt import Ack, Respond

from bot.alerts import service
from bot.render.alert_blocks import alerts_list_blocks
from bot.runtime import Runtime
from bot.slack.access import Viewer


def handle_acknowledge(ack: Ack, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    service.acknowledge_by_button(runtime, int(action["value"]), viewer=viewer)


def list_command(respond: Respond, runtime: Runtime, *, viewer: Viewer) -> None:
    alerts = service.visible_alerts(runtime, viewer=viewer)
    respond(text=f"{len(alerts)} open alerts", response_type="ephemeral",
            blocks=alerts_list_blocks(alerts, now=runtime.clock()))
