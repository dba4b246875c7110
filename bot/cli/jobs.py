"""`qabot jobs list` and `qabot jobs run`: the scheduled jobs, looked at or run by hand."""

from __future__ import annotations

from datetime import UTC

import click

from bot.cli.common import AppContext, job_runtime
from bot.clock import utc_now
from bot.errors import QabotError


@click.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs: list them, or run one now."""


@jobs_group.command("list")
@click.pass_obj
def jobs_list(app: AppContext) -> None:
    """Each job, when it runs, its next run and its last run."""
    from bot.jobs.scheduler import jobs_for
    from bot.store.db import session_scope
    from bot.store.job_runs import last_runs

    now = utc_now()
    with session_scope(app.upgraded_engine()) as session:
        runs = last_runs(session)
    for job in jobs_for(app.config):
        last = runs.get(job.id)
        done = ("never" if last is None
                else f"{last.slot:%Y-%m-%d %H:%M} UTC by {last.claimed_by}: {last.outcome or 'running'}")
        upcoming = job.trigger().get_next_fire_time(None, now)
        click.echo(f"{job.id}\n  {job.description}\n  {job.schedule()} · next {upcoming.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                   f" · last {done}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--due", is_flag=True,
              help="Run only if its latest scheduled slot has not run yet and is within its grace time, "
                   "exactly as the scheduler would.")
@click.pass_obj
def jobs_run(app: AppContext, name: str, due: bool) -> None:
    """Run one job now, in a slot of its own (or, with --due, in its latest scheduled slot)."""
    from bot.jobs.scheduler import job_named, jobs_for, run_if_due, run_in_slot

    jobs = jobs_for(app.config)
    try:
        job = job_named(jobs, name)
    except LookupError:
        raise QabotError(f"No job called '{name}'. Jobs: {', '.join(job.id for job in jobs)}.") from None
    if job.needs_slack:
        app.settings.require_slack(serving=False)
    now = utc_now()
    runtime = job_runtime(app)
    outcome = run_if_due(job, runtime=runtime, now=now) if due else run_in_slot(job, runtime=runtime, now=now,
                                                                                 slot=now)
    click.echo(f"{job.id}: {outcome or 'skipped: its latest slot already ran, or is past its grace time'}")
