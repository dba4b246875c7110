"""Escalations and their history. Stored before anything is posted, so nothing typed is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update
from sqlmodel import Session

from bot.store.records import Escalation, EscalationEvent, TrackedStatus


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


def get_escalation(session: Session, *, escalation_id: int) -> Escalation | None:
    return session.get(Escalation, escalation_id)


def find_by_message(session: Session, *, channel_id: str, message_ts: str) -> Escalation | None:
    query = select(Escalation).where(Escalation.channel_id == channel_id, Escalation.message_ts == message_ts)
    return session.execute(query).scalars().first()


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
    limit: int | None = 20,
) -> list[Escalation]:
    """Newest first; `involving` keeps those a user reported or is assigned to."""
    query = select(Escalation).order_by(Escalation.created_at.desc(), Escalation.id.desc()).limit(limit)
    if open_only:
        query = query.where(Escalation.status != TrackedStatus.RESOLVED.value)
    if involving:
        query = query.where((Escalation.reporter_id == involving) | (Escalation.assignee_id == involving))
    if vendors is not None:
        query = query.where(Escalation.vendor.in_(vendors))
    return list(session.execute(query).scalars())


def resolved_between(session: Session, *, start: datetime, end: datetime) -> list[Escalation]:
    """Escalations resolved in [start, end), with the root cause recorded then: for root-cause analysis."""
    query = select(Escalation).where(Escalation.status == TrackedStatus.RESOLVED.value,
                                     Escalation.resolved_at >= start, Escalation.resolved_at < end)
    return list(session.execute(query.order_by(Escalation.id)).scalars())


def unposted_escalations(session: Session) -> list[Escalation]:
    """Stored but never reached Slack (posting failed): to be posted again."""
    query = select(Escalation).where(Escalation.message_ts.is_(None)).order_by(Escalation.id)
    return list(session.execute(query).scalars())


def _change(session: Session, *, escalation_id: int, when, values: dict, actor_id: str, kind: str, now: datetime,
            detail: str = "") -> Escalation | None:
    """Apply `values` only where `when` still holds, in one statement: a double click or two people at
    once change the record exactly once. Returns the changed escalation, or None if nothing changed."""
    statement = (update(Escalation).where(Escalation.id == escalation_id, when).values(**values)
                 .returning(Escalation.id))
    if session.execute(statement).first() is None:
        return None
    record_event(session, escalation_id=escalation_id, actor_id=actor_id, kind=kind, now=now, detail=detail)
    escalation = session.get(Escalation, escalation_id)
    session.refresh(escalation)
    return escalation


def acknowledge(session: Session, *, escalation_id: int, user_id: str, now: datetime) -> Escalation | None:
    return _change(session, escalation_id=escalation_id, actor_id=user_id, kind="acknowledged", now=now,
                   when=(Escalation.status == TrackedStatus.OPEN.value) & Escalation.acknowledged_at.is_(None),
                   values={"status": TrackedStatus.ACKNOWLEDGED.value, "acknowledged_at": now,
                           "acknowledged_by": user_id})


def assign(session: Session, *, escalation_id: int, assignee_id: str, actor_id: str,
           now: datetime) -> Escalation | None:
    return _change(session, escalation_id=escalation_id, actor_id=actor_id, kind="assigned", now=now,
                   detail=assignee_id,
                   when=(Escalation.status != TrackedStatus.RESOLVED.value)
                   & Escalation.assignee_id.is_distinct_from(assignee_id),
                   values={"assignee_id": assignee_id})


def resolve(session: Session, *, escalation_id: int, user_id: str, resolution: str, root_cause: str,
            now: datetime) -> Escalation | None:
    return _change(session, escalation_id=escalation_id, actor_id=user_id, kind="resolved", now=now,
                   detail=f"{root_cause}: {resolution}",
                   when=Escalation.status != TrackedStatus.RESOLVED.value,
                   values={"status": TrackedStatus.RESOLVED.value, "resolved_at": now, "resolved_by": user_id,
                           "resolution": resolution, "root_cause": root_cause})


def reopen(session: Session, *, escalation_id: int, user_id: str, now: datetime) -> Escalation | None:
    return _change(session, escalation_id=escalation_id, actor_id=user_id, kind="reopened", now=now,
                   when=Escalation.status == TrackedStatus.RESOLVED.value,
                   values={"status": case((Escalation.acknowledged_at.is_(None), TrackedStatus.OPEN.value),
                                          else_=TrackedStatus.ACKNOWLEDGED.value),
                           "resolved_at": None, "resolved_by": None})
