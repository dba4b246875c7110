"""`qabot sandbox` as people run it: a real process that prints its URL, serves the page, and ends clean on
SIGTERM or Ctrl-C (no traceback, no ERROR line, exit 0); a non-loopback host is refused unless allowed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

QABOT = str(Path(sys.executable).with_name("qabot"))


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'qabot.db'}",
           "QABOT_CONFIG": str(Path("config/qabot.toml").resolve())}
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "PORT"):
        env.pop(name, None)
    subprocess.run([QABOT, "seed", "demo", "--audits", "3000", "--days", "30"], env=env, cwd=tmp_path, check=True,
                   capture_output=True, timeout=300)
    return env


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_the_sandbox_prints_its_url_serves_the_page_and_stops_clean(environment, tmp_path, stop_with):
    process = subprocess.Popen([QABOT, "sandbox", "--port", "0"], env=environment, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"no URL in {line!r}; stderr: {process.stderr.read() if process.poll() is not None else ''}"
        with urllib.request.urlopen(match.group(0), timeout=30) as page:
            assert b"QA Ops sandbox" in page.read()
        process.send_signal(stop_with)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "sandbox stopped" in out
    assert "Traceback" not in err and " ERROR " not in err, err


def test_a_host_beyond_loopback_is_refused_without_allow_remote(environment, tmp_path):
    started = time.monotonic()
    done = subprocess.run([QABOT, "sandbox", "--host", "0.0.0.0", "--port", "0"], env=environment, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "--allow-remote" in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 60
