"""Calibration sessions in the store: the draw's candidates, items, participants and verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from bot.store.db import upsert_insert
from bot.store.models import Audit, Outcome
from bot.store.records import (
    CalibrationItem,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    CalibrationVerdict,
)

CANDIDATES_PER_STRATUM = 2000


def calibration_candidates(session: Session, *, queues: Sequence[str] | None, policies: Sequence[str] | None,
                           since: datetime, until: datetime) -> tuple[list[Audit], list[Audit]]:
    """Recent audits of the scope, split into (agent and QA disagreed, agreed); newest first, capped."""
    query = select(Audit).where(Audit.audit_day.between(since.date(), until.date()), Audit.audited_at >= since,
                                Audit.audited_at < until)
    if queues is not None:
        query = query.where(Audit.queue.in_(list(queues)))
    if policies is not None:
        query = query.where(Audit.policy.in_(list(policies)))
    query = query.order_by(Audit.audited_at.desc(), Audit.audit_id)
    disagreed = session.execute(query.where(Audit.outcome != Outcome.CORRECT.value)
                                .limit(CANDIDATES_PER_STRATUM)).scalars().all()
    agreed = session.execute(query.where(Audit.outcome == Outcome.CORRECT.value)
                             .limit(CANDIDATES_PER_STRATUM)).scalars().all()
    return list(disagreed), list(agreed)


def decision_labels(session: Session, *, queues: Sequence[str] | None, policies: Sequence[str] | None,
                    since: datetime, until: datetime | None = None) -> list[str]:
    """Every label agents or QA used in the scope's audits since `since` (before `until`): the choices a
    participant picks from."""
    labels: set[str] = set()
    for column in (Audit.agent_decision, Audit.qa_decision):
        query = select(column).where(Audit.audit_day >= since.date()).distinct()
        if until is not None:
            query = query.where(Audit.audit_day < until.date())
        if queues is not None:
            query = query.where(Audit.queue.in_(list(queues)))
        if policies is not None:
            query = query.where(Audit.policy.in_(list(policies)))
        labels.update(session.execute(query).scalars())
    return sorted(labels)


def create_calibration(session: Session, *, calibration: CalibrationSession, items: Sequence[CalibrationItem],
                       participants: Sequence[str]) -> CalibrationSession:
    session.add(calibration)
    session.flush()
    for position, item in enumerate(items, start=1):
        item.calibration_id, item.position = calibration.id, position
        session.add(item)
    for user_id in dict.fromkeys(participants):
        session.add(CalibrationParticipant(calibration_id=calibration.id, user_id=user_id))
    session.flush()
    return calibration


def get_calibration(session: Session, *, calibration_id: int) -> CalibrationSession | None:
    return session.get(CalibrationSession, calibration_id)


def calibration_items(session: Session, *, calibration_id: int) -> list[CalibrationItem]:
    query = (select(CalibrationItem).where(CalibrationItem.calibration_id == calibration_id)
             .order_by(CalibrationItem.position))
    return list(session.execute(query).scalars())


def participants_of(session: Session, *, calibration_id: int) -> list[CalibrationParticipant]:
    query = (select(CalibrationParticipant).where(CalibrationParticipant.calibration_id == calibration_id)
             .order_by(CalibrationParticipant.user_id))
    return list(session.execute(query).scalars())


def open_for_judging(session: Session, *, calibration_id: int) -> bool:
    """True if the session is open, and then it stays open until this transaction ends: a no-op UPDATE takes
    the row lock on PostgreSQL and the write lock on SQLite, so a close waits for the verdict."""
    statement = (update(CalibrationSession)
                 .where(CalibrationSession.id == calibration_id,
                        CalibrationSession.status == CalibrationStatus.OPEN.value)
                 .values(status=CalibrationSession.status).returning(CalibrationSession.id))
    return session.execute(statement).first() is not None


def record_verdict(session: Session, *, calibration_id: int, position: int, user_id: str, label: str, comment: str,
                   now: datetime) -> None:
    """Keep a participant's label for an item (a second answer replaces the first)."""
    verdict = CalibrationVerdict
    statement = upsert_insert(session.get_bind().dialect.name)(verdict).values(
        calibration_id=calibration_id, position=position, user_id=user_id, label=label, comment=comment, judged_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[verdict.calibration_id, verdict.position, verdict.user_id],
        set_={"label": label, "comment": comment, "judged_at": now}))


def judged_positions(session: Session, *, calibration_id: int, user_id: str) -> set[int]:
    query = select(CalibrationVerdict.position).where(CalibrationVerdict.calibration_id == calibration_id,
                                                      CalibrationVerdict.user_id == user_id)
    return set(session.execute(query).scalars())


def mark_started(session: Session, *, calibration_id: int, user_id: str, now: datetime) -> None:
    session.execute(update(CalibrationParticipant)
                    .where(CalibrationParticipant.calibration_id == calibration_id,
                           CalibrationParticipant.user_id == user_id,
                           CalibrationParticipant.started_at.is_(None))
                    .values(started_at=now))


def mark_finished(session: Session, *, calibration_id: int, user_id: str, now: datetime) -> bool:
    """True the first time only."""
    statement = (update(CalibrationParticipant)
                 .where(CalibrationParticipant.calibration_id == calibration_id, CalibrationParticipant.user_id == user_id,
                        CalibrationParticipant.finished_at.is_(None))
                 .values(finished_at=now).returning(CalibrationParticipant.user_id))
    return session.execute(statement).first() is not None


