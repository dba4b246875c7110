"""`qabot scheduler` serves /healthz, /readyz (checking its scheduler) and /metrics on PORT, and logs JSON
lines with QABOT_LOG_FORMAT=json: a real process, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bot.standin import FakeSlack
from tests.monitoring.scrape import get, samples
from tests.test_graceful_stop import free_port, wait_for_port


@pytest.mark.clock
def test_scheduler_serves_its_endpoints_and_logs_json(tmp_path):
    (tmp_path / "qabot.toml").write_text("", encoding="utf-8")
    port = free_port()
    with FakeSlack() as slack:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'qabot.db'}",
               "QABOT_CONFIG": str(tmp_path / "qabot.toml"), "SLACK_BOT_TOKEN": slack.token,
               "SLACK_API_URL": slack.api_url, "PORT": str(port), "QABOT_LOG_FORMAT": "json"}
        process = subprocess.Popen([sys.executable, "-m", "bot", "scheduler"], cwd=tmp_path, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for_port(port, process)
            base_url = f"http://127.0.0.1:{port}"
            healthy, ready = get(base_url + "/healthz"), get(base_url + "/readyz")
            deadline = time.monotonic() + 30
            while not any(name == "qabot_job_runs_total" for name, _ in samples(base_url)):  # the first catch-up
                assert time.monotonic() < deadline, "no job ran within 30 s"
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=40)
        finally:
            process.kill()
    assert healthy.status == 200
    assert (ready.status, json.loads(ready.body)["checks"]) == (200, {"database": "ok", "migrations": "ok",
                                                                      "scheduler": "ok"})
    assert process.returncode == 0, err
    entries = [json.loads(line) for line in err.splitlines()]  # nothing but JSON lines on stderr
    assert any(entry["logger"] == "bot.jobs.scheduler" and entry["message"].startswith("job ") for entry in entries)
    assert all(entry["level"] in ("INFO", "WARNING") for entry in entries), err
