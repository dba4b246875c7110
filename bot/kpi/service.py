"""Scorecards, for Slack (`/qa vendor acme`), the terminal (`qabot kpi`) and benchmarks alike.

Takes the viewer, what they asked and the period; resolves the names, applies who may see
what (bot/slack/access.py), reads the roll-ups (bot/store/kpi.py) and builds the figures
(bot/kpi/scorecard.py). Returns figures; bot/render/ words them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from bot.config import NamedScope, TeamConfig
from bot.errors import QabotError, UnknownScopeError
from bot.kpi.control import accuracy_control, baseline_period
from bot.kpi.periods import Period, parse_period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope, named, resolve, targets_for
from bot.kpi.scorecard import LatestError, Scorecard, Targets, build_scorecard, dispute_figures, weakest
from bot.runtime import Runtime
from bot.slack.access import Viewer, authorise, narrowed_to_own_vendors, not_visible, refuse_outsiders
from bot.store.db import session_scope
from bot.store.disputes import dispute_counts, figures_version
from bot.store.kpi import (
    counts_by,
    daily_counts,
    distinct_values,
    error_category_counts,
    handle_time_histogram,
    latest_errors,
    vendors_of_agents,
)

ORG = "org"
#: Which weakest parts a scorecard of each kind lists.
BREAKDOWNS = {
    "vendor": ("queue", "agent"),
    "queue": ("policy", "agent"),
    "policy": ("queue", "agent"),
    "market": ("vendor", "queue"),
    "site": ("queue", "agent"),
    ORG: ("vendor", "queue"),
    "agent": (),
}
WEAKEST_LIMIT = 3
#: Queues, policies and vendors under this many audits are left out of the weakest; agents under
#: [defaults].min_agent_audits are listed apart, as "too few audits".
WEAKEST_MIN_AUDITS = 20
LATEST_ERRORS_LIMIT = 5


def team_scopes(session: Session, *, config: TeamConfig, team_key: str) -> list[ResolvedScope]:
    """The vendors, queues and markets `[teams.KEY]` names, found in the config and the data (UnknownScopeError
    if one is not): its morning post's scope, and its business review's."""
    resolved = []
    for kind, names in config.teams[team_key].scope_names().items():
        known = distinct_values(session, column=SCOPE_KINDS[kind])
        resolved += [resolve(kind, name, config=config, known_values=known) for name in names]
    return resolved


def resolve_scopes(session: Session, *, config: TeamConfig, scopes: Mapping[str, str]) -> list[ResolvedScope]:
    """Each kind -> name of `scopes`, found in the config and the data (UnknownScopeError if not)."""
    return [
        resolve(kind, name, config=config, known_values=distinct_values(session, column=SCOPE_KINDS[kind]))
        for kind, name in scopes.items()
    ]


def scorecard_for(
    session: Session,
    *,
    config: TeamConfig,
    scopes: Mapping[str, str] | None = None,
    resolved: list[ResolvedScope] | None = None,
    period: Period,
    detail: bool = False,
) -> Scorecard:
    """Scorecard of the scope named by `scopes` (kind -> name; empty means the whole org).

    The first kind names the scorecard and decides its targets; the others narrow it,
    e.g. {"vendor": "acme", "queue": "shop-listings"}. Pass `resolved` instead when the
    names are already resolved. With `detail`, the weakest parts of the scope (or, for an
    agent, their latest errors) are added.
    """
    if resolved is None:
        resolved = resolve_scopes(session, config=config, scopes=scopes or {})
    store_scope = {SCOPE_KINDS[scope.kind]: scope.values for scope in resolved}
    baseline = baseline_period(period, baseline_days=config.defaults.control_baseline_weeks * 7)
    current = {"scope": store_scope, "first_day": period.first_day, "last_day": period.last_day}
    primary = resolved[0] if resolved else None
    kind = primary.kind if primary else ORG
    card = build_scorecard(
        kind=kind,
        label=" · ".join(scope.label for scope in resolved) or "All audits",
        period=period,
        targets=scope_targets(session, config=config, resolved=resolved),
        daily_counts=(days := daily_counts(session, scope=store_scope, last_day=period.last_day,
                                           first_day=min(period.previous().first_day, baseline.first_day))),
        handle_time_histogram=handle_time_histogram(session, **current),
        error_counts=error_category_counts(session, **current),
        control=accuracy_control(period, days, baseline_days=baseline.days),
    )
    filed, overturned, gained = dispute_counts(session, **current)
    card = dataclasses.replace(card, disputes=dispute_figures(card.counts, filed=filed, overturned=overturned,
                                                              correct_gained=gained))
    if not detail or card.accuracy is None:
        return card
    breakdowns = [
        weakest(part, counts_by(session, column=SCOPE_KINDS[part],
                                min_audits=1 if part == "agent" else WEAKEST_MIN_AUDITS, **current),
                limit=WEAKEST_LIMIT, min_audits=config.defaults.min_agent_audits if part == "agent" else 1)
        for part in BREAKDOWNS[kind] if part not in {scope.kind for scope in resolved}
    ]
    errors = []
    if kind == "agent":
        errors = [
            LatestError(audit.audit_id, audit.item_id, audit.audited_at, audit.outcome, audit.error_category,
                        audit.agent_decision, audit.qa_decision)
            for audit in latest_errors(session, agent_ids=primary.values, first_day=period.first_day,
                                       last_day=period.last_day, limit=LATEST_ERRORS_LIMIT)
        ]
    return dataclasses.replace(card, breakdowns=[b for b in breakdowns if b.weakest or b.too_few],
                               latest_errors=errors)


def only_vendor_of(session: Session, agent: ResolvedScope) -> str | None:
    """The agent's vendor as in the data, when they work for exactly one (else None)."""
    vendors = vendors_of_agents(session, agent_ids=agent.values)
    return vendors[0] if len(vendors) == 1 else None


