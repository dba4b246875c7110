"""home publications shared by replicas

When each person's Home tab was last published, in the database rather than per process: the minute between two
publications holds across replicas, and a change (an alert acknowledged) republishes the Homes people have open.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 20:15:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'home_publication',
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('published_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_index(op.f('ix_home_publication_published_at'), 'home_publication', ['published_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_home_publication_published_at'), table_name='home_publication')
    op.drop_table('home_publication')
