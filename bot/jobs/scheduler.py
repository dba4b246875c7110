"""The scheduler: APScheduler 3 fires each job; a database claim makes each of its slots run once.

A slot is the scheduled moment a run belongs to: for interval jobs a multiple of the
interval since a fixed anchor, for morning posts the team's local time on one of its
weekdays. Every replica computes the same slots; whichever process claims a slot first
(bot.store.job_runs) runs it, the others skip it. Missed runs coalesce into one: on start
and every few minutes after, each job's latest slot is run if no process ran it (or its run
failed, up to MAX_ATTEMPTS) and it is still within the job's grace time.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import wall_now
from bot.coaching.follow_up import follow_up_due, post_digest
from bot.config import TeamConfig
from bot.disputes.supersessions import tell_supersessions
from bot.jobs.alerts import check_alerts
from bot.jobs.calibrations import check_calibrations
from bot.jobs.escalations import repost_unposted
from bot.jobs.partitions import keep_partitions
from bot.kpi.local_days import latest_post_time
from bot.kpi.morning_service import post_morning
from bot.review.scheduled import REVIEW_MONTHS, post_scheduled_review
from bot.runtime import Runtime
from bot.store.db import session_scope
from bot.store.deliveries import forget_old_deliveries
from bot.store.job_runs import MAX_ATTEMPTS, claim, finish, forget_old_runs

logger = logging.getLogger(__name__)
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
MORNING_CATCH_UP = timedelta(hours=3)
"""A morning post missed while no bot ran is still made this long after its time, not later."""
CATCH_UP_EVERY_S = 300


@dataclass(frozen=True)
class LocalSchedule:
    zone: ZoneInfo
    at: time
    weekdays: tuple[str, ...]
    months: tuple[int, ...] = ()
    """When set, only the first of `weekdays` in each of these months (a monthly or quarterly review)."""


@dataclass(frozen=True)
class Job:
    id: str
    description: str
    work: Callable[..., str]
    """work(runtime, now=..., slot=...): does the job for `slot` at `now`; returns a short outcome."""
    every: timedelta | None = None
    local: LocalSchedule | None = None
    needs_slack: bool = True

    def slot(self, now: datetime) -> datetime | None:
        """The start of the latest slot at or before `now`: the same on every replica."""
        if self.every is not None:
            return ANCHOR + ((now - ANCHOR) // self.every) * self.every
        return latest_post_time(zone=self.local.zone, at=self.local.at, weekdays=list(self.local.weekdays), now=now,
                                months=self.local.months)

    @property
    def grace(self) -> timedelta:
        return self.every if self.every is not None else MORNING_CATCH_UP

    def trigger(self) -> BaseTrigger:
        if self.every is not None:
            return IntervalTrigger(seconds=int(self.every.total_seconds()), start_date=ANCHOR, timezone=UTC)
        months = self.local.months
        return CronTrigger(month=",".join(map(str, months)) if months else "*", day="1-7" if months else "*",
                           day_of_week=",".join(self.local.weekdays), hour=self.local.at.hour,
                           minute=self.local.at.minute, timezone=self.local.zone)

    def schedule(self) -> str:
        if self.every is not None:
            return f"every {_span(self.every)}"
        when = f"{self.local.at:%H:%M} {self.local.zone.key} {','.join(self.local.weekdays)}"
        return when + (f", the first in months {','.join(map(str, self.local.months))}" if self.local.months else "")


def _span(every: timedelta) -> str:
    minutes = int(every.total_seconds() // 60)
    return f"{minutes // 1440} d" if minutes % 1440 == 0 else f"{minutes // 60} h" if minutes % 60 == 0 \
        else f"{minutes} min"


def _repost(runtime: Runtime, *, now: datetime, slot: datetime) -> str:
    return f"{repost_unposted(engine=runtime.engine, client=runtime.client)} escalation(s) posted"


def _forget(runtime: Runtime, *, now: datetime, slot: datetime) -> str:
    with session_scope(runtime.engine) as session:
        deliveries = forget_old_deliveries(session, now=now)
        runs = forget_old_runs(session, now=now)
    return f"{deliveries} old delivery record(s) and {runs} old job run(s) removed"


def _monitor(runtime: Runtime, *, now: datetime, slot: datetime) -> str:
    return check_alerts(runtime, now=now)


def _calibrations(runtime: Runtime, *, now: datetime, slot: datetime) -> str:
    return check_calibrations(runtime, now=now)


def jobs_for(config: TeamConfig) -> list[Job]:
    """Every job of this configuration, with stable ids (a team's post is `morning-post:<team>`)."""
    jobs = [
        Job("repost-escalations", "post escalations Slack refused earlier", _repost, every=timedelta(minutes=5)),
        Job("forget-deliveries", "drop retry records older than two days and job runs older than 30 days",
            _forget, every=timedelta(days=1), needs_slack=False),
        Job("alert-monitor", "check the SLA-breach rules; open, remind and resolve alerts", _monitor,
            every=timedelta(minutes=config.alerts.check_every_min)),
        Job("calibrations", "remind calibration participants; post results when done or due", _calibrations,
            every=timedelta(minutes=5)),
    ]
    jobs.append(Job("audit-partitions", "create the audit table's monthly partitions ahead (PostgreSQL)",
                    lambda runtime, *, now, slot: keep_partitions(runtime, now=now), every=timedelta(days=1),
                    needs_slack=False))
    jobs.append(Job("dispute-supersessions", "tell disputes' threads and filers when a re-audit ended them",
                    lambda runtime, *, now, slot: tell_supersessions(runtime, now=now), every=timedelta(minutes=5)))
    jobs.append(Job("coaching-follow-ups", "measure coaching due for follow-up and tell the coach and leads",
                    lambda runtime, *, now, slot: follow_up_due(runtime, now=now), every=timedelta(hours=1)))
    digest = config.coaching
    for key, vendor in config.vendors.items():
        if vendor.leads_channel:
            jobs.append(Job(f"coaching-digest:{key}", f"weekly coaching candidates of {vendor.display_name(key)} in "
                            f"{vendor.leads_channel}",
                            lambda runtime, *, now, slot, key=key: post_digest(runtime, vendor_key=key, day_of=slot),
                            local=LocalSchedule(ZoneInfo(digest.digest_timezone), time.fromisoformat(digest.digest_at),
                                                (digest.digest_day,))))
    for key, team in config.teams.items():
        jobs.append(Job(f"morning-post:{key}", f"morning KPI post of {team.name or key} in {team.channel}",
                        lambda runtime, *, now, slot, key=key: post_morning(runtime, team_key=key, now=now,
                                                                            day_of=slot),
                        local=LocalSchedule(team.zone, team.local_time, tuple(team.weekdays))))
    for name, review in config.reviews.items():
        jobs.append(Job(f"review:{name}", f"{review.period}ly business review of {review.scope_label()} in "
                        f"{review.channel}",
                        lambda runtime, *, now, slot, name=name: post_scheduled_review(runtime, name=name, now=now,
                                                                                       day_of=slot),
                        local=LocalSchedule(review.zone, review.local_time, (review.day,),
                                            REVIEW_MONTHS[review.period])))
    return jobs


def job_named(jobs: list[Job], name: str) -> Job:
    for job in jobs:
        if job.id == name:
            return job
    raise LookupError(name)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_in_slot(job: Job, *, runtime: Runtime, now: datetime, slot: datetime | None = None) -> str | None:
    """Run `job` in `slot` (by default its latest) unless another process claimed it; None if skipped."""
    slot = slot or job.slot(now)
    if slot is None:
        return None
    with session_scope(runtime.engine) as session:
        if not claim(session, job_id=job.id, slot=slot, worker=worker_name(), now=now):
            runtime.metrics.job_ran(job=job.id, outcome="skipped")
            return None
    failed = False
    started = monotonic()
    try:
        outcome = job.work(runtime, now=now, slot=slot)
    except Exception:
        logger.exception("job %s failed in slot %s", job.id, slot.isoformat())
        outcome, failed = "failed (see the log)", True
    runtime.metrics.job_ran(job=job.id, outcome="failed" if failed else "ok", seconds=monotonic() - started)
    with session_scope(runtime.engine) as session:
        run = finish(session, job_id=job.id, slot=slot, now=runtime.clock(), outcome=outcome, failed=failed)
        if failed:
            run.outcome = outcome = (f"failed, attempt {run.attempts} of {MAX_ATTEMPTS} (see the log)"
                                     + ("; retried within its grace time" if run.attempts < MAX_ATTEMPTS else ""))
    logger.info("job %s, slot %s: %s", job.id, slot.isoformat(), outcome)
    return outcome


def run_if_due(job: Job, *, runtime: Runtime, now: datetime) -> str | None:
    """Run the job's latest slot if it is still within its grace time and no process ran it yet."""
    slot = job.slot(now)
    if slot is None or now - slot > job.grace:
        return None
    return run_in_slot(job, runtime=runtime, now=now, slot=slot)


def catch_up(jobs: list[Job], *, runtime: Runtime, now: datetime) -> dict[str, str | None]:
    """run_if_due for every job: slots missed while no bot ran, and failed runs worth another try."""
    return {job.id: run_if_due(job, runtime=runtime, now=now) for job in jobs}


def build_scheduler(*, runtime: Runtime) -> BackgroundScheduler:
    """Every job on its trigger, plus a catch-up pass right after start and every few minutes; `now` is
    always the runtime's clock."""
    scheduler = BackgroundScheduler(timezone=UTC)
    jobs = jobs_for(runtime.config)
    for job in jobs:
        scheduler.add_job(
            lambda job=job: run_in_slot(job, runtime=runtime, now=runtime.clock()), job.trigger(),
            id=job.id, name=job.description, coalesce=True, max_instances=1,
            misfire_grace_time=int(job.grace.total_seconds()), replace_existing=True,
        )
    scheduler.add_job(lambda: catch_up(jobs, runtime=runtime, now=runtime.clock()),
                      IntervalTrigger(seconds=CATCH_UP_EVERY_S),
                      id="catch-up", name="run slots missed while no bot ran, retry failed runs",
                      next_run_time=wall_now(), coalesce=True, max_instances=1, misfire_grace_time=None)
    return scheduler
