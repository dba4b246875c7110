"""`kpi vendor acme` / `/qa vendor acme`: resolve the scope, fetch counts, build the scorecard."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from bot.config import NamedScope, TeamConfig
from bot.kpi.periods import Period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope, resolve, targets_for
from bot.kpi.scorecard import Scorecard, build_scorecard
from bot.store.kpi import daily_counts, distinct_values, error_category_counts, handle_time_histogram

ORG = "org"


def scorecard_for(
    session: Session,
    *,
    config: TeamConfig,
    scopes: Mapping[str, str],
    period: Period,
) -> Scorecard:
    """Scorecard of the scope named by `scopes` (kind -> name; empty means the whole org).

    The first kind names the scorecard and decides its targets; the others narrow it,
    e.g. {"vendor": "acme", "queue": "shop-listings"}.
    """
    resolved = [
        resolve(kind, name, config=config, known_values=distinct_values(session, column=SCOPE_KINDS[kind]))
        for kind, name in scopes.items()
    ]
    store_scope = {SCOPE_KINDS[scope.kind]: scope.values for scope in resolved}
    previous = period.previous()
    counts = daily_counts(session, scope=store_scope, first_day=previous.first_day, last_day=period.last_day)
    current = {"scope": store_scope, "first_day": period.first_day, "last_day": period.last_day}
    errors = error_category_counts(session, **current)
    histogram = handle_time_histogram(session, **current)
    primary = resolved[0] if resolved else None
    return build_scorecard(
        kind=primary.kind if primary else ORG,
        label=" · ".join(scope.label for scope in resolved) or "All audits",
        period=period,
        targets=targets_for(primary, config=config, fallback=_agent_vendor(session, primary, config)),
        daily_counts=counts,
        handle_time_histogram=histogram,
        error_counts=errors,
    )


def _agent_vendor(session: Session, scope: ResolvedScope | None, config: TeamConfig) -> NamedScope | None:
    """An agent is held to their vendor's targets when they work for exactly one vendor."""
    if scope is None or scope.kind != "agent" or not scope.values:
        return None
    vendors = distinct_values(session, column="vendor", scope={"agent_id": scope.values})
    if len(vendors) != 1:
        return None
    return resolve("vendor", vendors[0], config=config, known_values=vendors).settings
