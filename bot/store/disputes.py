"""Disputes, and the final verdicts they put on audits. Decisions are conditional updates, so a double click or
two deciders at once decide once; an overturn changes the audit and its day's roll-ups in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from bot.store.audits import data_version, lock_audits
from bot.store.db import write_lock
from bot.store.kpi import AUDIT, ScopeFilter
from bot.store.models import AGENT_LEVEL, Audit, Outcome
from bot.store.records import Dispute, DisputeStatus
from bot.store.rollups import refresh_rollups_of


def create_dispute(session: Session, *, dispute: Dispute) -> Dispute:
    session.add(dispute)
    session.flush()
    return dispute


def get_dispute(session: Session, *, dispute_id: int) -> Dispute | None:
    return session.get(Dispute, dispute_id)


def open_dispute_of(session: Session, *, audit_id: str) -> Dispute | None:
    query = select(Dispute).where(Dispute.audit_id == audit_id, Dispute.status == DisputeStatus.OPEN.value)
    return session.execute(query).scalars().first()


_FILING_LOCK_KEY = 0x51A0_0002  # any constant; PostgreSQL advisory lock for filings checked against a cap


def lock_filings(session: Session) -> None:
    """Be the only one filing until the transaction ends: a vendor's cap of open disputes is counted and
    kept in one step."""
    write_lock(session.connection(), key=_FILING_LOCK_KEY)


def open_disputes_of_vendor(session: Session, *, spellings: Sequence[str]) -> int:
    """Open disputes of the vendor however the data spells it (`spellings` in lower case)."""
    query = select(func.count()).select_from(Dispute).where(
        func.lower(Dispute.vendor).in_(list(spellings)), Dispute.status == DisputeStatus.OPEN.value)
    return session.execute(query).scalar_one()


def get_audit(session: Session, *, audit_id: str) -> Audit | None:
    """The audit as stored now (not as this session may have read it before)."""
    return session.get(Audit, audit_id, populate_existing=True)


def similar_audit_ids(session: Session, *, text: str, vendors: Sequence[str] | None, limit: int = 200) -> list[str]:
    """Audit ids that begin like `text` (all but its last two characters), among `vendors`' audits when given:
    the candidates for "did you mean"."""
    query = select(Audit.audit_id).where(Audit.audit_id.like(f"{text[:max(1, len(text) - 2)]}%")).limit(limit)
    if vendors is not None:
        query = query.where(Audit.vendor.in_(list(vendors)))
    return list(session.execute(query).scalars())


def decide(session: Session, *, dispute_id: int, status: DisputeStatus, user_id: str, note: str, now: datetime,
           final_label: str | None = None, final_outcome: str | None = None) -> Dispute | None:
    """Record the decision if the dispute is still open; None if someone decided it first."""
    statement = (update(Dispute).where(Dispute.id == dispute_id, Dispute.status == DisputeStatus.OPEN.value)
                 .values(status=status.value, decided_by=user_id, decided_at=now, decision_note=note,
                         final_label=final_label, final_outcome=final_outcome)
                 .returning(Dispute.id))
    if session.execute(statement).first() is None:
        return None
    dispute = get_dispute(session, dispute_id=dispute_id)
    session.refresh(dispute)
    return dispute


def assign(session: Session, *, dispute_id: int, user_id: str) -> Dispute | None:
    statement = (update(Dispute).where(Dispute.id == dispute_id, Dispute.status == DisputeStatus.OPEN.value)
                 .values(assignee_id=user_id).returning(Dispute.id))
    return get_dispute(session, dispute_id=dispute_id) if session.execute(statement).first() else None


def apply_final_verdict(session: Session, *, audit_id: str, qa_decision: str, outcome: str, now: datetime) -> None:
    """Put the final verdict on the audit and rebuild its roll-up rows, in the caller's transaction, holding
    the audits' lock (so an import of the same day waits for it, or it for the import)."""
    lock_audits(session.connection())
    audit = get_audit(session, audit_id=audit_id)
    values = {"qa_decision": qa_decision, "outcome": outcome, "updated_at": now}
    if outcome == Outcome.CORRECT.value:
        values |= {"error_category": None, "severity": None}
    session.execute(update(Audit).where(Audit.audit_id == audit_id).values(**values))
    refresh_rollups_of(session.connection(), day=audit.audit_day,
                       keys={name: getattr(audit, name) for name in AGENT_LEVEL.keys})


def disputed_verdicts(session: Session) -> dict[str, Dispute]:
    """audit id -> its open or overturning dispute: what a re-import must respect (bot/disputes/final_verdicts.py).
    An audit has at most one of each (filing refuses an overturned audit); the overturning one wins."""
    query = (select(Dispute).where(Dispute.status.in_([DisputeStatus.OPEN.value, DisputeStatus.OVERTURNED.value]))
             .order_by(Dispute.status.desc(), Dispute.id))  # 'overturned' after 'open': it wins
    return {dispute.audit_id: dispute for dispute in session.execute(query).scalars()}


def overturning_dispute_of(session: Session, *, audit_id: str) -> Dispute | None:
    query = select(Dispute).where(Dispute.audit_id == audit_id, Dispute.status == DisputeStatus.OVERTURNED.value)
    return session.execute(query).scalars().first()


