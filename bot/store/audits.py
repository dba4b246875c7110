"""Writing audits: bulk upsert through a staging table, then roll-up refresh.

The staging table lets one SQL statement per chunk tell new, changed and
unchanged rows apart, so re-importing a file writes nothing and an updated
row rebuilds the roll-ups of both its old and its new day.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Column, MetaData, Table, and_, delete, func, or_, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.kpi.handle_time import BUCKET_COUNT
from bot.store.models import (
    SCOPE_COLUMNS,
    UNCATEGORISED,
    Audit,
    ImportRun,
    Outcome,
    audit_rollup,
    error_rollup,
)
from bot.store.types import SQLITE_DATETIME_FORMAT

AUDIT = Audit.__table__
AUDIT_COLUMNS = [column.name for column in AUDIT.columns]
#: Columns whose change makes a re-imported row an update.
DATA_COLUMNS = [name for name in AUDIT_COLUMNS
                if name not in ("audit_id", "source", "first_imported_at", "updated_at")]
_IMPORT_LOCK_KEY = 0x51A0_0001  # any constant; PostgreSQL advisory lock for imports
_DAYS_PER_STATEMENT = 500


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    days: set[date] = field(default_factory=set)

    def add(self, other: MergeCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.days |= other.days


def _staging_table() -> Table:
    return Table(
        "audit_staging",
        MetaData(),
        *(Column(column.name, column.type) for column in AUDIT.columns),
        prefixes=["TEMPORARY"],
    )


STAGING = _staging_table()


def begin_audit_load(session: Session) -> None:
    """Take the import lock and make an empty staging table for this transaction."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK_KEY})
    STAGING.drop(connection, checkfirst=True)
    STAGING.create(connection)


def end_audit_load(session: Session) -> None:
    STAGING.drop(session.connection(), checkfirst=True)


def merge_audits(session: Session, *, frame: pd.DataFrame, source: str | None, now: datetime) -> MergeCounts:
    """Upsert checked audit rows (see bot.audits.validation) and say what changed."""
    if frame.empty:
        return MergeCounts()
    connection = session.connection()
    connection.execute(STAGING.delete())
    rows = frame.assign(source=source, first_imported_at=now, updated_at=now)[AUDIT_COLUMNS]
    if connection.dialect.name == "postgresql":
        _copy_into_staging(connection, rows)
    else:
        _insert_into_staging(connection, rows)
    counts = _classify_staged(connection, staged=len(rows))
    connection.execute(_upsert_from_staging(connection.dialect.name))
    return counts


def _insert_into_staging(connection, rows: pd.DataFrame) -> None:
    rows = rows.copy()
    for name in ("decided_at", "audited_at", "first_imported_at", "updated_at"):
        rows[name] = pd.to_datetime(rows[name], utc=True).dt.strftime(SQLITE_DATETIME_FORMAT)
    values = rows.astype(object).where(rows.notna(), None)
    placeholders = ", ".join("?" for _ in AUDIT_COLUMNS)
    connection.exec_driver_sql(
        f"INSERT INTO audit_staging ({', '.join(AUDIT_COLUMNS)}) VALUES ({placeholders})",
        list(values.itertuples(index=False, name=None)),
    )


def _copy_into_staging(connection, rows: pd.DataFrame) -> None:
    rows = rows.copy()
    for name in ("decided_at", "audited_at", "first_imported_at", "updated_at"):
        rows[name] = pd.to_datetime(rows[name], utc=True).dt.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")
    rows["handle_time_bucket"] = rows["handle_time_bucket"].astype("Int16")
    buffer = io.StringIO()
    rows.to_csv(buffer, index=False, header=False)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY audit_staging ({', '.join(AUDIT_COLUMNS)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def _changed(old, new):
    """True where any data column differs; `old` and `new` are column collections."""
    return or_(*(old[name].is_distinct_from(new[name]) for name in DATA_COLUMNS))


def _classify_staged(connection, *, staged: int) -> MergeCounts:
    old, new = AUDIT, STAGING
    is_new = old.c.audit_id.is_(None)
    query = (
        select(new.c.audit_day, old.c.audit_day, is_new, func.count())
        .select_from(new.outerjoin(old, old.c.audit_id == new.c.audit_id))
        .where(or_(is_new, _changed(old.c, new.c)))
        .group_by(new.c.audit_day, old.c.audit_day, is_new)
    )
    counts = MergeCounts()
    for new_day, old_day, inserted, count in connection.execute(query):
        counts.days.add(new_day)
        if inserted:
            counts.inserted += count
        else:
            counts.updated += count
            counts.days.add(old_day)
    counts.unchanged = staged - counts.inserted - counts.updated
    return counts


def _upsert_from_staging(dialect_name: str):
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    statement = insert(AUDIT).from_select(AUDIT_COLUMNS, select(*STAGING.c).where(true()))
    updated = [name for name in AUDIT_COLUMNS if name not in ("audit_id", "first_imported_at")]
    return statement.on_conflict_do_update(
        index_elements=["audit_id"],
        set_={name: statement.excluded[name] for name in updated},
        where=_changed(AUDIT.c, statement.excluded),
    )


def refresh_rollups(session: Session, *, days: set[date]) -> None:
    """Rebuild both roll-ups for these UTC days from the audits."""
    ordered = sorted(days)
    for start in range(0, len(ordered), _DAYS_PER_STATEMENT):
        batch = ordered[start:start + _DAYS_PER_STATEMENT]
        _rebuild(session, audit_rollup, _rollup_select(batch), batch)
        _rebuild(session, error_rollup, _error_rollup_select(batch), batch)


def _rebuild(session: Session, table: Table, query, days: list[date]) -> None:
    session.execute(delete(table).where(table.c.day.in_(days)))
    session.execute(table.insert().from_select([column.name for column in table.columns], query))


def _count_where(condition):
    return func.count().filter(condition)


def _rollup_select(days: list[date]):
    a = AUDIT.c
    keys = [a.audit_day, *(a[name] for name in SCOPE_COLUMNS)]
    return (
        select(
            *keys,
            func.count(),
            *(_count_where(a.outcome == outcome.value) for outcome in Outcome),
            func.count(a.handle_time_s),
            func.coalesce(func.sum(a.handle_time_s), 0.0),
            *(_count_where(a.handle_time_bucket == index) for index in range(BUCKET_COUNT)),
        )
        .where(a.audit_day.in_(days))
        .group_by(*keys)
    )


def _error_rollup_select(days: list[date]):
    a = AUDIT.c
    category = func.coalesce(func.nullif(a.error_category, ""), UNCATEGORISED)
    keys = [a.audit_day, *(a[name] for name in SCOPE_COLUMNS), category]
    return (
        select(*keys, func.count())
        .where(and_(a.audit_day.in_(days), a.outcome != Outcome.CORRECT.value))
        .group_by(*keys)
    )


def record_import_run(session: Session, *, run: ImportRun) -> ImportRun:
    session.add(run)
    session.flush()
    return run


def count_audits(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AUDIT)).scalar_one()

