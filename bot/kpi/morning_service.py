"""The morning KPI post, for the scheduler's job (bot/jobs/scheduler.py) and `qabot jobs run`: each team's
channel gets its quality picture at the team's local time. The figures: bot/kpi/morning.py."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.alerts.rules import STALE_DATA
from bot.config import Team, TeamConfig
from bot.errors import UnknownScopeError
from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.local_days import local_day_edges, local_today
from bot.kpi.morning import (
    WEEK_DAYS,
    AlertLine,
    EscalationDigest,
    MorningReport,
    build_morning_report,
    trend_days,
)
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope, named, targets_for
from bot.kpi.scorecard import Counts, Targets
from bot.kpi.service import team_scopes
from bot.rca.analysis import repeats_by_category
from bot.render.charts import comparison_chart, trend_chart
from bot.render.morning_blocks import morning_blocks, morning_first_line
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.slack.files import upload_png
from bot.store.alerts import unresolved_alerts
from bot.store.db import session_scope
from bot.store.escalations import list_escalations
from bot.store.kpi import daily_counts, last_audit_at, local_day_slices
from bot.store.rca import repeated_errors
from bot.store.records import Alert, Escalation, TrackedStatus

logger = logging.getLogger(__name__)


def post_morning(runtime: Runtime, *, team_key: str, now: datetime, day_of: datetime | None = None) -> str:
    """Build and post one team's morning report; returns the outcome.

    The report is for the team's local day of `day_of` (the scheduled slot; `now` by default), so a
    post made late, after local midnight, still covers the day it was due.
    """
    team = runtime.config.teams[team_key]
    with session_scope(runtime.engine) as session:
        try:
            report = morning_report(session, config=runtime.config, team_key=team_key, now=now,
                                    day_of=day_of or now)
        except UnknownScopeError as error:
            runtime.client.chat_postMessage(channel=team.channel, text=(
                f":warning: No morning post today: {error} Fix `[teams.{team_key}]` in the bot's config "
                "(check it with `qabot config check`)."))
            return f"not posted, the team's scope is wrong: {error}"
    trend_id = comparison_id = None
    if report.has_yesterday:
        trend_id = _chart(runtime, trend_chart, report.trend, name=f"{team_key}-trend-{report.today}",
                          title=f"{report.label}: daily accuracy")
        if len(report.parts) > 1:
            comparison_id = _chart(
                runtime, comparison_chart, f"{report.label}: accuracy by {report.compare_kind}, last 7 days",
                report.parts, name=f"{team_key}-by-{report.compare_kind}-{report.today}",
                title=f"{report.label}: accuracy by {report.compare_kind}")
    runtime.client.chat_postMessage(channel=team.channel, text=morning_first_line(report),
                                    blocks=morning_blocks(report, trend_file_id=trend_id,
                                                          comparison_file_id=comparison_id), unfurl_links=False)
    audits = report.yesterday.counts.audits
    return f"posted to {team.channel}: " + (f"{audits:,} audits yesterday" if audits else "no audits yesterday")


def morning_report(session: Session, *, config: TeamConfig, team_key: str, now: datetime,
                   day_of: datetime | None = None) -> MorningReport:
    """The figures of one team's morning post for the local day of `day_of` (UnknownScopeError if its
    scope names nothing known); escalations are counted as overdue at `now`."""
    team = config.teams[team_key]
    resolved = team_scopes(session, config=config, team_key=team_key)
    scope: dict[str, list[str]] = {}
    for item in resolved:
        scope.setdefault(SCOPE_KINDS[item.kind], []).extend(item.values)
    today = local_today(team.zone, day_of or now)
    first, yesterday = trend_days(today)
    baseline_days = config.defaults.control_baseline_weeks * 7
    edges = local_day_edges(team.zone, first, yesterday)
    compare_kind = team.compare_by or ("queue" if len(team.vendors) == 1 else "vendor")
    slices = local_day_slices(session, scope=scope, edges=edges, by=SCOPE_KINDS[compare_kind])
    labels = {value: named(compare_kind, value, config=config)
              for value in {piece.part for piece in slices if piece.part is not None}}
    day_counts: dict[tuple[int, str | None], Counts] = {}
    week_histogram, yesterday_histogram = [0] * BUCKET_COUNT, [0] * BUCKET_COUNT
    week_errors: Counter[str] = Counter()
    week_start, last_day = len(edges) - 1 - WEEK_DAYS, len(edges) - 2
    for piece in slices:
        key = (piece.day, labels[piece.part].label if piece.part is not None else None)  # two spellings, one part
        day_counts[key] = day_counts.get(key, Counts()) + piece.counts
        if piece.day < week_start:
            continue
        if piece.error_category is not None:
            week_errors[piece.error_category] += piece.counts.audits
        if piece.handle_time_bucket is not None:
            week_histogram[piece.handle_time_bucket] += piece.counts.audits
            if piece.day == last_day:
                yesterday_histogram[piece.handle_time_bucket] += piece.counts.audits
    names: dict[str, frozenset[str]] = {}
    for item in resolved:
        names[item.kind] = names.get(item.kind, frozenset()) | item.spellings
    escalations = [escalation for escalation in list_escalations(session, limit=None)
                   if _covers(names, "vendor", escalation.vendor) and _covers(names, "queue", escalation.queue)]
    alerts = [alert for alert in unresolved_alerts(session) if _concerns(names, alert)]
    return build_morning_report(
        team=team_key, label=team.name or team_key, timezone=team.timezone, today=today,
        targets=_team_targets(team, resolved, config), compare_kind=compare_kind, day_counts=day_counts,
        part_targets={part.label: (part.label, targets_for(part, config=config).accuracy)
                      for part in labels.values()},
        week_histogram=week_histogram, yesterday_histogram=yesterday_histogram,
        week_errors=sorted(week_errors.items(), key=lambda item: (-item[1], item[0])),
        escalations=_digest(escalations, now),
        alerts=[AlertLine(alert.readable_id, alert.title, alert.status == TrackedStatus.ACKNOWLEDGED.value)
                for alert in sorted(alerts, key=lambda alert: alert.id)],
        last_audit_at=None if any(day == last_day for day, _ in day_counts) else last_audit_at(session, scope=scope),
        repeats=repeats_by_category(repeated_errors(  # UTC days: the roll-ups', close enough for a count
            session, scope=scope, first_day=yesterday - timedelta(days=WEEK_DAYS - 1), last_day=yesterday,
            at_least=config.rca.repeat_min)),
        baseline_counts=daily_counts(session, scope=scope, first_day=first - timedelta(days=baseline_days),
                                     last_day=first - timedelta(days=1)),
        baseline_days=baseline_days,
    )


def _covers(names: dict[str, frozenset[str]], kind: str, value: str | None) -> bool:
    """Is `value` inside the team's scope of this kind? Anything is, when the team does not narrow it."""
    return kind not in names or (value is not None and value.casefold() in names[kind])


