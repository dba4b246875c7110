"""The SLA-breach monitor: find breaches, keep one alert per breach, remind, resolve.

Idempotent: run it twice at the same moment and the second run changes nothing, because
opening an alert, counting a reminder and resolving are each conditional in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from bot.alerts.config import ScopeRule, ShiftRule
from bot.alerts.posting import alert_message
from bot.alerts.rules import (
    ACCURACY,
    AHT,
    DISPUTE_OVERDUE,
    ESCALATION_OVERDUE,
    SHIFT,
    STALE_DATA,
    Breach,
    ScopeDays,
    ScopeFigures,
    accuracy_breaches,
    aht_breaches,
    cleared,
    overdue_disputes,
    overdue_escalations,
    shift_breaches,
    stale_data,
)
from bot.alerts.shift_chart import post_days_around
from bot.config import TeamConfig
from bot.home.publishing import republish_homes
from bot.kpi.periods import last_days
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope, named, targets_for
from bot.kpi.scorecard import Counts
from bot.render.alert_blocks import reminder_text
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.store.alerts import (
    claim_post,
    count_reminder,
    last_import_with_audits,
    open_alert,
    resolve_alert,
    still_breached,
    uncount_reminder,
    unresolved_alerts,
)
from bot.store.db import session_scope
from bot.store.disputes import list_disputes
from bot.store.escalations import list_escalations
from bot.store.kpi import counts_by, daily_audits_by
from bot.store.records import Alert, DisputeStatus, TrackedStatus

logger = logging.getLogger(__name__)
POST_RETRY_AFTER = timedelta(minutes=1)


def find_breaches(session: Session, *, config: TeamConfig, rules: list[str], now: datetime) -> list[Breach]:
    """Every breach of the given rules at `now`."""
    alerts_config = config.alerts
    breaches: list[Breach] = []
    if ESCALATION_OVERDUE in rules:
        breaches += overdue_escalations(list_escalations(session, limit=None), now=now)
    if DISPUTE_OVERDUE in rules:
        breaches += overdue_disputes(list_disputes(session, statuses=[DisputeStatus.OPEN.value], limit=None), now=now)
    for name, check in ((ACCURACY, accuracy_breaches), (AHT, aht_breaches)):
        if name not in rules:
            continue
        rule = alerts_config.rule(name)
        breaches += check(scope_figures(session, config=config, rule=rule, now=now), rule=rule, now=now)
    if SHIFT in rules:
        breaches += shift_breaches(scope_days(session, config=config, rule=alerts_config.shift, now=now,
                                              open_since=open_shifts(session)), rule=alerts_config.shift)
    if STALE_DATA in rules:
        breaches += stale_data(last_import_with_audits(session), rule=alerts_config.stale_data, now=now)
    return breaches


def scope_figures(session: Session, *, config: TeamConfig, rule: ScopeRule, now: datetime) -> list[ScopeFigures]:
    """Each vendor's or queue's counts over the rule's full days before today; spellings of one name together."""
    period = last_days(rule.window_days, now=now - timedelta(days=1))
    figures = []
    for kind in rule.scopes:
        by_label: dict[str, tuple[ResolvedScope, Counts]] = {}
        for value, counts in counts_by(session, scope={}, column=SCOPE_KINDS[kind], first_day=period.first_day,
                                       last_day=period.last_day):
            scope = named(kind, value, config=config)
            before = by_label.get(scope.label, (scope, Counts()))[1]
            by_label[scope.label] = (scope, before + counts)
        figures += [ScopeFigures(kind, label, label, targets_for(scope, config=config), counts)
                    for label, (scope, counts) in sorted(by_label.items()) if counts.audits >= rule.min_audits]
    return figures


def open_shifts(session: Session) -> dict[str, date]:
    """The estimated start day of each unresolved shift alert, by subject ('vendor:Acme BPO')."""
    return {alert.subject: _utc(alert.breached_since).date() for alert in unresolved_alerts(session)
            if alert.rule == SHIFT}


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def scope_days(session: Session, *, config: TeamConfig, rule: ShiftRule, now: datetime,
               open_since: Mapping[str, date] | None = None) -> list[ScopeDays]:
    """Each vendor's or queue's daily counts over the shift rule's baseline and watched full UTC days before
    today; spellings of one name together.

    A scope with an open shift alert (its subject in `open_since`, with the drop's estimated start day) keeps the
    baseline before that day and is watched from it on, however long ago, so a lasting drop never slides into its
    own baseline (see `ScopeDays`).
    """
    last = (_utc(now) - timedelta(days=1)).date()
    open_since = {subject: min(day, last) for subject, day in (open_since or {}).items()}
    first_watched = last - timedelta(days=rule.watch_days - 1)
    baseline = timedelta(days=rule.baseline_days)
    first = min([first_watched, *open_since.values()]) - baseline
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    position = {day: index for index, day in enumerate(days)}
    columns = [SCOPE_KINDS[kind] for kind in rule.scopes]
    rows = daily_audits_by(session, columns=columns, first_day=first, last_day=last)
    scopes = []
    for at, kind in enumerate(rule.scopes):
        resolved: dict[str, ResolvedScope] = {}
        by_label: dict[str, tuple[list[int], list[int]]] = {}
        for values, day, audits, correct in rows:
            if values[at] not in resolved:
                resolved[values[at]] = named(kind, values[at], config=config)
            label = resolved[values[at]].label
            daily_audits, daily_correct = by_label.setdefault(label, ([0] * len(days), [0] * len(days)))
            daily_audits[position[day]] += audits
            daily_correct[position[day]] += correct
        targets = {scope.label: targets_for(scope, config=config).accuracy for scope in resolved.values()}
        for label, (audits, correct) in sorted(by_label.items()):
            since = position[open_since.get(f"{kind}:{label}", first_watched) - baseline]
            scopes.append(ScopeDays(kind, label, label, tuple(days[since:]), tuple(audits[since:]),
                                    tuple(correct[since:]), targets[label]))
    return scopes


