"""Scheduled slots run once, whichever process gets there first."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from bot.app import build_web_client
from bot.jobs.scheduler import ANCHOR, JOBS, Job, JobContext, build_scheduler, run_in_slot, slot_of
from bot.settings import Settings
from bot.store.db import make_engine, session_scope
from bot.store.job_runs import last_runs

EVERY_5 = Job("t", timedelta(minutes=5), "test", lambda context, now: "ok")


def context(engine, tmp_path) -> JobContext:
    return JobContext(engine=engine, client=build_web_client(Settings(
        database_url="unused", config_path=tmp_path, config_path_is_default=False)))


def test_slots_are_aligned_the_same_everywhere():
    now = datetime(2026, 11, 22, 9, 7, 31, tzinfo=UTC)
    assert slot_of(EVERY_5, now) == datetime(2026, 11, 22, 9, 5, tzinfo=UTC)
    assert slot_of(EVERY_5, now.astimezone()) == slot_of(EVERY_5, now)  # any time zone, same slot
    assert slot_of(JOBS[1], now) == datetime(2026, 11, 22, tzinfo=UTC)
    assert slot_of(EVERY_5, ANCHOR) == ANCHOR


def test_one_slot_runs_once_across_separate_connection_pools(engine, database_url, tmp_path, now):
    ran = []
    job = Job("count", timedelta(minutes=5), "test", lambda context, now: ran.append(1) or "counted")
    engines = [make_engine(database_url) for _ in range(4)]  # as four replicas would connect
    barrier = threading.Barrier(len(engines))
    outcomes = []

    def replica(replica_engine):
        barrier.wait()
        outcomes.append(run_in_slot(job, context=context(replica_engine, tmp_path), now=now))

    threads = [threading.Thread(target=replica, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("counted") == 1 and outcomes.count(None) == 3 and ran == [1]
    assert run_in_slot(job, context=context(engine, tmp_path), now=now + timedelta(minutes=5)) == "counted"
    with session_scope(engine) as session:
        assert last_runs(session)["count"].outcome == "counted"
    for e in engines:
        e.dispose()


def test_a_failing_job_is_logged_and_recorded(engine, tmp_path, now, caplog):
    def broken(context, now):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        outcome = run_in_slot(Job("broken", timedelta(hours=1), "test", broken), context=context(engine, tmp_path),
                              now=now)
    assert outcome == "failed (see the log)" and "RuntimeError: boom" in caplog.text


def test_the_scheduler_knows_every_job_with_stable_ids(engine, tmp_path):
    scheduler = build_scheduler(context=context(engine, tmp_path), clock=lambda: datetime.now(UTC))
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(job.id for job in JOBS)
    job = scheduler.get_job("repost-escalations")
    assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == 300


def test_jobs_cli_lists_and_runs(tmp_path, monkeypatch):
    from bot.cli import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jobs.db'}")
    monkeypatch.delenv("QABOT_CONFIG", raising=False)
    runner = CliRunner()
    ran = runner.invoke(cli, ["jobs", "run", "forget-deliveries"], catch_exceptions=False)
    assert ran.exit_code == 0 and "forget-deliveries: 0 old delivery record(s) removed" in ran.output
    listed = runner.invoke(cli, ["jobs", "list"], catch_exceptions=False)
    assert "repost-escalations" in listed.output and "forget-deliveries" in listed.output
    assert "0 old delivery record(s) removed" in listed.output
    unknown = runner.invoke(cli, ["jobs", "run", "nope"])
    assert unknown.exit_code == 1 and "No job called 'nope'. Jobs: repost-escalations, forget-deliveries" in unknown.output
