"""The tables of the data: audits (the source of truth), their roll-ups (derived), scope values, import runs,
job runs and handled deliveries. The records people make in Slack are in bot/store/records.py.

Roll-ups hold one row per UTC day and combination of scope columns, so a
scorecard sums a few thousand rows instead of scanning millions of audits.
They are rebuilt for every day an import touches (see bot.store.audits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Float, Index, Integer, SmallInteger, String, Table, text
from sqlmodel import Field, SQLModel

from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.scopes import SCOPE_KINDS
from bot.store.types import UTCDateTime

#: Columns that slice audits into scopes, one per scope kind: the roll-ups' keys.
SCOPE_COLUMNS = tuple(SCOPE_KINDS.values())
HISTOGRAM_COLUMNS = tuple(f"ht_{index:02d}" for index in range(BUCKET_COUNT))
#: Audit severities, as the importer accepts them (lower case).
AUDIT_SEVERITIES = ("critical", "major", "minor")


class Outcome(StrEnum):
    CORRECT = "correct"
    FALSE_POSITIVE = "false_positive"
    FALSE_NEGATIVE = "false_negative"
    WRONG_LABEL = "wrong_label"


class Audit(SQLModel, table=True):
    """One moderation decision re-checked by QA, as imported."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_audit_day", "audit_day"),
        # The errors among some days' audits, for the roll-up refresh: without it SQLite reads every audit of
        # those days to find the 5% that are errors (3 s of a million-row import). Measured there only, so
        # kept to SQLite: PostgreSQL's import is left as it was.
        Index("ix_audit_error_days", "audit_day", sqlite_where=text("outcome != 'correct'")).ddl_if(dialect="sqlite"),
        # An agent's latest errors. Partial: errors are ~5% of audits, so imports barely pay for it.
        Index("ix_audit_agent_errors", "agent_id", "audited_at",
              sqlite_where=text("outcome != 'correct'"), postgresql_where=text("outcome != 'correct'")),
    )

    audit_id: str = Field(primary_key=True)
    item_id: str
    queue: str
    policy: str | None = None
    market: str | None = None
    vendor: str
    site: str | None = None
    agent_id: str
    agent_decision: str
    qa_decision: str
    outcome: str = Field(sa_type=String(16))
    error_category: str | None = None
    severity: str | None = Field(default=None, sa_type=String(8))
    handle_time_s: float | None = None
    handle_time_bucket: int | None = Field(default=None, sa_type=SmallInteger)
    decided_at: datetime = Field(sa_type=UTCDateTime)
    audited_at: datetime = Field(sa_type=UTCDateTime)
    audit_day: date = Field(description="UTC date of audited_at: the roll-up key")
    auditor_id: str | None = None
    source: str | None = None
    first_imported_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ImportRun(SQLModel, table=True):
    """One `qabot import` run, kept so staleness and history can be reported."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    source: str | None = None
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime = Field(sa_type=UTCDateTime)
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


class HomePublication(SQLModel, table=True):
    """When each person's Home tab was last published: shared by the replicas, so a person's Home is published at
    most once a minute whichever replica Slack asks, and a change can be shown to those who have the tab."""

    __tablename__ = "home_publication"

    user_id: str = Field(primary_key=True)
    published_at: datetime = Field(sa_type=UTCDateTime, index=True)


class JobRun(SQLModel, table=True):
    """One scheduled slot of one job, claimed by exactly one process (replicas share the database)."""

    __tablename__ = "job_run"

    job_id: str = Field(primary_key=True)
    slot: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    claimed_by: str
    claimed_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = None
    failed: bool = False
    attempts: int = 1
    """A failed run may be claimed again (bot.store.job_runs.MAX_ATTEMPTS in all)."""


class SlackDelivery(SQLModel, table=True):
    """A Slack request already handled, so a retried delivery does nothing twice (on every replica)."""

    __tablename__ = "slack_delivery"

    key: str = Field(primary_key=True)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)


class ScopeValue(SQLModel, table=True):
    """Every value a scope column has had (each vendor name as imported, each queue, ...).

    Kept by the roll-up refresh so resolving `/qa vendor acme` reads a few
    hundred rows, not the roll-ups.
    """

    __tablename__ = "scope_value"

    column: str = Field(primary_key=True)
    value: str = Field(primary_key=True)


#: The errors roll-ups' split of each category's errors: severities, then outcomes other than correct.
ERROR_SPLIT_COLUMNS = (*AUDIT_SEVERITIES, *(outcome.value for outcome in Outcome if outcome is not Outcome.CORRECT))


@dataclass(frozen=True)
class RollupLevel:
    """A pair of roll-up tables (counts and error categories) keyed by day and `keys`."""

    keys: tuple[str, ...]
    counts: Table
    errors: Table


def _rollup_level(name: str, keys: tuple[str, ...], indexed: tuple[str, ...]) -> RollupLevel:
    def key_columns() -> list[Column]:
        return [Column("day", Date, nullable=False)] + [
            Column(key, String, nullable=key in ("site", "policy", "market")) for key in keys
        ]

    counts = Table(
        f"rollup_{name}_day",
        SQLModel.metadata,
        *key_columns(),
        Column("audits", Integer, nullable=False),
        Column("correct", Integer, nullable=False),
        Column("false_positive", Integer, nullable=False),
        Column("false_negative", Integer, nullable=False),
        Column("wrong_label", Integer, nullable=False),
        Column("timed", Integer, nullable=False, doc="audits that have a handle time"),
        Column("handle_time_sum", Float, nullable=False),
        *[Column(column, Integer, nullable=False) for column in HISTOGRAM_COLUMNS],
        Index(f"ix_rollup_{name}_day_day", "day"),
        *[Index(f"ix_rollup_{name}_day_{key}", key, "day") for key in indexed],
    )
    errors = Table(
        f"errors_{name}_day",
        SQLModel.metadata,
        *key_columns(),
        Column("error_category", String, nullable=False),
        Column("errors", Integer, nullable=False),
        # How each category's errors split, for root-cause analysis (bot/rca): by severity (the rest had
        # none) and by outcome (the three add up to `errors`).
        *[Column(name, Integer, nullable=False, server_default="0") for name in ERROR_SPLIT_COLUMNS],
        Index(f"ix_errors_{name}_day_day", "day"),
        *[Index(f"ix_errors_{name}_day_{key}", key, "day") for key in indexed],
    )
    return RollupLevel(keys, counts, errors)


#: Per agent: every scope column. Answers agent scorecards and rebuilds the level above.
AGENT_LEVEL = _rollup_level("agent", SCOPE_COLUMNS, indexed=("agent_id",))
#: Without the agent: about twenty times fewer rows, for vendor, queue, policy, ... scorecards.
SCOPE_LEVEL = _rollup_level(
    "scope", tuple(c for c in SCOPE_COLUMNS if c != "agent_id"), indexed=("vendor", "queue", "policy")
)

UNCATEGORISED = "(uncategorised)"
