"""calibration sessions items participants verdicts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 19:17:21.209312
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calibration_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('labels', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('expert_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('results_channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('results_posted_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results_post_claimed_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results_chart_file_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calibration_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_session_status'), ['status'], unique=False)

    op.create_table('calibration_item',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('audit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('agent_qa_disagreed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['calibration_session.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'position')
    )
    op.create_table('calibration_participant',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['calibration_session.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'user_id')
    )
    op.create_table('calibration_verdict',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('judged_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['calibration_session.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'position', 'user_id')
    )


def downgrade() -> None:
    op.drop_table('calibration_verdict')
    op.drop_table('calibration_participant')
    op.drop_table('calibration_item')
    with op.batch_alter_table('calibration_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_session_status'))

    op.drop_table('calibration_session')
