"""Reading figures: sums over the roll-ups, never a scan of raw audits.

Scopes without an agent read the scope-level roll-ups, about twenty times
smaller than the agent level; the handle-time histogram is summed once for the
whole period rather than per day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from bot.kpi.scorecard import Counts
from bot.store.models import (
    AGENT_LEVEL,
    AUDIT_SEVERITIES,
    HISTOGRAM_COLUMNS,
    SCOPE_COLUMNS,
    SCOPE_LEVEL,
    UNCATEGORISED,
    Audit,
    Outcome,
    RollupLevel,
    ScopeValue,
)

#: A scope as the store sees it: column -> the raw values that belong to it.
ScopeFilter = Mapping[str, Sequence[str]]

AUDIT = Audit.__table__
_COUNT_COLUMNS = ("audits", "correct", "false_positive", "false_negative", "wrong_label", "timed", "handle_time_sum")


def audit_counts() -> list:
    """Counts (in the order of `Counts`) over audit rows: what a roll-up row holds."""
    a = AUDIT.c
    return [
        func.count(),
        *(func.count().filter(a.outcome == outcome.value) for outcome in Outcome),
        func.count(a.handle_time_s),
        func.coalesce(func.sum(a.handle_time_s), 0.0),
    ]


def error_split() -> list:
    """Errors (over audits that were not correct) by severity, then by outcome: an errors roll-up row's split."""
    a = AUDIT.c
    return [*(func.count().filter(a.severity == level) for level in AUDIT_SEVERITIES),  # stored lower case
            *(func.count().filter(a.outcome == outcome.value) for outcome in Outcome if outcome is not Outcome.CORRECT)]


def error_category():
    """An audit's error category, with blanks named: the roll-ups' category key."""
    return func.coalesce(func.nullif(AUDIT.c.error_category, ""), UNCATEGORISED)


def level_for(scope: ScopeFilter) -> RollupLevel:
    """The smallest roll-up level that holds every column of the scope."""
    unknown = set(scope) - set(SCOPE_COLUMNS)
    if unknown:
        raise ValueError(f"unknown scope column(s) {sorted(unknown)}")
    return SCOPE_LEVEL if set(scope) <= set(SCOPE_LEVEL.keys) else AGENT_LEVEL


def scope_where(table, scope: ScopeFilter, first_day: date, last_day: date):
    return and_(table.c.day.between(first_day, last_day),
                *(table.c[column].in_(list(values)) for column, values in scope.items()))


def daily_counts(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date) -> dict[date, Counts]:
    """Counts per UTC day with audits in first_day..last_day."""
    table = level_for(scope).counts
    query = (select(table.c.day, *_counts_of(table)).where(scope_where(table, scope, first_day, last_day))
             .group_by(table.c.day))
    return {day: as_counts(values) for day, *values in session.execute(query)}


def handle_time_histogram(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date) -> list[int]:
    """Audits per handle-time bucket (see bot.kpi.handle_time) over the whole period."""
    table = level_for(scope).counts
    query = select(*(func.coalesce(func.sum(table.c[name]), 0) for name in HISTOGRAM_COLUMNS)).where(
        scope_where(table, scope, first_day, last_day))
    return [int(value) for value in session.execute(query).one()]


def error_category_counts(
    session: Session, *, scope: ScopeFilter, first_day: date, last_day: date
) -> list[tuple[str, int]]:
    """Errors per root-cause category, most frequent first."""
    table = level_for(scope).errors
    errors = func.sum(table.c.errors)
    query = (
        select(table.c.error_category, errors)
        .where(scope_where(table, scope, first_day, last_day))
        .group_by(table.c.error_category)
        .order_by(errors.desc(), table.c.error_category)
    )
    return [(category, int(n)) for category, n in session.execute(query)]


def _counts_of(table) -> list:
    return [func.sum(table.c[name]) for name in _COUNT_COLUMNS]


def as_counts(values) -> Counts:
    return Counts(*(int(value) for value in values[:-1]), float(values[-1]))


def counts_by(
    session: Session, *, scope: ScopeFilter, column: str, first_day: date, last_day: date, min_audits: int = 1
) -> list[tuple[str, Counts]]:
    """Counts of each `column` value inside the scope over the days, for values with at least `min_audits`."""
    table = level_for({**scope, column: ()}).counts
    query = (
        select(table.c[column], *_counts_of(table))
        .where(scope_where(table, scope, first_day, last_day), table.c[column].is_not(None))
        .group_by(table.c[column])
        .having(func.sum(table.c.audits) >= min_audits)
        .order_by(table.c[column])
    )
    return [(value, as_counts(values)) for value, *values in session.execute(query)]


