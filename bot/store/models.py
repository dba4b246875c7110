"""The tables. Audits are the source of truth; roll-ups are derived from them.

Roll-ups hold one row per UTC day and combination of scope columns, so a
scorecard sums a few thousand rows instead of scanning millions of audits.
They are rebuilt for every day an import touches (see bot.store.audits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, SmallInteger, String, Table, text
from sqlmodel import Field, SQLModel

from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.scopes import SCOPE_KINDS
from bot.store.types import UTCDateTime

#: Columns that slice audits into scopes, one per scope kind: the roll-ups' keys.
SCOPE_COLUMNS = tuple(SCOPE_KINDS.values())
HISTOGRAM_COLUMNS = tuple(f"ht_{index:02d}" for index in range(BUCKET_COUNT))


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


class TrackedStatus(StrEnum):
    """Where an escalation or an alert stands: the same three steps for both, stored as these strings."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Escalation(SQLModel, table=True):
    """An urgent problem filed by a person, on an SLA clock; shown to people as ESC-<id>."""

    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    category: str
    severity: str = Field(sa_type=String(2))
    vendor: str | None = None
    queue: str | None = None
    items: str = Field(default="", description="affected item ids or URLs, one a line")
    description: str = ""
    reporter_id: str
    assignee_id: str | None = None
    status: str = Field(default=TrackedStatus.OPEN.value, sa_type=String(16), index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    acknowledge_due_at: datetime = Field(sa_type=UTCDateTime)
    resolve_due_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: str | None = None
    resolution: str | None = None
    root_cause: str | None = None
    channel_id: str
    message_ts: str | None = Field(default=None, description="set once the post reached Slack")
    source_permalink: str | None = None

    @property
    def readable_id(self) -> str:
        return f"ESC-{self.id}"

    def waiting_on(self) -> tuple[str, datetime] | None:
        """What the SLA clock runs for and its deadline: acknowledgement while open, then resolution."""
        if self.status == TrackedStatus.RESOLVED.value:
            return None
        if self.status == TrackedStatus.OPEN.value:
            return "acknowledgement", self.acknowledge_due_at
        return "resolution", self.resolve_due_at


class EscalationEvent(SQLModel, table=True):
    """Every change to an escalation, in order: its history."""

    __tablename__ = "escalation_event"

    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: str
    kind: str = Field(sa_type=String(24))
    detail: str = ""


class Alert(SQLModel, table=True):
    """A breach the monitor found, shown to people as ALERT-<id>.

    At most one alert per rule and subject is unresolved at a time (a partial unique
    index), so a condition that stays true never posts twice, on any replica.
    """

    __tablename__ = "alert"
    __table_args__ = (
        Index("ux_alert_unresolved", "rule", "subject", unique=True,
              sqlite_where=text("status != 'resolved'"), postgresql_where=text("status != 'resolved'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(sa_type=String(32))
    subject: str = Field(description="what breached, e.g. 'vendor:Acme BPO' or 'ESC-12:acknowledge'")
    vendor: str | None = Field(default=None, description="the vendor concerned, as in the data, if any")
    title: str
    summary: str = Field(description="what breached and by how much, as last measured")
    breached_since: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=TrackedStatus.OPEN.value, sa_type=String(16), index=True)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = None
    channel_id: str
    message_ts: str | None = Field(default=None, description="set once the post reached Slack")
    post_attempted_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                               description="who posts is claimed, so replicas never post twice")
    reminders_sent: int = 0
    last_reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def readable_id(self) -> str:
        return f"ALERT-{self.id}"


class CalibrationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CalibrationSession(SQLModel, table=True):
    """Several people judge the same items blind; shown to people as CAL-<id>."""

    __tablename__ = "calibration_session"

    id: int | None = Field(default=None, primary_key=True)
    requester_id: str
    queue: str | None = None
    policy: str | None = None
    labels: str = Field(description="the label choices, one a line, in the order shown")
    expert_id: str | None = Field(default=None, description="whose verdict is the reference, if anyone's")
    results_channel: str
    due_at: datetime = Field(sa_type=UTCDateTime)
    seed: int = Field(description="the draw's seed: the same seed and audits give the same items")
    status: str = Field(default=CalibrationStatus.OPEN.value, sa_type=String(16), index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results: str | None = Field(default=None, description="the results as JSON, kept when the session closes")
    results_posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results_post_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                                     description="who posts is claimed, so replicas post once")
    results_chart_file_id: str | None = Field(default=None, description="the uploaded chart, shown again later")

    @property
    def readable_id(self) -> str:
        return f"CAL-{self.id}"

    @property
    def label_list(self) -> list[str]:
        return self.labels.splitlines()


def _calibration_key() -> Column:
    """The session a row belongs to: `calibration_id` in code, `session_id` in the tables (migration 0006)."""
    return Column("session_id", Integer, ForeignKey("calibration_session.id"), primary_key=True)


class CalibrationItem(SQLModel, table=True):
    """One item of a session, in the order every participant sees them."""

    __tablename__ = "calibration_item"

    calibration_id: int = Field(sa_column=_calibration_key())
    position: int = Field(primary_key=True)
    item_id: str
    audit_id: str | None = None
    queue: str | None = None
    policy: str | None = None
    notes: str = ""
    agent_qa_disagreed: bool = Field(default=False, description="the stratum it was drawn from (never shown)")


class CalibrationParticipant(SQLModel, table=True):
    __tablename__ = "calibration_participant"

    calibration_id: int = Field(sa_column=_calibration_key())
    user_id: str = Field(primary_key=True)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CalibrationVerdict(SQLModel, table=True):
    """One participant's label for one item; judged again, it is replaced."""

    __tablename__ = "calibration_verdict"

    calibration_id: int = Field(sa_column=_calibration_key())
    position: int = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    label: str
    comment: str = ""
    judged_at: datetime = Field(sa_type=UTCDateTime)


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
