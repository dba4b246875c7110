"""audits partitioned by month on postgresql

On PostgreSQL `audit` becomes a table partitioned by range of audit_day, one partition per month (from the first
month with audits to three months ahead) and a default partition for any other; its key becomes (audit_id,
audit_day), since PostgreSQL cannot keep a column unique across partitions (the importer keeps one row per
audit_id). The job `audit-partitions` creates the months ahead from then on (bot/store/partitions.py). SQLite
keeps one table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 20:40:00
"""
from alembic import op
import sqlalchemy as sa

from bot.clock import utc_now
from bot.store.partitions import DEFAULT_PARTITION, ensure_partitions, months_ahead


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

INDEXES = (
    "CREATE INDEX ix_audit_audit_day ON audit (audit_day)",
    "CREATE INDEX ix_audit_agent_errors ON audit (agent_id, audited_at) WHERE outcome != 'correct'",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside(bind, "audit_unpartitioned")
    op.execute("CREATE TABLE audit (LIKE audit_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (audit_day)")
    months = bind.execute(sa.text(
        "SELECT DISTINCT date_trunc('month', audit_day)::date FROM audit_unpartitioned")).scalars().all()
    op.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF audit DEFAULT")
    ensure_partitions(bind, months=[*months, *months_ahead(utc_now())])
    op.execute("INSERT INTO audit SELECT * FROM audit_unpartitioned")  # each row straight into its month
    op.execute("ALTER TABLE audit ADD CONSTRAINT audit_pkey PRIMARY KEY (audit_id, audit_day)")
    for statement in INDEXES:
        op.execute(statement)
    op.execute("DROP TABLE audit_unpartitioned")
    op.execute("ANALYZE audit")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside(bind, "audit_partitioned")
    op.execute("CREATE TABLE audit (LIKE audit_partitioned INCLUDING DEFAULTS)")
    op.execute("INSERT INTO audit SELECT * FROM audit_partitioned")
    op.execute("ALTER TABLE audit ADD CONSTRAINT audit_pkey PRIMARY KEY (audit_id)")
    for statement in INDEXES:
        op.execute(statement)
    op.execute("DROP TABLE audit_partitioned CASCADE")


def _set_aside(bind, name: str) -> None:
    """Rename `audit` to `name`, its key and indexes dropped (their names are the new table's; the copy reads it
    whole anyway)."""
    for index in bind.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'audit' "
                                      "AND indexname != 'audit_pkey'")).scalars().all():
        op.execute(f"DROP INDEX {index}")
    op.execute("ALTER TABLE audit DROP CONSTRAINT audit_pkey")
    op.execute(f"ALTER TABLE audit RENAME TO {name}")
