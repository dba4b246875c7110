"""Alerts in Slack: acknowledge by button or reaction, and `/qa alerts`."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.alerts.posting import alert_message
from bot.config import ALERT_RULES
from bot.errors import AccessDenied
from bot.render.alert_blocks import alerts_list_blocks
from bot.services import Services
from bot.slack.access import Viewer, log_refusal, refuse_outsiders, viewer_for
from bot.slack.reactions import ReactionAcknowledgement
from bot.store.alerts import acknowledge_alert, find_alert_by_message, get_alert, unresolved_alerts
from bot.store.db import session_scope
from bot.store.models import Alert


def _may_acknowledge(viewer: Viewer, alert: Alert, services: Services) -> bool:
    """QA staff, the rule's owners, and members of the vendor the alert is about."""
    config = services.config
    return (viewer.qa_staff or services.groups.contains(config.alerts.owners_for(alert.rule), viewer.user_id)
            or _about_their_vendor(viewer, alert, services))


def _about_their_vendor(viewer: Viewer, alert: Alert, services: Services) -> bool:
    return alert.vendor is not None and any(
        alert.vendor.casefold() in services.config.vendors[key].spellings(key) for key in viewer.vendors)


def _acknowledge(client: WebClient, services: Services, alert_id: int, *, viewer: Viewer, how: str) -> None:
    with session_scope(services.engine) as session:
        changed = acknowledge_alert(session, alert_id=alert_id, user_id=viewer.user_id, now=services.clock())
    if changed:
        alert_message(services.config.alerts).show_change(
            client, tracked=changed, line=f"Acknowledged by <@{viewer.user_id}>{how}.")


def handle_acknowledge(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    ack()
    viewer = viewer_for(body["user"]["id"], config=services.config, groups=services.groups)
    with session_scope(services.engine) as session:
        alert = get_alert(session, alert_id=int(action["value"]))
    if alert is None:
        return
    if not _may_acknowledge(viewer, alert, services):
        log_refusal(viewer, f"acknowledging {alert.readable_id}")
        raise AccessDenied(f"Only QA staff, the alert's owners or the vendor's members can acknowledge "
                           f"{alert.readable_id}.")
    _acknowledge(client, services, alert.id, viewer=viewer, how="")


def reaction_acknowledgement(client: WebClient, services: Services) -> ReactionAcknowledgement[Alert]:
    """An acknowledgement emoji on an alert's message acknowledges it, for those the button takes."""
    return ReactionAcknowledgement(emoji=services.config.alerts.acknowledge_emoji, find=find_alert_by_message,
                                   may_acknowledge=lambda viewer, alert: _may_acknowledge(viewer, alert, services),
                                   acknowledge=partial(_acknowledge, client, services))


def list_command(respond: Respond, services: Services, *, user_id: str, now: datetime) -> None:
    """`/qa alerts`: QA staff see every unresolved alert, a rule's owners its alerts, vendor members
    those about their vendors."""
    viewer = viewer_for(user_id, config=services.config, groups=services.groups)
    with session_scope(services.engine) as session:
        alerts = unresolved_alerts(session)
    if not viewer.qa_staff:
        owned = {rule for rule in ALERT_RULES
                 if services.groups.contains(services.config.alerts.owners_for(rule), user_id)}
        if not owned:
            refuse_outsiders(viewer, "alerts")
        alerts = [alert for alert in alerts if alert.rule in owned or _about_their_vendor(viewer, alert, services)]
    respond(text=f"{len(alerts)} open alerts", response_type="ephemeral", blocks=alerts_list_blocks(alerts, now=now))
