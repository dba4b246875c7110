"""The scheduler: APScheduler 3 runs each job at fixed slots; a database claim makes each slot run once.

Slots are aligned to a fixed anchor, so every replica computes the same slots; whichever
process claims a slot first (bot.store.job_runs) runs it, the others skip it. Missed runs
coalesce into one, within a grace time of one interval.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.jobs.escalations import repost_unposted
from bot.store.db import session_scope
from bot.store.deliveries import forget_old_deliveries
from bot.store.job_runs import claim, finish

logger = logging.getLogger(__name__)
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class JobContext:
    engine: Engine
    client: WebClient


@dataclass(frozen=True)
class Job:
    id: str
    every: timedelta
    description: str
    work: Callable[[JobContext, datetime], str]
    """Does the job at `now`; returns a short outcome for the log and `qabot jobs list`."""


def _repost(context: JobContext, now: datetime) -> str:
    return f"{repost_unposted(engine=context.engine, client=context.client)} escalation(s) posted"


def _forget(context: JobContext, now: datetime) -> str:
    with session_scope(context.engine) as session:
        return f"{forget_old_deliveries(session, now=now)} old delivery record(s) removed"


JOBS = (
    Job("repost-escalations", timedelta(minutes=5), "post escalations Slack refused earlier", _repost),
    Job("forget-deliveries", timedelta(days=1), "drop retry records older than two days", _forget),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.id == name:
            return job
    raise LookupError(name)


def slot_of(job: Job, now: datetime) -> datetime:
    """The start of the slot `now` falls in: the same on every replica."""
    return ANCHOR + ((now - ANCHOR) // job.every) * job.every


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_in_slot(job: Job, *, context: JobContext, now: datetime, slot: datetime | None = None) -> str | None:
    """Run `job` unless another process already claimed this slot; returns its outcome, or None if skipped."""
    slot = slot or slot_of(job, now)
    with session_scope(context.engine) as session:
        if not claim(session, job_id=job.id, slot=slot, worker=worker_name(), now=now):
            return None
    try:
        outcome = job.work(context, now)
    except Exception:
        logger.exception("job %s failed in slot %s", job.id, slot.isoformat())
        outcome = "failed (see the log)"
    with session_scope(context.engine) as session:
        finish(session, job_id=job.id, slot=slot, now=datetime.now(UTC), outcome=outcome)
    logger.info("job %s, slot %s: %s", job.id, slot.isoformat(), outcome)
    return outcome


def build_scheduler(*, context: JobContext, clock: Callable[[], datetime]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    for job in JOBS:
        seconds = int(job.every.total_seconds())
        scheduler.add_job(
            lambda job=job: run_in_slot(job, context=context, now=clock()),
            IntervalTrigger(seconds=seconds, start_date=ANCHOR, timezone=UTC),
            id=job.id, name=job.description, coalesce=True, max_instances=1, misfire_grace_time=seconds,
            replace_existing=True,
        )
    return scheduler
