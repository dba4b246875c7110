"""Root-cause analysis, for Slack (`/qa errors`), the terminal (`qabot errors`) and the morning post alike.

Takes what was asked (scopes as for scorecards, a period, maybe a category); resolves the names, applies
who may see what (the scorecards' rules: bot/kpi/service.allowed_scopes), reads the errors roll-ups
(bot/store/rca.py) and builds the figures (bot/rca/analysis.py). Returns figures; bot/render/ words them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from bot.config import TeamConfig
from bot.kpi.periods import Period, parse_period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope
from bot.kpi.scorecard import total
from bot.kpi.service import allowed_scopes, resolve_scopes
from bot.rca.analysis import CategoryView, ErrorsView, PartVolume, build_pareto, excess_errors, named_category
from bot.runtime import Runtime
from bot.slack.access import Viewer, refuse_outsiders
from bot.store.db import session_scope
from bot.store.escalations import resolved_between
from bot.store.kpi import ScopeFilter, counts_by, daily_counts
from bot.store.rca import category_errors, category_errors_by, example_items, repeated_errors

#: Where a category's errors may come from, in the order shown; kinds already in the scope are skipped.
SOURCE_KINDS = ("queue", "policy", "market", "site", "agent")
SOURCES_SHOWN = 3
EXAMPLES_SHOWN = 5
#: Escalations name a vendor and a queue; a scope of another kind cannot be matched to them.
ESCALATION_KINDS = ("vendor", "queue")
NO_ROOT_CAUSE = "(none recorded)"


def errors_view(session: Session, *, config: TeamConfig, resolved: list[ResolvedScope], period: Period
                ) -> ErrorsView:
    """The Pareto of the scope's error categories against the previous period, its repeat errors, and its
    escalations' root causes."""
    store_scope = _store_scope(resolved)
    previous = period.previous()
    current = {"scope": store_scope, "first_day": period.first_day, "last_day": period.last_day}
    counts = daily_counts(session, scope=store_scope, first_day=previous.first_day, last_day=period.last_day)
    pareto = build_pareto(
        category_errors(session, **current),
        category_errors(session, scope=store_scope, first_day=previous.first_day, last_day=previous.last_day),
        audits=total(c for day, c in counts.items() if day >= period.first_day).audits,
        previous_audits=total(c for day, c in counts.items() if day < period.first_day).audits,
    )
    return ErrorsView(
        label=_label(resolved), scopes={scope.kind: scope.label for scope in resolved}, period=period,
        pareto=pareto, repeats=repeated_errors(session, at_least=config.rca.repeat_min, **current),
        repeat_min=config.rca.repeat_min, root_causes=_root_causes(session, resolved, period),
    )


def category_view(session: Session, *, resolved: list[ResolvedScope], period: Period, category_text: str
                  ) -> CategoryView:
    """Where one category's errors come from, by each kind of part not already in the scope; QabotError naming
    the closest categories when the scope has none of it."""
    store_scope = _store_scope(resolved)
    current = {"scope": store_scope, "first_day": period.first_day, "last_day": period.last_day}
    by_category = {row.category: row.errors for row in category_errors(session, **current)}
    category = named_category(category_text, by_category, missing=f"No errors of category \"{category_text.strip()}\" "
                                                                  f"for {_label(resolved)} {period.describe()}.")
    audits = total(daily_counts(session, **current).values()).audits
    sources = []
    for kind in SOURCE_KINDS:
        if kind in {scope.kind for scope in resolved}:
            continue
        column = SCOPE_KINDS[kind]
        errors = category_errors_by(session, category=category, column=column, **current)
        parts = [PartVolume(name, counts.audits, errors.get(name, 0))
                 for name, counts in counts_by(session, column=column, **current)]
        sources.append((kind, excess_errors(parts, errors=by_category[category], audits=audits,
                                            limit=SOURCES_SHOWN)))
    return CategoryView(
        label=_label(resolved), period=period, category=category, errors=by_category[category], audits=audits,
        sources=sources, examples=example_items(session, category=category, limit=EXAMPLES_SHOWN, **current),
    )


def visible_errors(runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str], period_text: str,
                   category_text: str | None) -> ErrorsView | CategoryView:
    """What `viewer` asked for, as they may see it: the scorecards' access rules (AccessDenied, QabotError)."""
    period = parse_period(period_text, now=runtime.clock())
    refuse_outsiders(viewer, "errors of " + (", ".join(f"{kind} {name}" for kind, name in scopes.items()) or "org"))
    with session_scope(runtime.engine) as session, runtime.computing:
        allowed = allowed_scopes(session, config=runtime.config, viewer=viewer, scopes=scopes)
        if category_text is None:
            return errors_view(session, config=runtime.config, resolved=allowed, period=period)
        return category_view(session, resolved=allowed, period=period, category_text=category_text)


def terminal_errors(session: Session, *, config: TeamConfig, scopes: Mapping[str, str], period: Period,
                    category_text: str | None) -> ErrorsView | CategoryView:
    """The same figures for `qabot errors`, which runs with the database's own rights."""
    resolved = resolve_scopes(session, config=config, scopes=scopes)
    if category_text is None:
        return errors_view(session, config=config, resolved=resolved, period=period)
    return category_view(session, resolved=resolved, period=period, category_text=category_text)


def _store_scope(resolved: list[ResolvedScope]) -> ScopeFilter:
    scope: dict[str, list[str]] = {}
    for item in resolved:
        scope.setdefault(SCOPE_KINDS[item.kind], []).extend(item.values)
    return scope


def _label(resolved: list[ResolvedScope]) -> str:
    return " · ".join(scope.label for scope in resolved) or "All audits"


def _root_causes(session: Session, resolved: list[ResolvedScope], period: Period) -> list[tuple[str, int]] | None:
    """Root causes recorded when the scope's escalations were resolved in the period, most first."""
    if any(scope.kind not in ESCALATION_KINDS for scope in resolved):
        return None
    start = datetime.combine(period.first_day, time.min, tzinfo=UTC)
    escalations = resolved_between(session, start=start, end=start + timedelta(days=period.days))
    causes = Counter(
        escalation.root_cause or NO_ROOT_CAUSE for escalation in escalations
        if all((getattr(escalation, scope.kind) or "").casefold() in _names(scope) for scope in resolved))
    return sorted(causes.items(), key=lambda item: (-item[1], item[0]))


def _names(scope: ResolvedScope) -> frozenset[str]:
    """Every casefolded way an escalation may name the scope (its form offers config names and data values)."""
    return scope.spellings | {value.casefold() for value in scope.values}
