"""Writing audits: bulk upsert, then roll-up refresh for the days that changed.

Each database gets its fastest honest path, and both report new, updated and
unchanged rows and every day whose figures moved (an updated audit may move
from one day to another: both days are rebuilt):

- SQLite: one `executemany` upsert a chunk, straight into `audit`; a temporary
  trigger records the rows an upsert really changed.
- PostgreSQL: per chunk, one probe for the ids already stored; the new rows
  are copied (`COPY`) straight into `audit`, the others into a temporary
  staging table and merged by one `INSERT ... SELECT ... ON CONFLICT` that
  returns what it changed.

On PostgreSQL chunks go to the server from a writer thread, so the server writes
one chunk while the importer reads and checks the next: the import takes about
the longer of the two, not their sum.
"""

from __future__ import annotations

import io
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial

import pandas as pd
import pyarrow
import pyarrow.compute
from pyarrow import csv as pyarrow_csv
from sqlalchemy import (
    Column,
    MetaData,
    Table,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from bot.store.db import IMPORT_CACHE_KIB, write_lock
from bot.store.models import Audit, ImportRun
from bot.store.rollups import refresh_rollups

AUDIT = Audit.__table__
AUDIT_COLUMNS = [column.name for column in AUDIT.columns]
#: Columns whose change makes a re-imported row an update.
DATA_COLUMNS = [name for name in AUDIT_COLUMNS
                if name not in ("audit_id", "source", "first_imported_at", "updated_at")]
#: Columns an update overwrites (first_imported_at stays).
UPDATED_COLUMNS = [name for name in AUDIT_COLUMNS if name not in ("audit_id", "first_imported_at")]
TIMESTAMP_COLUMNS = ("decided_at", "audited_at", "first_imported_at", "updated_at")
_AUDITS_LOCK_KEY = 0x51A0_0001  # any constant; PostgreSQL advisory lock for writers of audits


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


STAGING = Table(
    "audit_staging",
    MetaData(),
    *(Column(column.name, column.type) for column in AUDIT.columns),
    prefixes=["TEMPORARY"],
)
#: The stored audits among some ids, on PostgreSQL. The ids go through ARRAY(SELECT unnest(...)) so that the
#: planner cannot see how many there are: shown 100,000 it expects as many rows in every monthly partition and
#: reads all of them (14 s a chunk at 100M audits, bench/scale.py); not shown, it probes each partition's key.
STORED_IDS = text("SELECT audit_id, audit_day FROM audit "
                  "WHERE audit_id = ANY(ARRAY(SELECT unnest(CAST(:ids AS VARCHAR[]))))")
_SQLITE_LOAD_DDL = (
    "CREATE TEMP TABLE audit_changes (old_day TEXT, new_day TEXT)",
    "CREATE TEMP TRIGGER audit_changed AFTER UPDATE ON main.audit "
    "BEGIN INSERT INTO audit_changes VALUES (OLD.audit_day, NEW.audit_day); END",
)
_SQLITE_UNLOAD_DDL = ("DROP TRIGGER IF EXISTS temp.audit_changed", "DROP TABLE IF EXISTS temp.audit_changes")


class AuditLoad:
    """One bulk load of checked audit rows (see bot.audits.validation) in the caller's transaction.

        with AuditLoad(session, source="acme-export", now=now) as load:
            for frame in frames:
                load.add(frame)
            counts = load.finish()   # merges, rebuilds the roll-ups of every day that changed

    On PostgreSQL each add() prepares the rows here and hands them to a writer
    thread, which owns the connection until finish() (or the end of the block)
    has waited for it: the server writes one chunk while the caller reads and
    checks the next. On SQLite each add() upserts directly: `executemany` binds
    every row under the GIL, so a second thread only makes both wait.
    """

    #: Chunks handed to the writer and not yet written: one, while the caller prepares the next.
    IN_FLIGHT = 1

    def __init__(self, session: Session, *, source: str | None, now: datetime):
        self.connection = session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.source = source
        self.now = now
        self.counts = MergeCounts()
        self._writer: ThreadPoolExecutor | None = None
        self._pending: deque[Future] = deque()
        lock_audits(self.connection)
        if self.postgres:
            # Aggregation and the staging table stay in memory (temp_buffers counts only
            # before a session's first temporary table, so it is set for the session).
            self.connection.execute(text("SET LOCAL work_mem = '256MB'"))
            self.connection.execute(text("SET temp_buffers = '512MB'"))
            STAGING.drop(self.connection, checkfirst=True)
            STAGING.create(self.connection)
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-load")
        else:
            self.connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")  # bulk loads stop spilling pages
            for statement in (*_SQLITE_UNLOAD_DDL, *_SQLITE_LOAD_DDL):
                self.connection.exec_driver_sql(statement)

    def __enter__(self) -> AuditLoad:
        return self

    def __exit__(self, *exc_info) -> None:
        """Whatever happened, the writer is done with the connection before the caller rolls back or commits."""
        if self._writer is not None:
            for future in self._pending:
                future.cancel()
            self._writer.shutdown(wait=True)

    def add(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        rows = frame.assign(source=self.source, first_imported_at=self.now, updated_at=self.now)[AUDIT_COLUMNS]
        if not self.postgres:
            self.counts.add(_upsert_sqlite(self.connection, rows))
            return
        write = partial(_merge_postgres, self.connection, _copy_table(rows))  # prepared here, written there
        while len(self._pending) >= self.IN_FLIGHT:
            self.counts.add(self._pending.popleft().result())  # raises the writer's error here
        self._pending.append(self._writer.submit(write))

    def finish(self) -> MergeCounts:
        while self._pending:
            self.counts.add(self._pending.popleft().result())
        if self._writer is not None:
            self._writer.shutdown()  # the connection is this thread's again
        if self.postgres:
            STAGING.drop(self.connection, checkfirst=True)
        else:
            for statement in _SQLITE_UNLOAD_DDL:
                self.connection.exec_driver_sql(statement)
        refresh_rollups(self.connection, days=self.counts.days)
        return self.counts


def lock_audits(connection) -> None:
    """Be the only writer of audits and roll-ups (imports, overturns) until the transaction ends."""
    write_lock(connection, key=_AUDITS_LOCK_KEY)


def _upsert_sqlite(connection, rows: pd.DataFrame) -> MergeCounts:
    statement, order = _sqlite_upsert()
    values = [_python_values(rows[name], timestamp=name in TIMESTAMP_COLUMNS) for name in order]
    cursor = connection.connection.driver_connection.cursor()
    cursor.executemany(statement, zip(*values))
    written = cursor.rowcount
    changes = cursor.execute("SELECT old_day, new_day FROM audit_changes").fetchall()
    cursor.execute("DELETE FROM audit_changes")
    counts = MergeCounts(updated=len(changes), inserted=written - len(changes))
    counts.unchanged = len(rows) - written
    counts.days = {date.fromisoformat(day) for change in changes for day in change}
    if counts.inserted:
        counts.days |= {date.fromisoformat(day) for day in rows["audit_day"].unique()}
    return counts


@cache
def _sqlite_upsert() -> tuple[str, list[str]]:
    """The upsert as SQL text and the order of its parameters."""
    statement = _update_when_changed(sqlite.insert(AUDIT).values({name: bindparam(name) for name in AUDIT_COLUMNS}))
    compiled = statement.compile(dialect=sqlite.dialect())
    return compiled.string, list(compiled.positiontup)


def _utc_text(column: pd.Series, *, sqlite_format: bool) -> pyarrow.Array:
    """Times as UTC text, formatted by Arrow (several times faster than numpy's): SQLite's stored
    form (see UTCDateTime), or the same with a Z for PostgreSQL."""
    utc = pyarrow.array(pd.to_datetime(column, utc=True).dt.tz_convert(None).to_numpy(dtype="datetime64[us]"))
    text = pyarrow.compute.cast(utc, pyarrow.string())  # a zone-aware cast would look the zone up every row
    return text if sqlite_format else pyarrow.compute.binary_join_element_wise(text, "Z", "")


def _python_values(column: pd.Series, *, timestamp: bool) -> list:
    """Column values as the sqlite3 driver takes them: None for missing, UTC text for times."""
    if timestamp:
        return _utc_text(column, sqlite_format=True).to_pylist()
    if column.name == "handle_time_bucket":
        column = column.where(column >= 0)
    return column.to_numpy(dtype=object, na_value=None).tolist()


def _merge_postgres(connection, rows: pyarrow.Table) -> MergeCounts:
    """Write one chunk (in the writer thread): ids not stored yet are copied straight into
    `audit`; the others are staged and merged where a data column changed.

    Which ids are stored is read first, one primary-key probe each; the import's
    advisory lock keeps other imports from adding any before the copy.
    """
    stored = dict(connection.execute(STORED_IDS, {"ids": rows["audit_id"].to_pylist()}).all())
    is_stored = pyarrow.compute.is_in(rows["audit_id"], value_set=pyarrow.array(list(stored), pyarrow.string()))
    new = rows.filter(pyarrow.compute.invert(is_stored))
    counts = MergeCounts(inserted=len(new))
    if len(new):
        _copy(connection, AUDIT.name, new)
        counts.days |= {date.fromisoformat(day) for day in pyarrow.compute.unique(new["audit_day"]).to_pylist()}
    if stored:
        connection.execute(text(f"TRUNCATE {STAGING.name}"))
        _copy(connection, STAGING.name, rows.filter(is_stored))
        for audit_id, day in connection.execute(_update_changed()):
            counts.updated += 1
            counts.days |= {day, stored[audit_id]}
    counts.unchanged = len(rows) - counts.inserted - counts.updated
    return counts


def _copy(connection, table: str, rows: pyarrow.Table) -> None:
    buffer = io.BytesIO()
    pyarrow_csv.write_csv(rows, buffer, pyarrow_csv.WriteOptions(include_header=False))
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(AUDIT_COLUMNS)}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def _copy_table(rows: pd.DataFrame) -> pyarrow.Table:
    """The rows as COPY takes them: times as UTC text, no bucket where there is no handling time.
    The times are put into the Arrow table, not the frame: pandas would take the text through Python strings."""
    bucket = rows["handle_time_bucket"]
    table = pyarrow.Table.from_pandas(rows.assign(handle_time_bucket=bucket.where(bucket >= 0).astype("Int16")),
                                      preserve_index=False)
    for name in TIMESTAMP_COLUMNS:
        table = table.set_column(table.schema.get_field_index(name), name, _utc_text(rows[name], sqlite_format=False))
    return table


def _changed(old, new):
    """True where any data column differs; `old` and `new` are column collections."""
    return or_(*(old[name].is_distinct_from(new[name]) for name in DATA_COLUMNS))


def _update_when_changed(statement):
    """SQLite's upsert: ON CONFLICT on audit_id (its key there), overwrite the stored audit only where a data
    column differs."""
    return statement.on_conflict_do_update(
        index_elements=["audit_id"],
        set_={name: statement.excluded[name] for name in UPDATED_COLUMNS},
        where=_changed(AUDIT.c, statement.excluded),
    )


def _update_changed():
    """Overwrite the stored audits of the staged rows where a data column differs, returning their ids and (new)
    days. An UPDATE, not an upsert on audit_id: on a partitioned table audit_id alone is no key (bot/store/
    partitions.py), and PostgreSQL moves a row whose audit_day changed into its new month's partition."""
    staged = STAGING.c
    return (update(AUDIT).where(AUDIT.c.audit_id == staged.audit_id, _changed(AUDIT.c, staged))
            .values({name: staged[name] for name in UPDATED_COLUMNS}).returning(AUDIT.c.audit_id, AUDIT.c.audit_day))


def record_import_run(session: Session, *, run: ImportRun) -> ImportRun:
    session.add(run)
    session.flush()
    return run


def imported_row_totals(session: Session) -> dict[str, int]:
    """Rows of every recorded import, by what became of them (for /metrics)."""
    columns = (ImportRun.inserted, ImportRun.updated, ImportRun.unchanged, ImportRun.rejected)
    sums = session.execute(select(*(func.coalesce(func.sum(column), 0) for column in columns))).one()
    return {column.key: int(total) for column, total in zip(columns, sums)}


def data_version(session: Session) -> tuple[int, int]:
    """Changes whenever an import (or the demo seed) has finished: figures computed under one version stay true.
    The count as well as the latest id: two imports may commit in the other order than they took their ids."""
    count, latest = session.execute(select(func.count(ImportRun.id), func.max(ImportRun.id))).one()
    return (count, latest or 0)


def count_audits(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AUDIT)).scalar_one()

