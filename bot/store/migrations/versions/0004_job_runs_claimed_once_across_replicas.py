"""job runs claimed once across replicas

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:41:46.634338
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('slot', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('claimed_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', bot.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('job_id', 'slot')
    )


def downgrade() -> None:
    op.drop_table('job_run')
