"""The business review of one scope (a vendor, a queue, ..., or the org), for the terminal and Slack alike.

Resolves the names like the scorecards (bot/kpi/service.py), reads the roll-ups and the period's records, and
builds the figures (bot/review/figures.py). The error Pareto is `/qa errors`' own (bot/rca/service.py).
Returns figures; bot/render/review_pdf.py draws them. Same inputs and `now`, same figures: no wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.calibration.results import CalibrationResults
from bot.config import TeamConfig
from bot.errors import QabotError
from bot.kpi.periods import Period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope
from bot.kpi.service import WEAKEST_MIN_AUDITS, allowed_scopes, resolve_scopes, scope_targets, team_scopes
from bot.rca.analysis import Pareto, build_pareto
from bot.review.definitions import DEFINITIONS
from bot.review.figures import (
    AlertSummary,
    CalibrationLine,
    DisputeSummary,
    EscalationSummary,
    Headline,
    Mover,
    TrendPoint,
    alert_summary,
    escalation_summary,
    headline,
    movers,
    trend,
)
from bot.review.local_sums import LocalSums
from bot.review.periods import UTC_ZONE, previous_like, review_period, trend_buckets, year_earlier
from bot.runtime import Runtime
from bot.slack.access import Viewer, refuse_outsiders, require
from bot.store.db import session_scope
from bot.store.disputes import dispute_counts
from bot.store.kpi import ScopeFilter
from bot.store.records import Alert, CalibrationSession, Escalation
from bot.store.review import alerts_opened, calibrations_closed, escalations_filed

TREND_WEEKS = 13
TREND_MONTHS = 12
MOVER_KINDS = ("queue", "policy", "market", "site")
#: Escalations name a vendor and a queue; a scope of another kind cannot be matched to them.
ESCALATION_KINDS = ("vendor", "queue")
T = TypeVar("T")


@dataclass(frozen=True)
class BusinessReview:
    label: str
    period: Period
    headline: Headline
    trend: list[TrendPoint]
    pareto: Pareto
    movers: list[Mover]
    escalations: EscalationSummary | None
    """None when the scope is not a vendor or a queue, which escalations cannot be matched to."""
    alerts: AlertSummary
    calibrations: list[CalibrationLine] | None
    """None in a vendor member's review: sessions have no vendor, and a shared queue's may hold other vendors'."""
    disputes: DisputeSummary
    timezone: str
    """Whose midnights bound the period's days (the IANA name)."""
    definitions: tuple[tuple[str, str], ...] = DEFINITIONS


def business_review(session: Session, *, config: TeamConfig, scopes: Mapping[str, str], period: Period,
                    now: datetime, zone: ZoneInfo = UTC_ZONE) -> BusinessReview:
    """The review of `scopes` (kind -> name, empty for the org) over `period` (local days in `zone`), as known at
    `now`: `qabot review` and the scheduled reviews, which run with the database's own rights."""
    return resolved_review(session, config=config, resolved=resolve_scopes(session, config=config, scopes=scopes),
                           period=period, now=now, zone=zone)


def visible_review(runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str], period_text: str) -> BusinessReview:
    """The review `viewer` asked for, as they may see it: the scorecards' access rules (AccessDenied, QabotError).
    Its days are UTC days: a vendor's people work across time zones."""
    now = runtime.clock()
    period = review_period(period_text, now=now)
    refuse_outsiders(viewer, "the business review of " + (", ".join(f"{kind} {name}" for kind, name in scopes.items())
                                                          or "org"))
    with session_scope(runtime.engine) as session, runtime.computing:
        allowed = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes=scopes)
        return resolved_review(session, config=runtime.config, resolved=allowed, period=period, now=now,
                               with_calibrations=viewer.qa_staff)


def named_team(config: TeamConfig, team: str) -> str:
    """The key of `[teams.KEY]` called `team` (its key or name, any case); QabotError naming the teams if none."""
    key = next((key for key, known in config.teams.items() if team.casefold() in
                {key.casefold(), (known.name or key).casefold()}), None)
    if key is None:
        raise QabotError(f"No team called '{team}'. Teams: {', '.join(sorted(config.teams)) or 'none configured'}.")
    return key


def team_review(session: Session, *, config: TeamConfig, team: str, period: Period, now: datetime,
                zone: ZoneInfo | None = None) -> BusinessReview:
    """The review of what `[teams.KEY]` covers, `team` its key or name, in local days of `zone` (the team's own
    time zone unless said)."""
    key = named_team(config, team)
    return resolved_review(session, config=config, resolved=team_scopes(session, config=config, team_key=key),
                           period=period, now=now, zone=zone or config.teams[key].zone)


def visible_team_review(runtime: Runtime, *, viewer: Viewer, team: str, period_text: str) -> BusinessReview:
    """A team's review, for QA staff (a team may cover queues and markets that span vendors), in the team's
    local days: `week` is the Monday to Sunday just ended where the team works."""
    require(viewer.qa_staff, viewer, f"the business review of team {team}",
            "A team's review is for QA staff; `/qa review vendor NAME` gives your own vendor's.")
    now = runtime.clock()
    zone = runtime.config.teams[named_team(runtime.config, team)].zone
    with session_scope(runtime.engine) as session, runtime.computing:
        return team_review(session, config=runtime.config, team=team,
                           period=review_period(period_text, now=now, zone=zone), now=now, zone=zone)


