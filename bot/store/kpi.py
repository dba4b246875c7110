"""Reading figures: sums over the roll-ups, never a scan of raw audits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import and_, func, select
from sqlmodel import Session

from bot.kpi.scorecard import Counts
from bot.store.models import HISTOGRAM_COLUMNS, SCOPE_COLUMNS, ScopeValue, audit_rollup, error_rollup

#: A scope as the store sees it: column -> the raw values that belong to it.
ScopeFilter = Mapping[str, Sequence[str]]

_COUNT_COLUMNS = ("audits", "correct", "false_positive", "false_negative", "wrong_label", "timed")


def _where(table, scope: ScopeFilter, first_day: date, last_day: date):
    conditions = [table.c.day.between(first_day, last_day)]
    for column, values in scope.items():
        if column not in SCOPE_COLUMNS:
            raise ValueError(f"unknown scope column {column!r}")
        conditions.append(table.c[column].in_(list(values)))
    return and_(*conditions)


def daily_counts(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date) -> dict[date, Counts]:
    """Counts per UTC day with audits in first_day..last_day."""
    r = audit_rollup.c
    query = (
        select(
            r.day,
            *(func.sum(r[name]) for name in _COUNT_COLUMNS),
            func.sum(r.handle_time_sum),
            *(func.sum(r[name]) for name in HISTOGRAM_COLUMNS),
        )
        .where(_where(audit_rollup, scope, first_day, last_day))
        .group_by(r.day)
    )
    result: dict[date, Counts] = {}
    for row in session.execute(query):
        day, *values = row
        counts = [int(value) for value in values[:len(_COUNT_COLUMNS)]]
        histogram = tuple(int(value) for value in values[len(_COUNT_COLUMNS) + 1:])
        result[day] = Counts(*counts, float(values[len(_COUNT_COLUMNS)]), histogram)
    return result


def error_category_counts(
    session: Session, *, scope: ScopeFilter, first_day: date, last_day: date
) -> list[tuple[str, int]]:
    """Errors per root-cause category, most frequent first."""
    e = error_rollup.c
    errors = func.sum(e.errors)
    query = (
        select(e.error_category, errors)
        .where(_where(error_rollup, scope, first_day, last_day))
        .group_by(e.error_category)
        .order_by(errors.desc(), e.error_category)
    )
    return [(category, int(n)) for category, n in session.execute(query)]


def distinct_values(session: Session, *, column: str, scope: ScopeFilter | None = None) -> list[str]:
    """Every value a scope column has in the data (e.g. every vendor name as imported).

    With `scope`, only the values that occur together with it (an agent's vendors).
    """
    if column not in SCOPE_COLUMNS:
        raise ValueError(f"unknown scope column {column!r}")
    if not scope:
        query = select(ScopeValue.value).where(ScopeValue.column == column)
        return sorted(session.execute(query).scalars())
    query = select(audit_rollup.c[column]).where(audit_rollup.c[column].is_not(None)).distinct()
    for other, values in scope.items():
        query = query.where(audit_rollup.c[other].in_(list(values)))
    return sorted(session.execute(query).scalars())
