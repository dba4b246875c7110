"""Replicas on one PostgreSQL: each scheduled run happens once, proved with separate OS processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import utc_now
from bot.standin import FakeSlack
from bot.store.db import make_engine, session_scope, upgrade_database
from bot.store.models import JobRun
from bot.store.records import Alert

pytestmark = [pytest.mark.postgres, pytest.mark.clock]
REPLICAS = 4


def test_replicas_run_each_due_slot_once(postgres_url, tmp_path):
    engine = make_engine(postgres_url)
    upgrade_database(engine)
    due = utc_now() - timedelta(minutes=1)  # the team's post time has just passed (QABOT_TEST_NOW moves it)
    config = tmp_path / "qabot.toml"
    config.write_text(f"""
[teams.race]
channel = "C0RACE0001"
timezone = "UTC"
post_at = "{due:%H:%M}"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

[alerts]
channel = "C0ALERTS01"
""", encoding="utf-8")
    with FakeSlack() as slack:
        env = {**os.environ, "DATABASE_URL": postgres_url, "QABOT_CONFIG": str(config),
               "SLACK_BOT_TOKEN": slack.token, "SLACK_API_URL": slack.api_url}
        env.pop("SLACK_SIGNING_SECRET", None)
        ran: dict[str, list[str]] = {}
        for job in ("morning-post:race", "alert-monitor"):
            replicas = [subprocess.Popen([sys.executable, "-m", "bot", "jobs", "run", job, "--due"], env=env,
                                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                        for _ in range(REPLICAS)]
            outputs = [replica.communicate(timeout=120) for replica in replicas]
            assert all(replica.returncode == 0 for replica in replicas), outputs
            ran[job] = [out for out, _ in outputs if "skipped" not in out]
        assert len(ran["morning-post:race"]) == 1, ran
        assert "posted to C0RACE0001: no audits yesterday" in ran["morning-post:race"][0]
        morning = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "C0RACE0001"]
        alerts = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "C0ALERTS01"]
    assert len(morning) == 1 and "No audits arrived for yesterday" in morning[0].args["text"]
    assert len(alerts) == 1 and "No audits imported yet" in alerts[0].args["text"]
    with session_scope(engine) as session:
        runs = session.execute(select(JobRun).where(JobRun.job_id == "morning-post:race")).scalars().all()
        assert len(runs) == 1 and runs[0].outcome.startswith("posted")
        # One monitor run per claimed slot (two slots only if the replicas straddled a 5-minute boundary).
        monitor_runs = session.execute(select(JobRun).where(JobRun.job_id == "alert-monitor")).scalars().all()
        assert len(ran["alert-monitor"]) == len(monitor_runs) in (1, 2), ran
        assert len(session.execute(select(Alert)).scalars().all()) == 1
    engine.dispose()