def verdicts_by_item(session: Session, *, calibration_id: int) -> dict[int, dict[str, str]]:
    """position -> participant -> label, for every item with at least one verdict."""
    query = select(CalibrationVerdict).where(CalibrationVerdict.calibration_id == calibration_id)
    verdicts: dict[int, dict[str, str]] = {}
    for verdict in session.execute(query).scalars():
        verdicts.setdefault(verdict.position, {})[verdict.user_id] = verdict.label
    return verdicts


def claim_close(session: Session, *, calibration_id: int, now: datetime) -> bool:
    """Close an open session to new verdicts; False if another process closed it first."""
    statement = (update(CalibrationSession)
                 .where(CalibrationSession.id == calibration_id,
                        CalibrationSession.status == CalibrationStatus.OPEN.value)
                 .values(status=CalibrationStatus.CLOSED.value, closed_at=now, results_post_claimed_at=now)
                 .returning(CalibrationSession.id))
    return session.execute(statement).first() is not None


def claim_results_post(session: Session, *, calibration_id: int, now: datetime, retry_after: timedelta) -> bool:
    """Claim another try at posting results Slack refused; False while a recent try may still be under way."""
    statement = (update(CalibrationSession)
                 .where(CalibrationSession.id == calibration_id, CalibrationSession.results_posted_at.is_(None),
                        CalibrationSession.results_post_claimed_at <= now - retry_after)
                 .values(results_post_claimed_at=now).returning(CalibrationSession.id))
    return session.execute(statement).first() is not None


def save_results(session: Session, *, calibration_id: int, results: str) -> None:
    session.execute(update(CalibrationSession).where(CalibrationSession.id == calibration_id).values(results=results))


def keep_chart(session: Session, *, calibration_id: int, chart_file_id: str) -> None:
    session.execute(update(CalibrationSession).where(CalibrationSession.id == calibration_id)
                    .values(results_chart_file_id=chart_file_id))


def results_settled(session: Session, *, calibration_id: int, now: datetime) -> None:
    """Posting is over: the results reached their channel, or the channel is gone for good."""
    session.execute(update(CalibrationSession).where(CalibrationSession.id == calibration_id)
                    .values(results_posted_at=now))


def closed_without_results(session: Session, *, before: datetime) -> list[CalibrationSession]:
    """Sessions closed before `before` whose results were never kept (the closing process stopped)."""
    query = select(CalibrationSession).where(CalibrationSession.status == CalibrationStatus.CLOSED.value,
                                             CalibrationSession.results.is_(None), CalibrationSession.closed_at < before)
    return list(session.execute(query.order_by(CalibrationSession.id)).scalars())


def unposted_results(session: Session) -> list[CalibrationSession]:
    """Closed sessions whose results Slack refused so far."""
    query = select(CalibrationSession).where(CalibrationSession.status == CalibrationStatus.CLOSED.value,
                                             CalibrationSession.results.is_not(None),
                                             CalibrationSession.results_posted_at.is_(None))
    return list(session.execute(query.order_by(CalibrationSession.id)).scalars())


def open_calibrations(session: Session) -> list[CalibrationSession]:
    query = select(CalibrationSession).where(CalibrationSession.status == CalibrationStatus.OPEN.value)
    return list(session.execute(query.order_by(CalibrationSession.id)).scalars())


def recent_calibrations(session: Session, *, limit: int) -> list[CalibrationSession]:
    query = select(CalibrationSession).order_by(CalibrationSession.created_at.desc(), CalibrationSession.id.desc())
    return list(session.execute(query.limit(limit)).scalars())


def unfinished_count(session: Session, *, calibration_id: int) -> int:
    query = select(func.count()).select_from(CalibrationParticipant).where(
        CalibrationParticipant.calibration_id == calibration_id, CalibrationParticipant.finished_at.is_(None))
    return session.execute(query).scalar_one()


def claim_reminder(session: Session, *, calibration_id: int, now: datetime) -> bool:
    """True once per session: whoever sets `reminded_at` first sends the reminders."""
    statement = (update(CalibrationSession)
                 .where(CalibrationSession.id == calibration_id, CalibrationSession.reminded_at.is_(None),
                        CalibrationSession.status == CalibrationStatus.OPEN.value)
                 .values(reminded_at=now).returning(CalibrationSession.id))
    return session.execute(statement).first() is not None


def judged_counts(session: Session, *, calibration_id: int) -> dict[str, int]:
    """participant -> items judged so far."""
    query = (select(CalibrationVerdict.user_id, func.count()).where(CalibrationVerdict.calibration_id == calibration_id)
             .group_by(CalibrationVerdict.user_id))
    return {user: int(n) for user, n in session.execute(query)}


def comments_by_item(session: Session, *, calibration_id: int) -> dict[int, list[tuple[str, str]]]:
    """position -> (participant, comment), for the verdicts that came with a comment."""
    query = (select(CalibrationVerdict).where(CalibrationVerdict.calibration_id == calibration_id,
                                              CalibrationVerdict.comment != "")
             .order_by(CalibrationVerdict.position, CalibrationVerdict.judged_at))
    comments: dict[int, list[tuple[str, str]]] = {}
    for verdict in session.execute(query).scalars():
        comments.setdefault(verdict.position, []).append((verdict.user_id, verdict.comment))
    return comments
