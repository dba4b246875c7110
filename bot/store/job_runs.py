"""Claiming scheduled slots: whichever process inserts the row first runs the job, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from bot.store.db import upsert_insert
from bot.store.models import JobRun

MAX_ATTEMPTS = 3


def claim(session: Session, *, job_id: str, slot: datetime, worker: str, now: datetime) -> bool:
    """True for exactly one caller per (job, slot), across processes and replicas.

    A slot whose run failed can be claimed again, up to MAX_ATTEMPTS runs in all.
    """
    table = JobRun.__table__
    statement = upsert_insert(session.get_bind().dialect.name)(table).values(
        job_id=job_id, slot=slot, claimed_by=worker, claimed_at=now, failed=False, attempts=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.job_id, table.c.slot],
        set_={"claimed_by": worker, "claimed_at": now, "finished_at": None, "outcome": None, "failed": False,
              "attempts": table.c.attempts + 1},
        where=table.c.failed & (table.c.attempts < MAX_ATTEMPTS),
    ).returning(table.c.job_id)
    return session.execute(statement).first() is not None


def finish(session: Session, *, job_id: str, slot: datetime, now: datetime, outcome: str, failed: bool) -> JobRun:
    run = session.get(JobRun, (job_id, slot))
    run.finished_at, run.outcome, run.failed = now, outcome, failed
    return run


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest claimed slot of each job."""
    runs: dict[str, JobRun] = {}
    for run in session.execute(select(JobRun).order_by(JobRun.slot)).scalars():
        runs[run.job_id] = run
    return runs


RUNS_KEPT = timedelta(days=30)


def forget_old_runs(session: Session, *, now: datetime) -> int:
    """Drop claims older than RUNS_KEPT (an interval job adds one every few minutes)."""
    return session.execute(delete(JobRun).where(JobRun.slot < now - RUNS_KEPT)).rowcount
