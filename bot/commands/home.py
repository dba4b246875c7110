"""The App Home tab: published when the person opens it; its buttons open the forms the slash commands open."""

from __future__ import annotations

from slack_bolt import Ack

from bot.commands import calibrate, escalate
from bot.home.publishing import publish_home
from bot.runtime import Runtime
from bot.slack.access import Viewer


def handle_home_opened(event: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Slack sends app_home_opened for the Messages tab too; only the Home tab is published."""
    if event.get("tab") == "home":
        publish_home(runtime, viewer=viewer)


def handle_escalate_button(ack: Ack, body: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    escalate.open_modal(runtime, viewer=viewer, trigger_id=body["trigger_id"], text="")


def handle_calibrate_button(ack: Ack, body: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    calibrate.open_modal(runtime, viewer=viewer, trigger_id=body["trigger_id"])
