"""Reading error categories for root-cause analysis: sums over the errors roll-ups, and a few example audits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from bot.rca.analysis import CategoryErrors, Repeat
from bot.store.kpi import AUDIT, ScopeFilter, error_category, level_for, scope_where
from bot.store.models import AGENT_LEVEL, ERROR_SPLIT_COLUMNS, UNCATEGORISED, Outcome


def category_errors(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date
                    ) -> list[CategoryErrors]:
    """Errors of each category in the scope over the days, split by severity and outcome."""
    table = level_for(scope).errors
    query = (
        select(table.c.error_category, func.sum(table.c.errors),
               *(func.sum(table.c[name]) for name in ERROR_SPLIT_COLUMNS))
        .where(scope_where(table, scope, first_day, last_day))
        .group_by(table.c.error_category)
    )
    return [CategoryErrors(category, *(int(value) for value in values)) for category, *values in session.execute(query)]


def category_errors_by(session: Session, *, scope: ScopeFilter, category: str, column: str, first_day: date,
                       last_day: date) -> dict[str, int]:
    """Errors of one category in the scope, per value of `column` (a queue, an agent id, ...)."""
    table = level_for({**scope, column: ()}).errors
    query = (
        select(table.c[column], func.sum(table.c.errors))
        .where(scope_where(table, scope, first_day, last_day), table.c.error_category == category,
               table.c[column].is_not(None))
        .group_by(table.c[column])
    )
    return {value: int(errors) for value, errors in session.execute(query)}


def repeated_errors(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date, at_least: int,
                    uncategorised: bool = False) -> list[Repeat]:
    """Agents with at least `at_least` errors of one category, most first. Uncategorised errors are left out
    unless asked for: two of them are not the same error made twice."""
    table = AGENT_LEVEL.errors
    errors = func.sum(table.c.errors)
    query = (
        select(table.c.agent_id, table.c.error_category, errors)
        .where(scope_where(table, scope, first_day, last_day),
               *([] if uncategorised else [table.c.error_category != UNCATEGORISED]))
        .group_by(table.c.agent_id, table.c.error_category)
        .having(errors >= at_least)
        .order_by(errors.desc(), table.c.error_category, table.c.agent_id)
    )
    return [Repeat(agent_id, category, int(n)) for agent_id, category, n in session.execute(query)]


def example_items(session: Session, *, scope: ScopeFilter, category: str, first_day: date, last_day: date,
                  limit: int) -> list[str]:
    """Item ids of audits with an error of the category, from the latest days first.

    The agent-level errors roll-up names the latest (day, agent) pairs with such errors, so the audits are
    read through the partial index of agents' errors (agent_id, audited_at), a few rows however rare the
    category or large the scope.
    """
    table = AGENT_LEVEL.errors
    found = session.execute(
        select(table.c.day, table.c.agent_id)
        .where(scope_where(table, scope, first_day, last_day), table.c.error_category == category)
        .group_by(table.c.day, table.c.agent_id).order_by(table.c.day.desc(), table.c.agent_id).limit(limit)).all()
    if not found:
        return []
    a = AUDIT.c
    query = (
        select(a.item_id)
        .where(a.agent_id.in_(sorted({agent for _, agent in found})), a.outcome != Outcome.CORRECT.value,
               a.audited_at >= datetime.combine(min(day for day, _ in found), time.min, tzinfo=UTC),
               a.audited_at < datetime.combine(max(day for day, _ in found) + timedelta(days=1), time.min, tzinfo=UTC),
               error_category() == category, *(a[column].in_(list(values)) for column, values in scope.items()))
        .order_by(a.audited_at.desc(), a.audit_id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())