def resolved_review(session: Session, *, config: TeamConfig, resolved: list[ResolvedScope], period: Period,
                    now: datetime, zone: ZoneInfo = UTC_ZONE, with_calibrations: bool = True) -> BusinessReview:
    """The review of scopes already resolved (and, in Slack, narrowed to what the viewer may see; calibration
    sessions only `with_calibrations`, for QA staff), its days running midnight to midnight in `zone`."""
    store_scope: ScopeFilter = {}
    for scope in resolved:  # a member of two vendors asking for `org` is narrowed to both
        store_scope.setdefault(SCOPE_KINDS[scope.kind], []).extend(scope.values)
    previous, a_year_before = previous_like(period), year_earlier(period)
    buckets = trend_buckets(period, weeks=TREND_WEEKS, months=TREND_MONTHS)
    sums = LocalSums(session, scope=store_scope, zone=zone, periods=[*buckets, period, previous, a_year_before])
    current, before = sums.counts(period), sums.counts(previous)
    parts = {kind: (sums.parts(period, column=SCOPE_KINDS[kind]), sums.parts(previous, column=SCOPE_KINDS[kind]))
             for kind in MOVER_KINDS if kind not in {scope.kind for scope in resolved}}
    start, end = sums.span(period)
    filed, overturned, _ = dispute_counts(session, scope=store_scope, first_day=start.date(), last_day=end.date(),
                                          audited_between=(start, end))
    return BusinessReview(
        label=" · ".join(scope.label for scope in resolved) or "All audits",
        period=period,
        headline=headline(current, previous_counts=before, year_earlier_counts=sums.counts(a_year_before),
                          previous=previous, year_earlier=a_year_before,
                          targets=scope_targets(session, config=config, resolved=resolved)),
        trend=trend([(bucket, sums.counts(bucket)) for bucket in buckets]),
        pareto=build_pareto(sums.category_errors(period), sums.category_errors(previous), audits=current.audits,
                            previous_audits=before.audits),
        movers=[mover for kind, (now_parts, before_parts) in parts.items()
                for mover in movers(kind, now_parts, before_parts, min_audits=WEAKEST_MIN_AUDITS)],
        escalations=_escalations(escalations_filed(session, start=start, end=end), resolved, config=config,
                                 as_of=min(now, end)),
        alerts=alert_summary([alert for alert in alerts_opened(session, start=start, end=end)
                              if _in_scope(resolved, alert, _alert_is_about)]),
        calibrations=_calibrations(calibrations_closed(session, start=start, end=end), resolved,
                                   audited={kind: {name for name, _ in now_parts}
                                            for kind, (now_parts, _) in parts.items()})
        if with_calibrations else None,
        disputes=DisputeSummary(filed, overturned),
        timezone=zone.key,
    )


def _names(scope: ResolvedScope) -> frozenset[str]:
    """Every casefolded way a record may name the scope (forms offer config names and data values)."""
    return scope.spellings | {value.casefold() for value in scope.values}


def _escalations(escalations: list[Escalation], resolved: list[ResolvedScope], *, config: TeamConfig,
                 as_of: datetime) -> EscalationSummary | None:
    if any(scope.kind not in ESCALATION_KINDS for scope in resolved):
        return None
    mine = [escalation for escalation in escalations
            if _in_scope(resolved, escalation, _escalation_is_about)]
    return escalation_summary(mine, sla=config.escalations.sla, as_of=as_of)


def _alert_is_about(alert: Alert, scope: ResolvedScope) -> bool:
    """A vendor's alerts name it; a queue's (or any other part's) are about `queue:NAME`."""
    if scope.kind == "vendor":
        return (alert.vendor or "").casefold() in _names(scope)
    return alert.subject.casefold() in {f"{scope.kind}:{name}" for name in _names(scope)}


def _escalation_is_about(escalation: Escalation, scope: ResolvedScope) -> bool:
    return (getattr(escalation, scope.kind) or "").casefold() in _names(scope)


def _in_scope(resolved: list[ResolvedScope], record: T, matches: Callable[[T, ResolvedScope], bool]) -> bool:
    """A record is in the scope when, for each kind the scope names, it matches one of that kind's names."""
    by_kind: dict[str, list[ResolvedScope]] = {}
    for scope in resolved:
        by_kind.setdefault(scope.kind, []).append(scope)
    return all(any(matches(record, scope) for scope in scopes) for scopes in by_kind.values())


def _calibrations(sessions: list[CalibrationSession], resolved: list[ResolvedScope], *,
                  audited: Mapping[str, set[str]]) -> list[CalibrationLine]:
    """The org's every session; a part's, those on its queues and policies (those it audited in the period, or
    those it names). A session on no particular queue or policy is the org's only."""
    names = {kind: {name.casefold() for name in audited.get(kind, ())} for kind in ("queue", "policy")}
    for kind in names:
        named = [scope for scope in resolved if scope.kind == kind]
        if named:
            names[kind] = set().union(*(_names(scope) for scope in named))
    lines = []
    for calibration in sessions:
        filed = {"queue": calibration.queue, "policy": calibration.policy}
        if resolved and (not any(filed.values()) or any(value and value.casefold() not in names[kind]
                                                          for kind, value in filed.items())):
            continue
        results = CalibrationResults.from_json(calibration.results)
        lines.append(CalibrationLine(
            calibration.readable_id, " · ".join(value for value in filed.values() if value) or "all queues",
            results.items, results.participants, {figure.name: figure.value for figure in results.figures}))
    return lines
