"""coaching records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coaching',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('vendor', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('focus_category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('focus_policy', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('audit_ids', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('coach_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('coached_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('follow_up_claimed_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('followed_up_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('closed_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coaching', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coaching', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_status'))
        batch_op.drop_index(batch_op.f('ix_coaching_agent_id'))
    op.drop_table('coaching')
