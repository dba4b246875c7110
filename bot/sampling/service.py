"""Sample planning, for Slack (`/qa sample`) and the terminal (`qabot sample`) alike.

Takes a scope as the scorecards do (same names, same access rules: bot/kpi/service.allowed_scopes), reads the
daily roll-ups of its last full weeks and its agents' counts (bot/store/kpi.py, the scorecards' own queries) and
builds the plan (bot/sampling/plan.py). Returns figures; bot/render/ words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.config import TeamConfig
from bot.errors import QabotError, UnknownScopeError
from bot.kpi.periods import Period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope
from bot.kpi.scorecard import total
from bot.kpi.service import allowed_scopes, resolve_scopes, scope_targets
from bot.runtime import Runtime
from bot.sampling.plan import SamplePlan, build_plan
from bot.slack.access import Viewer, refuse_outsiders
from bot.store.db import session_scope
from bot.store.kpi import counts_by, daily_counts

#: Current accuracy and weekly volume come from this many whole weeks of full UTC days, today left out.
WEEKS = 4
DEFAULT_DROP_POINTS = 2.0


def planned_period(now: datetime) -> Period:
    """The last WEEKS × 7 full UTC days: today is not over, so it would understate the weekly volume."""
    yesterday = now.astimezone(UTC).date() - timedelta(days=1)
    return Period(yesterday - timedelta(days=WEEKS * 7 - 1), yesterday)


def sample_plan(session: Session, *, config: TeamConfig, resolved: list[ResolvedScope], period: Period,
                drop_points: float) -> SamplePlan:
    """The plan of the resolved scope over `period`; QabotError if the drop does not fit under the target."""
    target = scope_targets(session, config=config, resolved=resolved).accuracy
    if drop_points / 100 >= target:
        raise QabotError(f"A drop of {drop_points:g} points would take accuracy under 0 from its target of "
                         f"{target * 100:g}%; give a smaller one, e.g. 2.")
    store_scope = {SCOPE_KINDS[scope.kind]: scope.values for scope in resolved}
    current = {"scope": store_scope, "first_day": period.first_day, "last_day": period.last_day}
    only = resolved[0].configured if len(resolved) == 1 else None  # a narrowed scope's items are not known
    return build_plan(
        label=" · ".join(scope.label for scope in resolved) or "All audits",
        scopes={scope.kind: scope.label for scope in resolved}, period=period, target=target,
        counts=total(daily_counts(session, **current).values()),
        agent_counts=counts_by(session, column=SCOPE_KINDS["agent"], **current),
        drop=drop_points / 100, weekly_items=only.weekly_items if only else None,
    )


def visible_sample_plan(runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str], drop_points: float,
                        or_whole: dict[str, str] | None = None) -> SamplePlan:
    """The plan `viewer` asked for, as they may see it: the scorecards' access rules (AccessDenied, QabotError).
    `or_whole`: the same request with its last number read as part of a name (`queue tier 2`), used when such
    a scope exists (with the default drop)."""
    refuse_outsiders(viewer, "the sample plan of " + (", ".join(f"{k} {n}" for k, n in scopes.items()) or "org"))
    with session_scope(runtime.engine) as session, runtime.computing:
        allowed = _known(session, runtime, viewer=viewer, scopes=or_whole) if or_whole else None
        if allowed is not None:
            drop_points = DEFAULT_DROP_POINTS  # the number was a name's
        else:
            allowed = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes=scopes)
        return sample_plan(session, config=runtime.config, resolved=allowed, period=planned_period(runtime.clock()),
                           drop_points=drop_points)


def _known(session: Session, runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str]
           ) -> list[ResolvedScope] | None:
    try:
        return allowed_scopes(session, config=runtime.config, viewer=viewer, scopes=scopes)
    except UnknownScopeError:
        return None


def terminal_sample_plan(session: Session, *, config: TeamConfig, scopes: Mapping[str, str], now: datetime,
                         drop_points: float) -> SamplePlan:
    """The same plan for `qabot sample`, which runs with the database's own rights."""
    resolved = resolve_scopes(session, config=config, scopes=scopes)
    return sample_plan(session, config=config, resolved=resolved, period=planned_period(now),
                       drop_points=drop_points)
