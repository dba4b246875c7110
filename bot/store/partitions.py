"""The audit table's monthly partitions on PostgreSQL (declarative partitioning by audit_day).

A large organisation audits a million decisions a day. Partitioned by month, a day's reads and the roll-up refresh
touch one partition's indexes, and old months can be detached or dropped whole. Nothing else changes: the table is
still `audit`, the roll-ups stay per day. PostgreSQL cannot keep audit_id unique across partitions, so the key is
(audit_id, audit_day) and the importer, holding the audits lock, keeps one row per audit_id (bot/store/audits.py).

Rows of a month without a partition (a backfill of old audits) land in `audit_default`; `ensure_partitions`
moves them into their month's partition when it creates it. SQLite keeps one table: every function here is for
PostgreSQL, and `partitioned` says whether the database has partitions at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import text

AHEAD_MONTHS = 3
"""Partitions exist for this many months after the current one, so new audits never land in the default."""
DEFAULT_PARTITION = "audit_default"


def partitioned(connection) -> bool:
    """Is `audit` a partitioned table (PostgreSQL after migration 0013)?"""
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.execute(text("SELECT relkind FROM pg_class WHERE oid = to_regclass('audit')")).scalar()
    return kind == "p"


def partition_name(month: date) -> str:
    return f"audit_{month:%Y_%m}"


def is_partition(table_name: str) -> bool:
    return table_name == DEFAULT_PARTITION or re.fullmatch(r"audit_\d{4}_\d{2}", table_name) is not None


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_ahead(now: datetime, *, ahead: int = AHEAD_MONTHS) -> list[date]:
    """The current UTC month and the `ahead` after it."""
    months = [month_of(now.date())]
    for _ in range(ahead):
        months.append(next_month(months[-1]))
    return months


def existing_partitions(connection) -> set[str]:
    query = text("SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
                 "WHERE pg_inherits.inhparent = to_regclass('audit')")
    return set(connection.execute(query).scalars())


def months_in_default(connection) -> list[date]:
    """The months of the rows waiting in the default partition (audits of months that had no partition)."""
    query = text(f"SELECT DISTINCT date_trunc('month', audit_day)::date FROM {DEFAULT_PARTITION} ORDER BY 1")
    return list(connection.execute(query).scalars())


def ensure_partitions(connection, *, months: Iterable[date]) -> list[str]:
    """Create the partitions of `months` that do not exist, each with the rows of its month moved in from the
    default partition; returns the names created. The caller holds the audits lock (no import runs meanwhile).

    CREATE TABLE ... LIKE then ATTACH PARTITION: attaching locks `audit` less than CREATE TABLE ... PARTITION OF
    (readers go on), and lets the default's rows move in first, which PostgreSQL requires."""
    existing, created = existing_partitions(connection), []
    for month in sorted(set(months)):
        name = partition_name(month)
        if name in existing:
            continue
        bounds = {"first": month, "after": next_month(month)}
        connection.execute(text(f"CREATE TABLE {name} (LIKE audit INCLUDING DEFAULTS)"))
        connection.execute(text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE audit_day >= :first AND audit_day < :after "
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"), bounds)
        connection.execute(text(f"ALTER TABLE audit ATTACH PARTITION {name} "
                                f"FOR VALUES FROM ('{bounds['first']}') TO ('{bounds['after']}')"))
        created.append(name)
    return created