def check_alerts(runtime: Runtime, *, now: datetime) -> str:
    """One monitor pass; returns what it did."""
    alerts_config = runtime.config.alerts
    message = alert_message(alerts_config)
    rules = alerts_config.active_rules()
    with session_scope(runtime.engine) as session:
        found = {(b.rule, b.subject): b for b in find_breaches(session, config=runtime.config, rules=rules, now=now)}
        known = {(alert.rule, alert.subject): alert for alert in unresolved_alerts(session)}
    opened = resolved = reminded = 0
    for key, alert in known.items():
        if key in found:
            with session_scope(runtime.engine) as session:
                latest = still_breached(session, alert_id=alert.id, summary=found[key].summary, now=now)
            if latest and latest.summary != alert.summary:  # the posted figures follow the latest ones
                _tell(latest, message.refresh, runtime.client, tracked=latest)
            continue
        with session_scope(runtime.engine) as session:
            reason = cleared(*key) if alert.rule in rules else "its rule is switched off or has no channel."
            done = resolve_alert(session, alert_id=alert.id, resolution=reason, now=now)
        if done:
            resolved += 1
            _tell(done, message.show_change, runtime.client, tracked=done,
                  line=f":white_check_mark: Resolved: {reason}")
    for key, breach in found.items():
        if key in known:
            continue
        with session_scope(runtime.engine) as session:
            alert = open_alert(session, rule=breach.rule, subject=breach.subject, vendor=breach.vendor,
                               title=breach.title, summary=breach.summary, breached_since=breach.since,
                               channel_id=alerts_config.channel_for(breach.rule), now=now)
        if alert:
            opened += 1
            if _tell(alert, message.post, runtime.client, engine=runtime.engine, tracked=alert) and breach.days:
                post_days_around(runtime, alert_id=alert.id, scope=breach.days)
    with session_scope(runtime.engine) as session:
        unresolved = unresolved_alerts(session)
    for alert in unresolved:
        if alert.message_ts is None:  # Slack refused it earlier: try again, on one replica only
            with session_scope(runtime.engine) as session:
                mine = claim_post(session, alert_id=alert.id, now=now, retry_after=POST_RETRY_AFTER)
            if mine:
                _tell(alert, message.post, runtime.client, engine=runtime.engine, tracked=alert)
        elif _remind(runtime, alert, now=now):
            reminded += 1
    if opened or resolved:  # QA staff's Homes list the open alerts
        republish_homes(runtime, shows_change=lambda person: person.qa_staff, now=now)
    return f"{opened} opened, {resolved} resolved, {reminded} reminded, {len(unresolved)} unresolved"


def _remind(runtime: Runtime, alert: Alert, *, now: datetime) -> bool:
    """A reminder in the alert's thread, mentioning its owners, when one is due; True if sent."""
    alerts_config = runtime.config.alerts
    last = alert.last_reminded_at or alert.opened_at
    if (alert.status != TrackedStatus.OPEN.value or alert.reminders_sent >= alerts_config.renotify_max
            or now - last < timedelta(minutes=alerts_config.renotify_every_min)):
        return False
    with session_scope(runtime.engine) as session:
        if not count_reminder(session, alert_id=alert.id, reminders_sent=alert.reminders_sent, now=now):
            return False
    text = reminder_text(alert, owners=alerts_config.owners_for(alert.rule), emoji=alerts_config.acknowledge_emoji, now=now)
    if _tell(alert, runtime.client.chat_postMessage, channel=alert.channel_id, thread_ts=alert.message_ts, text=text):
        return True
    with session_scope(runtime.engine) as session:
        uncount_reminder(session, alert_id=alert.id, reminders_sent=alert.reminders_sent,
                         last_reminded_at=alert.last_reminded_at)
    return False


def _tell(about: Alert, send, /, *args, **kwargs) -> bool:
    """send(*args, **kwargs) to Slack; a refusal is logged and the monitor goes on with the next alert."""
    try:
        send(*args, **kwargs)
        return True
    except SLACK_FAILURES:
        logger.exception("Slack refused a message about %s in %s", about.readable_id, about.channel_id)
        return False
