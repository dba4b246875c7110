"""Alerts, for the Slack listeners (acknowledging, which republishes the person's Home tab; listing); the monitor
job raises and posts them (bot/jobs/alerts.py). Who may acknowledge and see: bot/slack/access.py."""

from __future__ import annotations

from functools import partial

from bot.alerts.config import ALERT_RULES
from bot.alerts.posting import alert_message
from bot.home.publishing import republish_homes
from bot.runtime import Runtime
from bot.slack.access import Viewer, may_acknowledge_alert, refuse_outsiders, require
from bot.slack.reactions import ReactionAcknowledgement
from bot.store.alerts import acknowledge_alert, find_alert_by_message, get_alert, unresolved_alerts
from bot.store.db import session_scope
from bot.store.records import Alert


def may_acknowledge(runtime: Runtime, viewer: Viewer, alert: Alert) -> bool:
    return may_acknowledge_alert(viewer, owners=runtime.config.alerts.owners_for(alert.rule), vendor=alert.vendor)


def acknowledge_by_button(runtime: Runtime, alert_id: int, *, viewer: Viewer) -> None:
    """Acknowledge, if the viewer may (AccessDenied saying who may); an alert gone since is left alone."""
    with session_scope(runtime.engine) as session:
        alert = get_alert(session, alert_id=alert_id)
    if alert is None:
        return
    require(may_acknowledge(runtime, viewer, alert), viewer, f"acknowledging {alert.readable_id}",
            f"Only QA staff, the alert's owners or the vendor's members can acknowledge {alert.readable_id}.")
    acknowledge(runtime, alert.id, viewer=viewer)


def acknowledge(runtime: Runtime, alert_id: int, *, viewer: Viewer, how: str = "") -> None:
    with session_scope(runtime.engine) as session:
        changed = acknowledge_alert(session, alert_id=alert_id, user_id=viewer.user_id, now=runtime.clock())
    if changed:
        alert_message(runtime.config.alerts).show_change(
            runtime.client, tracked=changed, line=f"Acknowledged by <@{viewer.user_id}>{how}.")
        # QA staff's Homes list open alerts; a vendor's member who acknowledged sees their own at once
        republish_homes(runtime, shows_change=lambda person: person.qa_staff or person.user_id == viewer.user_id)


def reaction_acknowledgement(runtime: Runtime) -> ReactionAcknowledgement[Alert]:
    """An acknowledgement emoji on an alert's message acknowledges it, for those the button takes."""
    return ReactionAcknowledgement(emoji=runtime.config.alerts.acknowledge_emoji, find=find_alert_by_message,
                                   may_acknowledge=partial(may_acknowledge, runtime),
                                   acknowledge=partial(acknowledge, runtime))


def visible_alerts(runtime: Runtime, *, viewer: Viewer) -> list[Alert]:
    """QA staff see every unresolved alert, a rule's owners its alerts, vendor members those about their vendors."""
    with session_scope(runtime.engine) as session:
        alerts = unresolved_alerts(session)
    if viewer.qa_staff:
        return alerts
    owned = {rule for rule in ALERT_RULES if viewer.is_one_of(runtime.config.alerts.owners_for(rule))}
    if not owned:
        refuse_outsiders(viewer, "alerts")
    return [alert for alert in alerts if alert.rule in owned or viewer.works_for(alert.vendor)]