def _concerns(names: dict[str, frozenset[str]], alert: Alert) -> bool:
    """Data alerts reach every team, vendor alerts the teams covering the vendor, queue alerts the teams
    naming the queue (or covering every vendor and queue)."""
    if alert.rule == STALE_DATA:
        return True
    if alert.subject.startswith("queue:"):
        queue = alert.subject.removeprefix("queue:").casefold()
        return queue in names["queue"] if "queue" in names else "vendor" not in names
    if alert.vendor is None:
        return "vendor" not in names
    return _covers(names, "vendor", alert.vendor)


def _team_targets(team: Team, resolved: list[ResolvedScope], config: TeamConfig) -> Targets:
    """The team's own targets, else those of its one vendor (or one queue), else the defaults."""
    single = next((item for kind in ("vendor", "queue") for item in resolved
                   if item.kind == kind and len(team.scope_names()[kind]) == 1), None)
    base = targets_for(single, config=config)
    return Targets(accuracy=team.accuracy_target or base.accuracy, aht_s=team.aht_target_s or base.aht_s)


def _digest(escalations: list[Escalation], now: datetime) -> EscalationDigest:
    overdue = sum(1 for e in escalations if now > e.waiting_on()[1])
    return EscalationDigest(open=len(escalations), overdue=overdue,
                            by_severity=dict(Counter(e.severity for e in escalations)))


def _chart(runtime: Runtime, chart: Callable[..., bytes], *args, name: str, title: str) -> str | None:
    """Draw (in the chart workers where there are) and upload one chart; a failure costs the chart, never the post."""
    try:
        return upload_png(runtime.client, runtime.draw(chart, *args), name=name, title=title)
    except (*SLACK_FAILURES, ValueError, TimeoutError, BrokenProcessPool):
        logger.exception("the morning chart %s could not be drawn or uploaded; posting without it", name)
        return None

