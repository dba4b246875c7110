"""The job `audit-partitions`: on PostgreSQL, the audit table's partitions for the months ahead exist before their
audits come, and audits that landed in the default partition (a backfill of old months) get their month's."""

from __future__ import annotations

from datetime import datetime

from bot.runtime import Runtime
from bot.store.audits import lock_audits
from bot.store.db import session_scope
from bot.store.partitions import ensure_partitions, months_ahead, months_in_default, partitioned


def keep_partitions(runtime: Runtime, *, now: datetime) -> str:
    """Create what is missing, holding the audits lock (no import meanwhile); returns the outcome."""
    with session_scope(runtime.engine) as session:
        connection = session.connection()
        if not partitioned(connection):
            return "nothing to do: the audit table is not partitioned (SQLite keeps one table)"
        lock_audits(connection)
        ahead = months_ahead(now)
        created = ensure_partitions(connection, months=[*ahead, *months_in_default(connection)])
    through = f"partitions through {ahead[-1]:%Y-%m} exist"
    return f"created {', '.join(created)}; {through}" if created else through