def daily_audits_by(
    session: Session, *, columns: Sequence[str], first_day: date, last_day: date
) -> list[tuple[tuple[str, ...], date, int, int]]:
    """(values of `columns`, day, audits, correct) for each combination with audits on each UTC day of the period.

    The shift rule's input: one pass over the scope-level roll-ups for vendors and queues together (two passes,
    one a column, took twice as long), with only the two sums it needs.
    """
    table = level_for(dict.fromkeys(columns, ())).counts
    keys = [table.c[column] for column in columns]
    query = (
        select(*keys, table.c.day, func.sum(table.c.audits), func.sum(table.c.correct))
        .where(scope_where(table, {}, first_day, last_day))
        .group_by(*keys, table.c.day)
    )
    width = len(columns)
    return [(tuple(row[:width]), row[width], int(row[width + 1]), int(row[width + 2])) for row in session.execute(query)]


def latest_errors(
    session: Session, *, agent_ids: Sequence[str], first_day: date, last_day: date, limit: int
) -> list[Audit]:
    """An agent's most recent audits that QA found wrong, newest first."""
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=UTC)
    query = (
        select(Audit)
        .where(Audit.agent_id.in_(list(agent_ids)), Audit.audited_at >= start, Audit.audited_at < end,
               Audit.outcome != Outcome.CORRECT.value)
        .order_by(Audit.audited_at.desc(), Audit.audit_id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def vendors_of_agents(session: Session, *, agent_ids: Sequence[str]) -> list[str]:
    """The vendors (as imported) these agent ids have audits under."""
    return distinct_values(session, column="vendor", scope={"agent_id": agent_ids})


def distinct_values(session: Session, *, column: str, scope: ScopeFilter | None = None) -> list[str]:
    """Every value a scope column has in the data (e.g. every vendor name as imported).

    With `scope`, only the values that occur together with it (an agent's vendors).
    """
    if column not in SCOPE_COLUMNS:
        raise ValueError(f"unknown scope column {column!r}")
    if not scope:
        query = select(ScopeValue.value).where(ScopeValue.column == column)
        return sorted(session.execute(query).scalars())
    table = AGENT_LEVEL.counts
    query = select(table.c[column]).where(table.c[column].is_not(None)).distinct()
    for other, values in scope.items():
        query = query.where(table.c[other].in_(list(values)))
    return sorted(session.execute(query).scalars())


# ---------------------------------------------------------------- local days, straight from the audits
# A team's "yesterday" runs from one local midnight to the next, which UTC day roll-ups
# cannot answer. These read the audits of the few days asked, through the audit_day index.


def _local_where(scope: ScopeFilter, start: datetime, end: datetime):
    a = AUDIT.c
    return and_(a.audit_day.between(start.astimezone(UTC).date(), end.astimezone(UTC).date()),
                a.audited_at >= start, a.audited_at < end,
                *(a[column].in_(list(values)) for column, values in scope.items()))


@dataclass(frozen=True)
class LocalSlice:
    """Counts of the audits of one local day, part (`by` value), handle-time bucket and error category."""

    day: int
    """Index of the day: day i runs from edges[i] to edges[i + 1]."""
    part: str | None
    handle_time_bucket: int | None
    error_category: str | None
    """None for correct audits."""
    counts: Counts


def local_day_slices(session: Session, *, scope: ScopeFilter, edges: Sequence[datetime], by: str) -> list[LocalSlice]:
    """Everything a local-day report needs, in one pass over the audits between edges[0] and edges[-1]."""
    if by not in SCOPE_COLUMNS:
        raise ValueError(f"unknown scope column {by!r}")
    a = AUDIT.c
    day = case(*((a.audited_at < edge, index) for index, edge in enumerate(edges[1:-1])), else_=len(edges) - 2)
    category = case((a.outcome != Outcome.CORRECT.value, error_category()), else_=None)
    keys = [day, a[by], a.handle_time_bucket, category]
    query = select(*keys, *audit_counts()).where(_local_where(scope, edges[0], edges[-1])).group_by(*keys)
    return [LocalSlice(int(index), part, bucket, name, as_counts(values))
            for index, part, bucket, name, *values in session.execute(query)]


def last_audit_at(session: Session, *, scope: ScopeFilter) -> datetime | None:
    """When the scope's latest audit was done (for 'nothing since ...')."""
    a = AUDIT.c
    day = select(func.max(a.audit_day)).where(*(a[c].in_(list(v)) for c, v in scope.items())).scalar_subquery()
    query = select(func.max(a.audited_at)).where(a.audit_day == day,
                                                 *(a[c].in_(list(v)) for c, v in scope.items()))
    return session.execute(query).scalar()
