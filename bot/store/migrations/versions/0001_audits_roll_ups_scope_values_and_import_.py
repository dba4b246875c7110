"""audits, roll-ups, scope values and import runs

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 15:56:34.348968
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import bot.store.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('audit_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('item_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('queue', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('market', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('vendor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('agent_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('agent_decision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('qa_decision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('error_category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('handle_time_s', sa.Float(), nullable=True),
    sa.Column('handle_time_bucket', sa.SmallInteger(), nullable=True),
    sa.Column('decided_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('audited_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('audit_day', sa.Date(), nullable=False),
    sa.Column('auditor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('first_imported_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('audit_id')
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_audit_day', ['audit_day'], unique=False)

    op.create_table('errors_agent_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vendor', sa.String(), nullable=False),
    sa.Column('site', sa.String(), nullable=True),
    sa.Column('queue', sa.String(), nullable=False),
    sa.Column('policy', sa.String(), nullable=True),
    sa.Column('market', sa.String(), nullable=True),
    sa.Column('agent_id', sa.String(), nullable=False),
    sa.Column('error_category', sa.String(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('errors_agent_day', schema=None) as batch_op:
        batch_op.create_index('ix_errors_agent_day_agent_id', ['agent_id', 'day'], unique=False)
        batch_op.create_index('ix_errors_agent_day_day', ['day'], unique=False)

    op.create_table('errors_scope_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vendor', sa.String(), nullable=False),
    sa.Column('site', sa.String(), nullable=True),
    sa.Column('queue', sa.String(), nullable=False),
    sa.Column('policy', sa.String(), nullable=True),
    sa.Column('market', sa.String(), nullable=True),
    sa.Column('error_category', sa.String(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('errors_scope_day', schema=None) as batch_op:
        batch_op.create_index('ix_errors_scope_day_day', ['day'], unique=False)
        batch_op.create_index('ix_errors_scope_day_policy', ['policy', 'day'], unique=False)
        batch_op.create_index('ix_errors_scope_day_queue', ['queue', 'day'], unique=False)
        batch_op.create_index('ix_errors_scope_day_vendor', ['vendor', 'day'], unique=False)

    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('started_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('rollup_agent_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vendor', sa.String(), nullable=False),
    sa.Column('site', sa.String(), nullable=True),
    sa.Column('queue', sa.String(), nullable=False),
    sa.Column('policy', sa.String(), nullable=True),
    sa.Column('market', sa.String(), nullable=True),
    sa.Column('agent_id', sa.String(), nullable=False),
    sa.Column('audits', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('false_positive', sa.Integer(), nullable=False),
    sa.Column('false_negative', sa.Integer(), nullable=False),
    sa.Column('wrong_label', sa.Integer(), nullable=False),
    sa.Column('timed', sa.Integer(), nullable=False),
    sa.Column('handle_time_sum', sa.Float(), nullable=False),
    sa.Column('ht_00', sa.Integer(), nullable=False),
    sa.Column('ht_01', sa.Integer(), nullable=False),
    sa.Column('ht_02', sa.Integer(), nullable=False),
    sa.Column('ht_03', sa.Integer(), nullable=False),
    sa.Column('ht_04', sa.Integer(), nullable=False),
    sa.Column('ht_05', sa.Integer(), nullable=False),
    sa.Column('ht_06', sa.Integer(), nullable=False),
    sa.Column('ht_07', sa.Integer(), nullable=False),
    sa.Column('ht_08', sa.Integer(), nullable=False),
    sa.Column('ht_09', sa.Integer(), nullable=False),
    sa.Column('ht_10', sa.Integer(), nullable=False),
    sa.Column('ht_11', sa.Integer(), nullable=False),
    sa.Column('ht_12', sa.Integer(), nullable=False),
    sa.Column('ht_13', sa.Integer(), nullable=False),
    sa.Column('ht_14', sa.Integer(), nullable=False),
    sa.Column('ht_15', sa.Integer(), nullable=False),
    sa.Column('ht_16', sa.Integer(), nullable=False),
    sa.Column('ht_17', sa.Integer(), nullable=False),
    sa.Column('ht_18', sa.Integer(), nullable=False),
    sa.Column('ht_19', sa.Integer(), nullable=False),
    sa.Column('ht_20', sa.Integer(), nullable=False),
    sa.Column('ht_21', sa.Integer(), nullable=False),
    sa.Column('ht_22', sa.Integer(), nullable=False),
    sa.Column('ht_23', sa.Integer(), nullable=False),
    sa.Column('ht_24', sa.Integer(), nullable=False),
    sa.Column('ht_25', sa.Integer(), nullable=False),
    sa.Column('ht_26', sa.Integer(), nullable=False),
    sa.Column('ht_27', sa.Integer(), nullable=False),
    sa.Column('ht_28', sa.Integer(), nullable=False),
    sa.Column('ht_29', sa.Integer(), nullable=False),
    sa.Column('ht_30', sa.Integer(), nullable=False),
    sa.Column('ht_31', sa.Integer(), nullable=False),
    sa.Column('ht_32', sa.Integer(), nullable=False),
    sa.Column('ht_33', sa.Integer(), nullable=False),
    sa.Column('ht_34', sa.Integer(), nullable=False),
    sa.Column('ht_35', sa.Integer(), nullable=False),
    sa.Column('ht_36', sa.Integer(), nullable=False),
    sa.Column('ht_37', sa.Integer(), nullable=False),
    sa.Column('ht_38', sa.Integer(), nullable=False),
    sa.Column('ht_39', sa.Integer(), nullable=False),
    sa.Column('ht_40', sa.Integer(), nullable=False),
    sa.Column('ht_41', sa.Integer(), nullable=False),
    sa.Column('ht_42', sa.Integer(), nullable=False),
    sa.Column('ht_43', sa.Integer(), nullable=False),
    sa.Column('ht_44', sa.Integer(), nullable=False),
    sa.Column('ht_45', sa.Integer(), nullable=False),
    sa.Column('ht_46', sa.Integer(), nullable=False),
    sa.Column('ht_47', sa.Integer(), nullable=False),
    sa.Column('ht_48', sa.Integer(), nullable=False),
    sa.Column('ht_49', sa.Integer(), nullable=False),
    sa.Column('ht_50', sa.Integer(), nullable=False),
    sa.Column('ht_51', sa.Integer(), nullable=False),
    sa.Column('ht_52', sa.Integer(), nullable=False),
    sa.Column('ht_53', sa.Integer(), nullable=False),
    sa.Column('ht_54', sa.Integer(), nullable=False),
    sa.Column('ht_55', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('rollup_agent_day', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_agent_day_agent_id', ['agent_id', 'day'], unique=False)
        batch_op.create_index('ix_rollup_agent_day_day', ['day'], unique=False)

    op.create_table('rollup_scope_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('vendor', sa.String(), nullable=False),
    sa.Column('site', sa.String(), nullable=True),
    sa.Column('queue', sa.String(), nullable=False),
    sa.Column('policy', sa.String(), nullable=True),
    sa.Column('market', sa.String(), nullable=True),
    sa.Column('audits', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('false_positive', sa.Integer(), nullable=False),
    sa.Column('false_negative', sa.Integer(), nullable=False),
    sa.Column('wrong_label', sa.Integer(), nullable=False),
    sa.Column('timed', sa.Integer(), nullable=False),
    sa.Column('handle_time_sum', sa.Float(), nullable=False),
    sa.Column('ht_00', sa.Integer(), nullable=False),
    sa.Column('ht_01', sa.Integer(), nullable=False),
    sa.Column('ht_02', sa.Integer(), nullable=False),
    sa.Column('ht_03', sa.Integer(), nullable=False),
    sa.Column('ht_04', sa.Integer(), nullable=False),
    sa.Column('ht_05', sa.Integer(), nullable=False),
    sa.Column('ht_06', sa.Integer(), nullable=False),
    sa.Column('ht_07', sa.Integer(), nullable=False),
    sa.Column('ht_08', sa.Integer(), nullable=False),
    sa.Column('ht_09', sa.Integer(), nullable=False),
    sa.Column('ht_10', sa.Integer(), nullable=False),
    sa.Column('ht_11', sa.Integer(), nullable=False),
    sa.Column('ht_12', sa.Integer(), nullable=False),
    sa.Column('ht_13', sa.Integer(), nullable=False),
    sa.Column('ht_14', sa.Integer(), nullable=False),
    sa.Column('ht_15', sa.Integer(), nullable=False),
    sa.Column('ht_16', sa.Integer(), nullable=False),
    sa.Column('ht_17', sa.Integer(), nullable=False),
    sa.Column('ht_18', sa.Integer(), nullable=False),
    sa.Column('ht_19', sa.Integer(), nullable=False),
    sa.Column('ht_20', sa.Integer(), nullable=False),
    sa.Column('ht_21', sa.Integer(), nullable=False),
    sa.Column('ht_22', sa.Integer(), nullable=False),
    sa.Column('ht_23', sa.Integer(), nullable=False),
    sa.Column('ht_24', sa.Integer(), nullable=False),
    sa.Column('ht_25', sa.Integer(), nullable=False),
    sa.Column('ht_26', sa.Integer(), nullable=False),
    sa.Column('ht_27', sa.Integer(), nullable=False),
    sa.Column('ht_28', sa.Integer(), nullable=False),
    sa.Column('ht_29', sa.Integer(), nullable=False),
    sa.Column('ht_30', sa.Integer(), nullable=False),
    sa.Column('ht_31', sa.Integer(), nullable=False),
    sa.Column('ht_32', sa.Integer(), nullable=False),
    sa.Column('ht_33', sa.Integer(), nullable=False),
    sa.Column('ht_34', sa.Integer(), nullable=False),
    sa.Column('ht_35', sa.Integer(), nullable=False),
    sa.Column('ht_36', sa.Integer(), nullable=False),
    sa.Column('ht_37', sa.Integer(), nullable=False),
    sa.Column('ht_38', sa.Integer(), nullable=False),
    sa.Column('ht_39', sa.Integer(), nullable=False),
    sa.Column('ht_40', sa.Integer(), nullable=False),
    sa.Column('ht_41', sa.Integer(), nullable=False),
    sa.Column('ht_42', sa.Integer(), nullable=False),
    sa.Column('ht_43', sa.Integer(), nullable=False),
    sa.Column('ht_44', sa.Integer(), nullable=False),
    sa.Column('ht_45', sa.Integer(), nullable=False),
    sa.Column('ht_46', sa.Integer(), nullable=False),
    sa.Column('ht_47', sa.Integer(), nullable=False),
    sa.Column('ht_48', sa.Integer(), nullable=False),
    sa.Column('ht_49', sa.Integer(), nullable=False),
    sa.Column('ht_50', sa.Integer(), nullable=False),
    sa.Column('ht_51', sa.Integer(), nullable=False),
    sa.Column('ht_52', sa.Integer(), nullable=False),
    sa.Column('ht_53', sa.Integer(), nullable=False),
    sa.Column('ht_54', sa.Integer(), nullable=False),
    sa.Column('ht_55', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('rollup_scope_day', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_scope_day_day', ['day'], unique=False)
        batch_op.create_index('ix_rollup_scope_day_policy', ['policy', 'day'], unique=False)
        batch_op.create_index('ix_rollup_scope_day_queue', ['queue', 'day'], unique=False)
        batch_op.create_index('ix_rollup_scope_day_vendor', ['vendor', 'day'], unique=False)

    op.create_table('scope_value',
    sa.Column('column', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('column', 'value')
    )


def downgrade() -> None:
    op.drop_table('scope_value')
    with op.batch_alter_table('rollup_scope_day', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_scope_day_vendor')
        batch_op.drop_index('ix_rollup_scope_day_queue')
        batch_op.drop_index('ix_rollup_scope_day_policy')
        batch_op.drop_index('ix_rollup_scope_day_day')

    op.drop_table('rollup_scope_day')
    with op.batch_alter_table('rollup_agent_day', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_agent_day_day')
        batch_op.drop_index('ix_rollup_agent_day_agent_id')

    op.drop_table('rollup_agent_day')
    op.drop_table('import_run')
    with op.batch_alter_table('errors_scope_day', schema=None) as batch_op:
        batch_op.drop_index('ix_errors_scope_day_vendor')
        batch_op.drop_index('ix_errors_scope_day_queue')
        batch_op.drop_index('ix_errors_scope_day_policy')
        batch_op.drop_index('ix_errors_scope_day_day')

    op.drop_table('errors_scope_day')
    with op.batch_alter_table('errors_agent_day', schema=None) as batch_op:
        batch_op.drop_index('ix_errors_agent_day_day')
        batch_op.drop_index('ix_errors_agent_day_agent_id')

    op.drop_table('errors_agent_day')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_audit_day')

    op.drop_table('audit')
