"""error roll-ups split by severity and outcome

Each row of the errors roll-ups also counts its errors by severity (critical, major, minor)
and by outcome (false positive, false negative, wrong label), for root-cause analysis.
The new columns are filled from the audits here, so existing databases need no re-import.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SPLIT = ("critical", "major", "minor", "false_positive", "false_negative", "wrong_label")
SCOPE_KEYS = "vendor, site, queue, policy, market"


def upgrade() -> None:
    for table in ("errors_agent_day", "errors_scope_day"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in SPLIT:
                batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    severities = ", ".join(f"count(CASE WHEN severity = '{name}' THEN 1 END)" for name in SPLIT[:3])
    outcomes = ", ".join(f"count(CASE WHEN outcome = '{name}' THEN 1 END)" for name in SPLIT[3:])
    category = "COALESCE(NULLIF(error_category, ''), '(uncategorised)')"
    split = ", ".join(SPLIT)
    op.execute("DELETE FROM errors_agent_day")
    op.execute(
        f"INSERT INTO errors_agent_day (day, {SCOPE_KEYS}, agent_id, error_category, errors, {split}) "
        f"SELECT audit_day, {SCOPE_KEYS}, agent_id, {category}, count(*), {severities}, {outcomes} "
        f"FROM audit WHERE outcome != 'correct' GROUP BY audit_day, {SCOPE_KEYS}, agent_id, {category}")
    op.execute("DELETE FROM errors_scope_day")
    op.execute(
        f"INSERT INTO errors_scope_day (day, {SCOPE_KEYS}, error_category, errors, {split}) "
        f"SELECT day, {SCOPE_KEYS}, error_category, sum(errors), "
        + ", ".join(f"sum({name})" for name in SPLIT)
        + f" FROM errors_agent_day GROUP BY day, {SCOPE_KEYS}, error_category")


def downgrade() -> None:
    for table in ("errors_agent_day", "errors_scope_day"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in SPLIT:
                batch_op.drop_column(name)
