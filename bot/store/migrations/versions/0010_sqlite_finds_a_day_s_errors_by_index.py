"""sqlite finds a day's errors by index

The roll-up refresh reads the errors among some days' audits; on SQLite a partial
index on audit_day for errors spares it reading every audit of those days
(see Audit in bot.store.models). PostgreSQL is left as it was.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index('ix_audit_error_days', 'audit', ['audit_day'], unique=False,
                    sqlite_where=sa.text("outcome != 'correct'"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index('ix_audit_error_days', table_name='audit')
