"""alerts, and retries of failed job runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:22:54.860637
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('vendor', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('breached_since', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('resolved_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('post_attempted_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('last_reminded_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_status'), ['status'], unique=False)
        batch_op.create_index('ux_alert_unresolved', ['rule', 'subject'], unique=True, sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('failed')

    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ux_alert_unresolved', sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))
        batch_op.drop_index(batch_op.f('ix_alert_status'))

    op.drop_table('alert')
