"""What the UTC-day roll-ups cannot answer: the audits of a UTC day before some instant in it.

A period between two local midnights (Monday to Sunday in Auckland) is its UTC days' roll-ups, plus the audits of
its last UTC day before its end, less those of its first UTC day before its start (bot/kpi/local_days.py sums them
up). Only these few part-days are read from the audits, through the audit_day index.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time

from sqlalchemy import and_, func, literal, select
from sqlmodel import Session

from bot.kpi.scorecard import Counts
from bot.rca.analysis import CategoryErrors
from bot.store.kpi import AUDIT, ScopeFilter, as_counts, audit_counts, error_category, error_split
from bot.store.models import SCOPE_COLUMNS, Outcome


def counts_before(session: Session, *, scope: ScopeFilter, instants: Iterable[datetime], by: str | None = None
                  ) -> dict[datetime, dict[str | None, Counts]]:
    """For each instant not at a UTC midnight: the counts of its UTC day's audits done before it, per value of
    column `by` (one entry, keyed None, without)."""
    if by is not None and by not in SCOPE_COLUMNS:
        raise ValueError(f"unknown scope column {by!r}")
    part = AUDIT.c[by] if by is not None else literal(None)
    found: dict[datetime, dict[str | None, Counts]] = {}
    for instant in _cutting(instants):
        query = select(part, *audit_counts()).where(_before(scope, instant)).group_by(part)
        found[instant] = {key: as_counts(values) for key, *values in session.execute(query)}
    return found


def category_errors_before(session: Session, *, scope: ScopeFilter, instants: Iterable[datetime]
                           ) -> dict[datetime, dict[str, CategoryErrors]]:
    """For each instant not at a UTC midnight: its UTC day's errors before it, per category, as the errors
    roll-ups split them."""
    category = error_category()
    found: dict[datetime, dict[str, CategoryErrors]] = {}
    for instant in _cutting(instants):
        query = (select(category, func.count(), *error_split())
                 .where(_before(scope, instant), AUDIT.c.outcome != Outcome.CORRECT.value).group_by(category))
        found[instant] = {name: CategoryErrors(name, *(int(value) for value in values))
                          for name, *values in session.execute(query)}
    return found


def _cutting(instants: Iterable[datetime]) -> list[datetime]:
    """The instants inside a UTC day (a UTC midnight cuts nothing), in UTC, each once."""
    return sorted({instant.astimezone(UTC) for instant in instants if instant.astimezone(UTC).time() != time.min})


def _before(scope: ScopeFilter, instant: datetime):
    a = AUDIT.c
    return and_(a.audit_day == instant.date(), a.audited_at < instant,
                *(a[column].in_(list(values)) for column, values in scope.items()))
