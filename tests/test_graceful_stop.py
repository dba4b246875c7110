"""`qabot run` and `qabot scheduler` stop gracefully on SIGTERM: real processes, a real signal.

What is in flight when the signal comes (an answer on its way to Slack, a morning post being sent)
is finished; nothing new is taken; the process exits 0 well within 30 s, without a traceback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.clock import utc_now
from bot.standin import FakeSlack, SlackSender
from bot.store.db import make_engine, session_scope, upgrade_database
from bot.store.models import JobRun
from tests.factories import audit_row, write_csv

ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "stop-signing-secret"
QA_LEAD = "UQALEAD01"
STOP_WITHIN_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"qabot run never listened on {port}")


def stop(process: subprocess.Popen) -> tuple[str, str, float]:
    """SIGTERM, then the process's output and how long it took to exit."""
    process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    out, err = process.communicate(timeout=STOP_WITHIN_SECONDS + 10)
    return out, err, time.monotonic() - signalled


def claimed(engine, job_id: str) -> bool:
    try:
        with session_scope(engine) as session:
            return session.execute(select(JobRun).where(JobRun.job_id == job_id)).first() is not None
    except OperationalError:  # the scheduler has not made the tables yet
        return False


def environment(tmp_path: Path, slack: FakeSlack, config: str, **extra: str) -> dict[str, str]:
    config_path = tmp_path / "qabot.toml"
    config_path.write_text(config, encoding="utf-8")
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'qabot.db'}", "QABOT_CONFIG": str(config_path),
            "SLACK_BOT_TOKEN": slack.token, "SLACK_API_URL": slack.api_url, **extra}


def test_run_answers_the_request_in_flight_and_takes_no_new_one(tmp_path):
    from bot.audits.importer import import_audits
    from bot.config import load_team_config

    shipped = (ROOT / "config" / "qabot.toml").read_text(encoding="utf-8")
    assert "\nqa_staff = []" in shipped
    with FakeSlack() as slack:
        env = environment(tmp_path, slack, shipped.replace("\nqa_staff = []", f'\nqa_staff = ["{QA_LEAD}"]', 1),
                          SLACK_SIGNING_SECRET=SIGNING_SECRET, PORT=str(port := free_port()))
        engine = make_engine(env["DATABASE_URL"])
        upgrade_database(engine)
        day = (utc_now() - timedelta(days=1)).date()
        import_audits(engine, config=load_team_config(Path(env["QABOT_CONFIG"])), now=utc_now(), path=write_csv(
            tmp_path / "audits.csv", [audit_row(f"A{n}", vendor="Acme BPO", audited_at=f"{day}T10:00:00Z",
                                                decided_at=f"{day}T09:00:00Z") for n in range(40)]))
        engine.dispose()
        slack.slow_down("response_url", seconds=1.5)  # the answer is still on its way when the signal comes
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for_port(port, process)
            sender = SlackSender(app_url=f"http://127.0.0.1:{port}/slack/events", signing_secret=SIGNING_SECRET,
                                 slack=slack)
            assert sender.slash_command("vendor acme", user_id=QA_LEAD).status == 200
            process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            time.sleep(0.5)
            with pytest.raises(OSError):  # no new requests once stopping: refused, or reset unanswered
                sender.slash_command("vendor acme", user_id=QA_LEAD)
            out, err = process.communicate(timeout=STOP_WITHIN_SECONDS + 10)
            took = time.monotonic() - signalled
        finally:
            process.kill()
        answers = slack.calls_to("response_url")
    assert process.returncode == 0, err
    assert len(answers) == 1, err
    (answer,) = answers
    assert took < STOP_WITHIN_SECONDS
    assert "Acme BPO · vendor scorecard" in str(answer.args["blocks"])
    assert "Traceback" not in err and " ERROR " not in err, err
    assert "stopping: finishing the requests and jobs in flight" in err and "stopped" in err


@pytest.mark.clock
def test_scheduler_finishes_the_morning_post_it_is_sending(tmp_path):
    due = utc_now() - timedelta(minutes=1)  # the team's post time has just passed: the first pass posts it
    config = f"""
[teams.stop]
channel = "C0STOP0001"
timezone = "UTC"
post_at = "{due:%H:%M}"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""
    with FakeSlack() as slack:
        env = environment(tmp_path, slack, config, PORT=str(free_port()))  # its /healthz, /readyz and /metrics
        slack.slow_down("chat.postMessage", seconds=2)
        process = subprocess.Popen([sys.executable, "-m", "bot", "scheduler"], cwd=tmp_path, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        engine = make_engine(env["DATABASE_URL"])
        try:
            deadline = time.monotonic() + 60
            while not claimed(engine, "morning-post:stop"):  # the post is being made: Slack takes 2 s to take it
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.05)
            out, err, took = stop(process)
        finally:
            process.kill()
        posts = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "C0STOP0001"]
    with session_scope(engine) as session:
        (run,) = session.execute(select(JobRun).where(JobRun.job_id == "morning-post:stop")).scalars().all()
    engine.dispose()
    assert process.returncode == 0, err
    assert took < STOP_WITHIN_SECONDS
    assert len(posts) == 1 and run.outcome.startswith("posted to C0STOP0001"), (run.outcome, err)
    assert "Traceback" not in err and " ERROR " not in err, err
