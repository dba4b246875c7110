"""Escalations and their history. Stored before anything is posted, so nothing typed is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.store.models import Escalation, EscalationEvent, EscalationStatus


def create_escalation(session: Session, *, escalation: Escalation, now: datetime) -> Escalation:
    """Store a new escalation and its first history line; returns it with its id."""
    session.add(escalation)
    session.flush()
    record_event(session, escalation_id=escalation.id, actor_id=escalation.reporter_id, kind="filed", now=now,
                 detail=f"{escalation.severity} {escalation.category}: {escalation.title}")
    return escalation


def record_event(session: Session, *, escalation_id: int, actor_id: str, kind: str, now: datetime,
                 detail: str = "") -> EscalationEvent:
    event = EscalationEvent(escalation_id=escalation_id, actor_id=actor_id, kind=kind, at=now, detail=detail)
    session.add(event)
    session.flush()
    return event


def set_message(session: Session, *, escalation_id: int, channel_id: str, message_ts: str) -> None:
    escalation = session.get(Escalation, escalation_id)
    escalation.channel_id, escalation.message_ts = channel_id, message_ts


def get_escalation(session: Session, *, escalation_id: int) -> Escalation | None:
    return session.get(Escalation, escalation_id)


def history(session: Session, *, escalation_id: int) -> list[EscalationEvent]:
    query = select(EscalationEvent).where(EscalationEvent.escalation_id == escalation_id).order_by(
        EscalationEvent.at, EscalationEvent.id)
    return list(session.execute(query).scalars())


def list_escalations(
    session: Session,
    *,
    open_only: bool = True,
    involving: str | None = None,
    vendors: tuple[str, ...] | None = None,
    limit: int = 20,
) -> list[Escalation]:
    """Newest first; `involving` keeps those a user reported or is assigned to."""
    query = select(Escalation).order_by(Escalation.created_at.desc(), Escalation.id.desc()).limit(limit)
    if open_only:
        query = query.where(Escalation.status != EscalationStatus.RESOLVED.value)
    if involving:
        query = query.where((Escalation.reporter_id == involving) | (Escalation.assignee_id == involving))
    if vendors is not None:
        query = query.where(Escalation.vendor.in_(vendors))
    return list(session.execute(query).scalars())


def unposted_escalations(session: Session) -> list[Escalation]:
    """Stored but never reached Slack (posting failed): to be posted again."""
    query = select(Escalation).where(Escalation.message_ts.is_(None)).order_by(Escalation.id)
    return list(session.execute(query).scalars())