def scope_targets(session: Session, *, config: TeamConfig, resolved: list[ResolvedScope]) -> Targets:
    """The targets of a scope's first kind (an agent's are their vendor's), else the defaults."""
    primary = resolved[0] if resolved else None
    return targets_for(primary, config=config, fallback=_agent_vendor(session, primary, config))


def _agent_vendor(session: Session, scope: ResolvedScope | None, config: TeamConfig) -> NamedScope | None:
    """An agent is held to their vendor's targets when they work for exactly one vendor."""
    if scope is None or scope.kind != "agent" or not scope.values:
        return None
    vendor = only_vendor_of(session, scope)
    return None if vendor is None else named("vendor", vendor, config=config).configured


@dataclass(frozen=True)
class VisibleScorecard:
    card: Scorecard
    scopes: list[ResolvedScope]
    """What the card covers after access rules (a vendor member's queue is narrowed to their vendor)."""

    @property
    def about_people(self) -> bool:
        """Figures of individual agents: shown to the requester only, never shared or offered to share."""
        return any(scope.kind == "agent" for scope in self.scopes)


def visible_scorecard(runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str], period_text: str,
                      shared: bool) -> VisibleScorecard:
    """The scorecard `viewer` asked for, as they may see it (AccessDenied, QabotError otherwise).

    Computed once per scope, days and data version (runtime.scorecards), two at a time
    (runtime.computing): see bot/runtime.py.
    """
    period = parse_period(period_text, now=runtime.clock())
    refuse_outsiders(viewer, ", ".join(f"{kind} {name}" for kind, name in scopes.items()))
    with session_scope(runtime.engine) as session:
        with runtime.computing:
            allowed = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes=scopes)
            key = (tuple((scope.kind, scope.label, scope.values) for scope in allowed), period.first_day,
                   period.last_day, figures_version(session))

        def compute() -> Scorecard:
            with runtime.computing:
                return scorecard_for(session, config=runtime.config, resolved=allowed, period=period, detail=True)

        card = runtime.scorecards.get(key, compute)  # waiting for another request's card holds no slot
    visible = VisibleScorecard(card, allowed)
    if shared and visible.about_people:
        raise QabotError("Agent scorecards are only shown to you; they can't be shared in a channel.")
    if shared:  # figures of individual agents never go to a channel
        card = dataclasses.replace(card, breakdowns=[b for b in card.breakdowns if b.kind != "agent"])
    return dataclasses.replace(visible, card=card)


def allowed_scopes(session: Session, *, config: TeamConfig, viewer: Viewer, scopes: Mapping[str, str]
                   ) -> list[ResolvedScope]:
    """The scopes asked for, resolved and narrowed to what the viewer may see (AccessDenied otherwise)."""
    try:
        resolved = resolve_scopes(session, config=config, scopes=scopes)
    except UnknownScopeError as error:
        if viewer.qa_staff:
            raise
        raise not_visible(viewer, error.kind, error.name) from None  # no suggestions from others' data
    if viewer.qa_staff:
        return authorise(viewer, resolved, config=config, agent_vendors={}, own_vendors=[])
    agent_vendors = {scope.label: vendors_of_agents(session, agent_ids=scope.values)
                     for scope in resolved if scope.kind == "agent"}
    own_vendors = [resolve_scopes(session, config=config, scopes={"vendor": key})[0]
                   for key in sorted(viewer.vendors)] if narrowed_to_own_vendors(resolved) else []
    return authorise(viewer, resolved, config=config, agent_vendors=agent_vendors, own_vendors=own_vendors)
