"""Scheduled slots run once, whichever process gets there first."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from bot.app import build_web_client
from bot.config import TeamConfig, parse_team_config
from bot.jobs.scheduler import (
    ANCHOR,
    Job,
    Runtime,
    build_scheduler,
    catch_up,
    jobs_for,
    run_if_due,
    run_in_slot,
)
from bot.settings import Settings
from bot.store.db import make_engine, session_scope
from bot.store.job_runs import last_runs

EVERY_5 = Job("t", "test", lambda context, **when: "ok", every=timedelta(minutes=5))
TEAMS = parse_team_config({"teams": {
    "dublin": {"channel": "C0DUBLIN", "timezone": "Europe/Dublin", "post_at": "09:00"},
    "manila": {"channel": "C0MANILA", "timezone": "Asia/Manila", "post_at": "08:30",
               "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"]},
}}, origin="test")


def context(engine, tmp_path, config: TeamConfig = TEAMS) -> Runtime:
    return Runtime(engine=engine, config=config, client=build_web_client(Settings(
        database_url="unused", config_path=tmp_path, config_path_is_default=False)))


def job(name: str) -> Job:
    return next(job for job in jobs_for(TEAMS) if job.id == name)


def test_slots_are_aligned_the_same_everywhere():
    now = datetime(2026, 11, 22, 9, 7, 31, tzinfo=UTC)
    assert EVERY_5.slot(now) == datetime(2026, 11, 22, 9, 5, tzinfo=UTC)
    assert EVERY_5.slot(now.astimezone()) == EVERY_5.slot(now)  # any time zone, same slot
    assert job("forget-deliveries").slot(now) == datetime(2026, 11, 22, tzinfo=UTC)
    assert EVERY_5.slot(ANCHOR) == ANCHOR


def test_a_morning_slot_follows_local_time_across_the_dst_change():
    dublin = job("morning-post:dublin")
    # Irish summer time ends on Sunday 2026-10-25: 09:00 in Dublin is 08:00 UTC before, 09:00 UTC after.
    assert dublin.slot(datetime(2026, 10, 23, 12, tzinfo=UTC)) == datetime(2026, 10, 23, 8, tzinfo=UTC)
    assert dublin.slot(datetime(2026, 10, 26, 12, tzinfo=UTC)) == datetime(2026, 10, 26, 9, tzinfo=UTC)
    # Weekend: Friday's post is the latest until Monday's time comes.
    assert dublin.slot(datetime(2026, 10, 26, 8, 59, tzinfo=UTC)) == datetime(2026, 10, 23, 8, tzinfo=UTC)
    trigger = dublin.trigger()
    assert trigger.get_next_fire_time(None, datetime(2026, 10, 23, 8, 1, tzinfo=UTC)) == \
        datetime(2026, 10, 26, 9, tzinfo=UTC)
    # Manila has no DST; 08:30 there is 00:30 UTC, on Saturdays too.
    manila = job("morning-post:manila")
    assert manila.slot(datetime(2026, 11, 21, 1, tzinfo=UTC)) == datetime(2026, 11, 21, 0, 30, tzinfo=UTC)
    assert manila.slot(datetime(2026, 11, 22, 23, tzinfo=UTC)) == datetime(2026, 11, 21, 0, 30, tzinfo=UTC)


def test_a_weekly_coaching_digest_for_each_vendor_with_a_leads_channel():
    config = parse_team_config({
        "coaching": {"digest_day": "tue", "digest_at": "08:15", "digest_timezone": "America/New_York"},
        "vendors": {"acme": {"name": "Acme BPO", "leads_channel": "C0ACMELEAD"}, "globex": {"name": "Globex"}},
    }, origin="test")
    jobs = {job.id: job for job in jobs_for(config)}
    assert "coaching-follow-ups" in jobs and "coaching-digest:globex" not in jobs
    digest = jobs["coaching-digest:acme"]
    # Tuesday 08:15 in New York: 13:15 UTC in winter (EST); the week's slot holds until the next Tuesday.
    assert digest.slot(datetime(2026, 12, 1, 13, 20, tzinfo=UTC)) == datetime(2026, 12, 1, 13, 15, tzinfo=UTC)
    assert digest.slot(datetime(2026, 12, 8, 13, 14, tzinfo=UTC)) == datetime(2026, 12, 1, 13, 15, tzinfo=UTC)
    assert digest.schedule() == "08:15 America/New_York tue"


def test_catch_up_runs_a_missed_slot_once_and_only_while_it_is_relevant(engine, tmp_path):
    ran = []
    jobs = [Job("daily", "test", lambda context, *, now, slot: ran.append(now) or "done", every=timedelta(days=1)),
            Job("hourly", "test", lambda context, *, now, slot: ran.append(now) or "done", every=timedelta(hours=1))]
    at = datetime(2026, 11, 22, 0, 30, tzinfo=UTC)
    assert catch_up(jobs, runtime=context(engine, tmp_path), now=at) == {"daily": "done", "hourly": "done"}
    assert catch_up(jobs, runtime=context(engine, tmp_path), now=at) == {"daily": None, "hourly": None}
    later = datetime(2026, 11, 22, 5, 59, tzinfo=UTC)  # daily slot still in grace, new hourly slot
    assert catch_up(jobs, runtime=context(engine, tmp_path), now=later) == {"daily": None, "hourly": "done"}
    assert len(ran) == 3


def test_a_missed_morning_post_is_made_once_for_its_own_day_within_three_hours(engine, tmp_path):
    days = []
    late = Job("morning-post:late", "test", lambda context, *, now, slot: days.append(slot) or "posted",
               local=job("morning-post:dublin").local)
    too_late = datetime(2026, 11, 20, 12, 1, tzinfo=UTC)  # 3 h 1 min after Friday's 09:00 post
    assert catch_up([late], runtime=context(engine, tmp_path), now=too_late) == {"morning-post:late": None}
    in_time = datetime(2026, 11, 20, 11, 59, tzinfo=UTC)
    assert catch_up([late], runtime=context(engine, tmp_path), now=in_time) == {"morning-post:late": "posted"}
    assert catch_up([late], runtime=context(engine, tmp_path), now=in_time) == {"morning-post:late": None}
    assert days == [datetime(2026, 11, 20, 9, tzinfo=UTC)]  # the report is for the slot's day, not now's


def test_a_failed_run_is_retried_up_to_three_attempts(engine, tmp_path, now):
    attempts = []

    def flaky(context, **when):
        attempts.append(1)
        if len(attempts) < 3:
            raise RuntimeError("Slack is down")
        return "posted"

    flaky_job = Job("flaky", "test", flaky, every=timedelta(hours=1))
    outcomes = [run_if_due(flaky_job, runtime=context(engine, tmp_path), now=now + timedelta(minutes=m))
                for m in (0, 5, 10, 15)]
    assert outcomes[0].startswith("failed, attempt 1 of 3") and outcomes[1].startswith("failed, attempt 2 of 3")
    assert outcomes[2:] == ["posted", None] and len(attempts) == 3
    always = Job("always", "test", lambda context, **when: 1 / 0, every=timedelta(hours=1))
    outcomes = [run_if_due(always, runtime=context(engine, tmp_path), now=now + timedelta(minutes=m))
                for m in range(0, 25, 5)]
    assert outcomes[2] == "failed, attempt 3 of 3 (see the log)" and outcomes[3:] == [None, None]


def test_one_slot_runs_once_across_separate_connection_pools(engine, database_url, tmp_path, now):
    ran = []
    job = Job("count", "test", lambda context, **when: ran.append(1) or "counted", every=timedelta(minutes=5))
    engines = [make_engine(database_url) for _ in range(4)]  # as four replicas would connect
    barrier = threading.Barrier(len(engines))
    outcomes = []

    def replica(replica_engine):
        barrier.wait()
        outcomes.append(run_in_slot(job, runtime=context(replica_engine, tmp_path), now=now))

    threads = [threading.Thread(target=replica, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("counted") == 1 and outcomes.count(None) == 3 and ran == [1]
    assert run_in_slot(job, runtime=context(engine, tmp_path), now=now + timedelta(minutes=5)) == "counted"
    with session_scope(engine) as session:
        assert last_runs(session)["count"].outcome == "counted"
    for e in engines:
        e.dispose()


def test_a_failing_job_is_logged_and_recorded(engine, tmp_path, now, caplog):
    def broken(context, **when):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        outcome = run_in_slot(Job("broken", "test", broken, every=timedelta(hours=1)),
                              runtime=context(engine, tmp_path), now=now)
    assert outcome == "failed, attempt 1 of 3 (see the log); retried within its grace time"
    assert "RuntimeError: boom" in caplog.text


def test_the_scheduler_knows_every_job_with_stable_ids(engine, tmp_path):
    scheduler = build_scheduler(runtime=context(engine, tmp_path))
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted([job.id for job in jobs_for(TEAMS)] + ["catch-up"])
    assert {"morning-post:dublin", "morning-post:manila", "alert-monitor"} <= {job.id for job in scheduler.get_jobs()}
    job = scheduler.get_job("repost-escalations")
    assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == 300
    assert scheduler.get_job("morning-post:dublin").misfire_grace_time == 3 * 3600


@pytest.mark.clock
def test_jobs_cli_lists_and_runs(tmp_path, monkeypatch):
    from bot.cli import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jobs.db'}")
    monkeypatch.delenv("QABOT_CONFIG", raising=False)
    runner = CliRunner()
    ran = runner.invoke(cli, ["jobs", "run", "forget-deliveries"], catch_exceptions=False)
    assert ran.exit_code == 0 and "forget-deliveries: 0 old delivery record(s) and 0 old job run(s) removed" in ran.output
    listed = runner.invoke(cli, ["jobs", "list"], catch_exceptions=False)
    assert "repost-escalations" in listed.output and "forget-deliveries" in listed.output
    assert "0 old delivery record(s) and 0 old job run(s) removed" in listed.output
    again = runner.invoke(cli, ["jobs", "run", "forget-deliveries", "--due"], catch_exceptions=False)
    assert "forget-deliveries: 0 old delivery record(s)" in again.output  # today's slot had not run
    again = runner.invoke(cli, ["jobs", "run", "forget-deliveries", "--due"], catch_exceptions=False)
    assert "skipped: its latest slot already ran, or is past its grace time" in again.output
    unknown = runner.invoke(cli, ["jobs", "run", "nope"])
    assert unknown.exit_code == 1 and "No job called 'nope'. Jobs: repost-escalations, forget-deliveries" in unknown.output
    no_token = runner.invoke(cli, ["jobs", "run", "alert-monitor"])
    assert no_token.exit_code == 2 and "SLACK_BOT_TOKEN is not set" in no_token.output
    assert "SLACK_SIGNING_SECRET" not in no_token.output
