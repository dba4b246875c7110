"""The records people make and follow in Slack: escalations and their history, alerts, calibration
sessions, coaching. Audits and their roll-ups are in bot/store/models.py."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, text
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


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


class CoachingStatus(StrEnum):
    OPEN = "open"
    """Waiting for its follow-up date."""
    FOLLOWED_UP = "followed up"
    """The result was sent; the coach may close it or extend the follow-up."""
    CLOSED = "closed"


class CoachingRecord(SQLModel, table=True):
    """One agent coached on one focus, followed up on a date; shown to people as COACH-<id>."""

    __tablename__ = "coaching"

    id: int | None = Field(default=None, primary_key=True)
    agent_id: str = Field(index=True)
    vendor: str | None = Field(default=None, description="the agent's vendor as in the data, if they have one")
    focus_category: str | None = None
    focus_policy: str | None = None
    audit_ids: str = Field(default="", description="the audits the coaching is about, one a line")
    notes: str = ""
    coach_id: str
    created_by: str
    coached_at: datetime = Field(sa_type=UTCDateTime)
    follow_up_on: date
    status: str = Field(default=CoachingStatus.OPEN.value, sa_type=String(16), index=True)
    follow_up_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                                  description="who follows up is claimed, so replicas send once")
    followed_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verdict: str | None = None
    result: str | None = Field(default=None, description="the follow-up's figures as JSON, kept")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None

    @property
    def readable_id(self) -> str:
        return f"COACH-{self.id}"

    @property
    def audit_list(self) -> list[str]:
        return self.audit_ids.splitlines()

    @property
    def result_figures(self) -> dict:
        """The follow-up's figures (bot.coaching.effect.Effect.as_json); empty before the follow-up."""
        return json.loads(self.result) if self.result else {}


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    SUPERSEDED = "superseded"
    """A re-import brought a new QA verdict for the audit (a re-audit): that verdict stands."""


class Dispute(SQLModel, table=True):
    """A vendor contests one audit's QA verdict; shown to people as DSP-<id>. Keeps the audit's history: the
    original QA label and outcome, the final ones, who decided, when and why."""

    __tablename__ = "dispute"
    __table_args__ = (
        Index("ux_dispute_open", "audit_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    audit_id: str = Field(index=True)
    vendor: str = Field(description="the audit's vendor as in the data")
    agent_id: str
    auditor_id: str | None = None
    audit_day: date = Field(index=True, description="the audit's UTC day: the figures count a dispute there")
    filer_id: str
    proposed_label: str
    reason: str
    evidence: str = ""
    status: str = Field(default=DisputeStatus.OPEN.value, sa_type=String(16), index=True)
    original_label: str
    original_outcome: str = Field(sa_type=String(16))
    original_category: str | None = Field(default=None, description="QA's error category, as audited")
    final_label: str | None = None
    final_outcome: str | None = Field(default=None, sa_type=String(16))
    assignee_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str | None = None
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_told_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="when its message and filer were told of the re-audit")
    created_at: datetime = Field(sa_type=UTCDateTime)
    decide_due_at: datetime = Field(sa_type=UTCDateTime)
    channel_id: str
    message_ts: str | None = Field(default=None, description="set once the post reached Slack")

    @property
    def readable_id(self) -> str:
        return f"DSP-{self.id}"
