"""slack deliveries and an index for agents' latest errors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:11:58.901161
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_delivery',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('received_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('slack_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_delivery_received_at'), ['received_at'], unique=False)

    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_agent_errors', ['agent_id', 'audited_at'], unique=False,
                              sqlite_where=sa.text("outcome != 'correct'"),
                              postgresql_where=sa.text("outcome != 'correct'"))



def downgrade() -> None:
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_agent_errors')

    with op.batch_alter_table('slack_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_delivery_received_at'))

    op.drop_table('slack_delivery')
