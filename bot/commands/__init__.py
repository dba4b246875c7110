"""The Slack listeners, one module per feature, each registered here once."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import alerts, calibrate, coach, dispute, escalate, home, qa, reactions
from bot.slack.ids import COMMAND, ActionId, CallbackId
from bot.slack.listeners import answered


def register(app: App) -> None:
    """Every listener goes through `answered`: Slack's request gets its 200 once, whatever the listener raises."""
    app.command(COMMAND)(answered(qa.handle_qa))
    app.action(ActionId.SHARE_SCORECARD)(answered(qa.handle_share))
    app.view(CallbackId.ESCALATION_MODAL)(answered(escalate.handle_submission))
    app.action(ActionId.ESCALATION_ACKNOWLEDGE)(answered(escalate.handle_acknowledge))
    app.action(ActionId.ESCALATION_ASSIGN)(answered(escalate.handle_assign))
    app.action(ActionId.ESCALATION_RESOLVE)(answered(escalate.handle_resolve_button))
    app.action(ActionId.ESCALATION_REOPEN)(answered(escalate.handle_reopen))
    app.view(CallbackId.RESOLUTION_MODAL)(answered(escalate.handle_resolution))
    app.shortcut(CallbackId.ESCALATE_SHORTCUT)(answered(escalate.handle_shortcut))
    app.action(ActionId.ALERT_ACKNOWLEDGE)(answered(alerts.handle_acknowledge))
    app.event("reaction_added")(answered(reactions.handle_reaction))
    app.view(CallbackId.CALIBRATION_MODAL)(answered(calibrate.handle_request))
    app.view(CallbackId.CALIBRATION_JUDGE)(answered(calibrate.handle_judgement))
    app.action(ActionId.CALIBRATION_START)(answered(calibrate.handle_start))
    app.action(ActionId.COACH_AGENT)(answered(coach.handle_coach_button))
    app.view(CallbackId.COACHING_MODAL)(answered(coach.handle_submission))
    app.action(ActionId.COACHING_CLOSE)(answered(coach.handle_close))
    app.action(ActionId.COACHING_EXTEND)(answered(coach.handle_extend))
    app.action(ActionId.DISPUTE_AUDIT)(answered(dispute.handle_dispute_button))
    app.view(CallbackId.DISPUTE_MODAL)(answered(dispute.handle_submission))
    app.action(ActionId.DISPUTE_UPHOLD)(answered(dispute.handle_uphold))
    app.action(ActionId.DISPUTE_OVERTURN)(answered(dispute.handle_overturn))
    app.action(ActionId.DISPUTE_ASSIGN)(answered(dispute.handle_assign))
    app.view(CallbackId.DISPUTE_DECISION_MODAL)(answered(dispute.handle_decision))
    app.event("app_home_opened")(answered(home.handle_home_opened))
    app.action(ActionId.HOME_ESCALATE)(answered(home.handle_escalate_button))
    app.action(ActionId.HOME_CALIBRATE)(answered(home.handle_calibrate_button))
