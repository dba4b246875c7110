"""disputes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:20:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('vendor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('auditor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('audit_day', sa.Date(), nullable=False),
    sa.Column('filer_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('proposed_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('evidence', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('original_label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('original_outcome', sa.String(length=16), nullable=False),
    sa.Column('original_category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('final_label', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('final_outcome', sa.String(length=16), nullable=True),
    sa.Column('assignee_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decide_due_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_audit_day'), ['audit_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_status'), ['status'], unique=False)
        batch_op.create_index('ux_dispute_open', ['audit_id'], unique=True,
                              sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade() -> None:
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index('ux_dispute_open', sqlite_where=sa.text("status = 'open'"),
                            postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_dispute_status'))
        batch_op.drop_index(batch_op.f('ix_dispute_audit_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_audit_day'))
    op.drop_table('dispute')
