"""What people ask the bot for: the `/qa` Slack command and its buttons (and the terminal's kpi)."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import alerts, calibrate, escalate, qa, reactions
from bot.slack.ids import COMMAND, ActionId, CallbackId


def register(app: App) -> None:
    app.command(COMMAND)(qa.handle_qa)
    app.action(ActionId.SHARE_SCORECARD)(qa.handle_share)
    app.view(CallbackId.ESCALATION_MODAL)(escalate.handle_submission)
    app.action(ActionId.ESCALATION_ACKNOWLEDGE)(escalate.handle_acknowledge)
    app.action(ActionId.ESCALATION_ASSIGN)(escalate.handle_assign)
    app.action(ActionId.ESCALATION_RESOLVE)(escalate.handle_resolve_button)
    app.action(ActionId.ESCALATION_REOPEN)(escalate.handle_reopen)
    app.view(CallbackId.RESOLUTION_MODAL)(escalate.handle_resolution)
    app.shortcut(CallbackId.ESCALATE_SHORTCUT)(escalate.handle_shortcut)
    app.action(ActionId.ALERT_ACKNOWLEDGE)(alerts.handle_acknowledge)
    app.event("reaction_added")(reactions.handle_reaction)
    app.view(CallbackId.CALIBRATION_MODAL)(calibrate.handle_request)
    app.view(CallbackId.CALIBRATION_JUDGE)(calibrate.handle_judgement)
    app.action(ActionId.CALIBRATION_START)(calibrate.handle_start)
