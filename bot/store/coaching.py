"""Coaching records, changed by conditional updates so that double clicks and replicas change each once;
and the focus counts a follow-up compares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from bot.store.kpi import AUDIT, error_category
from bot.store.models import AGENT_LEVEL, Audit, Outcome
from bot.store.records import CoachingRecord, CoachingStatus

#: A claimed follow-up not sent after this long (the process died) may be claimed again.
FOLLOW_UP_RETRY = timedelta(minutes=30)


def create_coaching(session: Session, *, record: CoachingRecord) -> CoachingRecord:
    session.add(record)
    session.flush()
    return record


def get_coaching(session: Session, *, coaching_id: int) -> CoachingRecord | None:
    return session.get(CoachingRecord, coaching_id)


def list_coaching(session: Session, *, agent_ids: Sequence[str] | None = None, vendors: Sequence[str] | None = None,
                  coach_id: str | None = None, due_by: date | None = None, statuses: Sequence[str] | None = None,
                  limit: int | None = None) -> list[CoachingRecord]:
    """Newest first, narrowed by whichever filters are given (`vendors`: as in the data, like the records)."""
    query = select(CoachingRecord).order_by(CoachingRecord.coached_at.desc(), CoachingRecord.id.desc()).limit(limit)
    if agent_ids is not None:
        query = query.where(CoachingRecord.agent_id.in_(list(agent_ids)))
    if vendors is not None:
        query = query.where(CoachingRecord.vendor.in_(list(vendors)))
    if coach_id is not None:
        query = query.where(CoachingRecord.coach_id == coach_id)
    if due_by is not None:
        query = query.where(CoachingRecord.follow_up_on <= due_by)
    if statuses is not None:
        query = query.where(CoachingRecord.status.in_(list(statuses)))
    return list(session.execute(query).scalars())


def claim_follow_up(session: Session, *, coaching_id: int, today: date, now: datetime) -> CoachingRecord | None:
    """The record, if its follow-up is due and no process is sending it (or one gave up long ago)."""
    statement = (update(CoachingRecord)
                 .where(CoachingRecord.id == coaching_id, CoachingRecord.status == CoachingStatus.OPEN.value,
                        CoachingRecord.follow_up_on <= today,
                        CoachingRecord.follow_up_claimed_at.is_(None)
                        | (CoachingRecord.follow_up_claimed_at <= now - FOLLOW_UP_RETRY))
                 .values(follow_up_claimed_at=now).returning(CoachingRecord.id))
    return get_coaching(session, coaching_id=coaching_id) if session.execute(statement).first() else None


def record_follow_up(session: Session, *, coaching_id: int, claimed_at: datetime, verdict: str, result: str,
                     now: datetime) -> bool:
    """Keep the follow-up's figures; False if the record changed since this follow-up claimed it (closed or
    extended meanwhile): then that change stands."""
    statement = (update(CoachingRecord)
                 .where(CoachingRecord.id == coaching_id, CoachingRecord.status == CoachingStatus.OPEN.value,
                        CoachingRecord.follow_up_claimed_at == claimed_at)
                 .values(status=CoachingStatus.FOLLOWED_UP.value, verdict=verdict, result=result, followed_up_at=now)
                 .returning(CoachingRecord.id))
    return session.execute(statement).first() is not None


def close_coaching(session: Session, *, coaching_id: int, user_id: str, now: datetime) -> CoachingRecord | None:
    """Close it; None if it was closed already (a second click changes nothing)."""
    statement = (update(CoachingRecord)
                 .where(CoachingRecord.id == coaching_id, CoachingRecord.status != CoachingStatus.CLOSED.value)
                 .values(status=CoachingStatus.CLOSED.value, closed_at=now, closed_by=user_id)
                 .returning(CoachingRecord.id))
    return get_coaching(session, coaching_id=coaching_id) if session.execute(statement).first() else None


def extend_follow_up(session: Session, *, coaching_id: int, follow_up_on: date) -> CoachingRecord | None:
    """Follow up again on a later date; None if it is closed or already waits for that date or later."""
    statement = (update(CoachingRecord)
                 .where(CoachingRecord.id == coaching_id, CoachingRecord.status != CoachingStatus.CLOSED.value,
                        CoachingRecord.follow_up_on < follow_up_on)
                 .values(status=CoachingStatus.OPEN.value, follow_up_on=follow_up_on, follow_up_claimed_at=None)
                 .returning(CoachingRecord.id))
    return get_coaching(session, coaching_id=coaching_id) if session.execute(statement).first() else None


def agents_of_audits(session: Session, *, audit_ids: Sequence[str]) -> dict[str, str]:
    """audit id -> its agent, for the ids that exist."""
    if not audit_ids:
        return {}
    query = select(Audit.audit_id, Audit.agent_id).where(Audit.audit_id.in_(list(audit_ids)))
    return dict(session.execute(query).all())


def latest_focus_errors(session: Session, *, agent_ids: Sequence[str], category: str | None, policy: str | None,
                        first_day: date, last_day: date, limit: int) -> list[str]:
    """Audit ids of the agent's latest errors of the focus (the category, in the policy; either may be None)."""
    a = AUDIT.c
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=UTC)
    query = (select(a.audit_id)  # the partial index of agents' errors (agent_id, audited_at) answers this
             .where(a.agent_id.in_(list(agent_ids)), a.audited_at >= start, a.audited_at < end,
                    a.outcome != Outcome.CORRECT.value)
             .order_by(a.audited_at.desc(), a.audit_id).limit(limit))
    if category is not None:
        query = query.where(error_category() == category)
    if policy is not None:
        query = query.where(a.policy == policy)
    return list(session.execute(query).scalars())


def focus_counts(session: Session, *, agent_id: str, category: str | None, policy: str | None, first_day: date,
                 last_day: date) -> tuple[int, int]:
    """(audits, audits right on the focus) of the agent over the days: within the focus policy if there is one;
    right means no error of the focus category if there is one, else correct."""
    counts, errors = AGENT_LEVEL.counts, AGENT_LEVEL.errors

    def where(table):
        conditions = [table.c.agent_id == agent_id, table.c.day.between(first_day, last_day)]
        return conditions + ([table.c.policy == policy] if policy is not None else [])

    audits, correct = session.execute(
        select(func.coalesce(func.sum(counts.c.audits), 0), func.coalesce(func.sum(counts.c.correct), 0))
        .where(*where(counts))).one()
    if category is None:
        return int(audits), int(correct)
    wrong = session.execute(select(func.coalesce(func.sum(errors.c.errors), 0))
                            .where(*where(errors), errors.c.error_category == category)).scalar_one()
    return int(audits), int(audits) - int(wrong)
