"""disputes remember when a re-audit ended them

A re-import that supersedes a dispute runs outside the bot (the terminal, a cron job); the bot's
`dispute-supersessions` job tells the dispute's thread and its filer, and marks when it did.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:45:00
"""
from alembic import op
import sqlalchemy as sa
import bot.store.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', bot.store.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('superseded_told_at', bot.store.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_column('superseded_told_at')
        batch_op.drop_column('superseded_at')