def supersede(session: Session, *, audit_ids: Sequence[str], now: datetime) -> int:
    """A re-audit replaced these audits' verdicts: their overturning (or open) disputes end as superseded."""
    if not audit_ids:
        return 0
    statement = (update(Dispute).where(Dispute.audit_id.in_(list(audit_ids)), Dispute.status.in_(
        [DisputeStatus.OVERTURNED.value, DisputeStatus.OPEN.value]))
        .values(status=DisputeStatus.SUPERSEDED.value, superseded_at=now))
    return session.execute(statement).rowcount


def untold_supersessions(session: Session) -> list[Dispute]:
    """Disputes a re-audit ended whose thread and filer have not been told yet, oldest first."""
    query = select(Dispute).where(Dispute.status == DisputeStatus.SUPERSEDED.value,
                                  Dispute.superseded_told_at.is_(None)).order_by(Dispute.id)
    return list(session.execute(query).scalars())


def mark_superseded_told(session: Session, *, dispute_id: int, now: datetime) -> None:
    session.execute(update(Dispute).where(Dispute.id == dispute_id).values(superseded_told_at=now))


def list_disputes(session: Session, *, statuses: Sequence[str] | None = None, vendors: Sequence[str] | None = None,
                  filer_id: str | None = None, since: datetime | None = None, limit: int | None = 20
                  ) -> list[Dispute]:
    query = select(Dispute).order_by(Dispute.created_at.desc(), Dispute.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Dispute.created_at >= since)
    if statuses is not None:
        query = query.where(Dispute.status.in_(list(statuses)))
    if vendors is not None:
        query = query.where(Dispute.vendor.in_(list(vendors)))
    if filer_id is not None:
        query = query.where(Dispute.filer_id == filer_id)
    return list(session.execute(query).scalars())


def dispute_counts(session: Session, *, scope: ScopeFilter, first_day: date, last_day: date,
                   audited_between: tuple[datetime, datetime] | None = None) -> tuple[int, int, int]:
    """(disputes filed on the scope's audits of these UTC days, of them overturned, how many more audits are
    correct after disputes than before); with `audited_between`, only on audits done in [start, end), the
    days then being those the two instants fall on.

    Two small queries rather than a join: the period's disputes are few, and a join lets SQLite start from
    the audits (three seconds at 10M)."""
    disputes = session.execute(
        select(Dispute.audit_id, Dispute.status, Dispute.original_outcome, Dispute.final_outcome)
        .where(Dispute.audit_day.between(first_day, last_day), Dispute.status != DisputeStatus.SUPERSEDED.value)
    ).all()
    if not disputes:
        return 0, 0, 0
    a = AUDIT.c
    when = (a.audited_at >= audited_between[0], a.audited_at < audited_between[1]) if audited_between else ()
    inside = set(session.execute(select(a.audit_id).where(
        a.audit_id.in_([row.audit_id for row in disputes]), *when,
        *(a[column].in_(list(values)) for column, values in scope.items()))).scalars())
    mine = [row for row in disputes if row.audit_id in inside]
    overturned = [row for row in mine if row.status == DisputeStatus.OVERTURNED.value]
    correct = Outcome.CORRECT.value
    gained = sum((row.final_outcome == correct) - (row.original_outcome == correct) for row in overturned)
    return len(mine), len(overturned), gained


def figures_version(session: Session) -> tuple[int, ...]:
    """Changes whenever figures may have: an import finished (data_version), a dispute was filed or one
    overturned an audit."""
    disputes = select(func.count(), func.coalesce(func.max(Dispute.id), 0),
                      func.count().filter(Dispute.final_label.is_not(None))).select_from(Dispute)
    return (*data_version(session), *session.execute(disputes).one())


def auditor_vendor_counts(session: Session, *, first_day: date, last_day: date, auditor_id: str | None = None
                          ) -> list[tuple[str, str, int, int]]:
    """(auditor, vendor, audits, audits QA found wrong) over the days: what each auditor did, per vendor.
    Read from the audits (the roll-ups carry no auditor), through the audit_day index."""
    a = AUDIT.c
    query = (select(a.auditor_id, a.vendor, func.count(), func.count().filter(a.outcome != Outcome.CORRECT.value))
             .where(a.audit_day.between(first_day, last_day), a.auditor_id.is_not(None))
             .group_by(a.auditor_id, a.vendor))
    if auditor_id is not None:
        query = query.where(a.auditor_id == auditor_id)
    return [(auditor, vendor, int(audits), int(wrong)) for auditor, vendor, audits, wrong in session.execute(query)]


def disputes_against(session: Session, *, first_day: date, last_day: date, auditor_id: str | None = None
                     ) -> list[Dispute]:
    """Disputes of audits done on these days (superseded ones left out: a re-audit replaced the verdict)."""
    query = select(Dispute).where(Dispute.audit_day.between(first_day, last_day), Dispute.auditor_id.is_not(None),
                                  Dispute.status != DisputeStatus.SUPERSEDED.value)
    if auditor_id is not None:
        query = query.where(Dispute.auditor_id == auditor_id)
    return list(session.execute(query).scalars())
