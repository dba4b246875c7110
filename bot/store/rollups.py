"""The daily roll-ups, rebuilt from the audits: every day an import touched, or the few rows one overturned
audit belongs to. The agent level is grouped from the audits, the level above summed from it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, Integer, Table, and_, delete, func, literal, select

from bot.kpi.handle_time import BUCKET_COUNT
from bot.store.db import upsert_insert
from bot.store.kpi import audit_counts, error_category, error_split
from bot.store.models import (
    AGENT_LEVEL,
    SCOPE_COLUMNS,
    SCOPE_LEVEL,
    Audit,
    Outcome,
    ScopeValue,
)

AUDIT = Audit.__table__
SCOPE_VALUE = ScopeValue.__table__
_DAYS_PER_STATEMENT = 500


def refresh_rollups(connection, *, days: set[date]) -> None:
    """Rebuild every roll-up for these UTC days: the agent level from the audits, the level above from it."""
    ordered = sorted(days)
    for start in range(0, len(ordered), _DAYS_PER_STATEMENT):
        batch = ordered[start:start + _DAYS_PER_STATEMENT]
        _rebuild(connection, AGENT_LEVEL.counts, _counts_from_audits(batch), batch)
        _rebuild(connection, AGENT_LEVEL.errors, _errors_from_audits(batch), batch)
        for finer, coarser in ((AGENT_LEVEL.counts, SCOPE_LEVEL.counts), (AGENT_LEVEL.errors, SCOPE_LEVEL.errors)):
            _rebuild(connection, coarser, _summed(finer, coarser, batch), batch)
        _remember_scope_values(connection, batch)


def refresh_rollups_of(connection, *, day: date, keys: dict[str, str | None]) -> None:
    """Rebuild only the roll-up rows of one day and one combination of scope columns (`keys`: every column
    of the agent level), after one audit's verdict changed: a whole day at 10M audits takes a second or two,
    this a few milliseconds plus one pass over the day's audits of that agent."""
    a = AUDIT.c
    same = [a[name].is_not_distinct_from(value) for name, value in keys.items()]
    for table, query in ((AGENT_LEVEL.counts, _counts_from_audits([day])),
                         (AGENT_LEVEL.errors, _errors_from_audits([day]))):
        _rebuild_where(connection, table, query.where(*same), day, keys)
    scope_keys = {name: value for name, value in keys.items() if name in SCOPE_LEVEL.keys}
    for finer, coarser in ((AGENT_LEVEL.counts, SCOPE_LEVEL.counts), (AGENT_LEVEL.errors, SCOPE_LEVEL.errors)):
        query = _summed(finer, coarser, [day]).where(
            *(finer.c[name].is_not_distinct_from(value) for name, value in scope_keys.items()))
        _rebuild_where(connection, coarser, query, day, scope_keys)


def _rebuild_where(connection, table: Table, query, day: date, keys: dict[str, str | None]) -> None:
    connection.execute(delete(table).where(table.c.day == day,
                                           *(table.c[name].is_not_distinct_from(value) for name, value in keys.items())))
    connection.execute(table.insert().from_select([column.name for column in table.columns], query))


def _remember_scope_values(connection, days: list[date]) -> None:
    insert = upsert_insert(connection.dialect.name)
    r = AGENT_LEVEL.counts.c
    for column in SCOPE_COLUMNS:
        values = select(literal(column), r[column]).where(r.day.in_(days), r[column].is_not(None)).distinct()
        connection.execute(insert(SCOPE_VALUE).from_select(["column", "value"], values).on_conflict_do_nothing())


def _rebuild(connection, table: Table, query, days: list[date]) -> None:
    connection.execute(delete(table).where(table.c.day.in_(days)))
    connection.execute(table.insert().from_select([column.name for column in table.columns], query))


def _counts_from_audits(days: list[date]):
    a = AUDIT.c
    keys = [a.audit_day, *(a[name] for name in AGENT_LEVEL.keys)]
    return (
        select(
            *keys,
            *audit_counts(),
            *(func.count().filter(a.handle_time_bucket == index) for index in range(BUCKET_COUNT)),
        )
        .where(a.audit_day.in_(days))
        .group_by(*keys)
    )


def _errors_from_audits(days: list[date]):
    a = AUDIT.c
    category = error_category()
    keys = [a.audit_day, *(a[name] for name in AGENT_LEVEL.keys), category]
    return (
        select(
            *keys,
            func.count(),
            *error_split(),
        )
        .where(and_(a.audit_day.in_(days), a.outcome != Outcome.CORRECT.value))
        .group_by(*keys)
    )


def _summed(finer: Table, coarser: Table, days: list[date]):
    """Rows of a finer roll-up summed up to a coarser one: its text and date columns are the keys."""
    keys = [column.name for column in coarser.columns if not isinstance(column.type, (Integer, Float))]
    sums = [func.sum(finer.c[column.name]) for column in coarser.columns if column.name not in keys]
    return (
        select(*(finer.c[key] for key in keys), *sums)
        .where(finer.c.day.in_(days))
        .group_by(*(finer.c[key] for key in keys))
    )
