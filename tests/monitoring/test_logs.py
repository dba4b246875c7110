"""QABOT_LOG_FORMAT=json: one JSON object a line, naming the request a line was logged for, never its text."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from bot.errors import ConfigError
from bot.monitoring.logs import JsonFormatter, configure_logging
from bot.standin.web_api import TEAM_ID
from tests.conftest import QA_LEAD, SIGNING_SECRET


class JsonLines(logging.Handler):
    """Formats each record as it is logged, in the thread that logs it (where the request's fields are)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines(caplog):
    caplog.set_level(logging.INFO)
    handler = JsonLines()
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


def test_a_request_is_logged_as_one_json_line_naming_it(bot_in_slack, json_lines):
    typed = "vendor acme 7d"
    delivery = bot_in_slack.sender.slash_command(typed, user_id=QA_LEAD)
    bot_in_slack.reply(delivery)
    bot_in_slack.settle()
    entries = [json.loads(line) for line in json_lines]  # every line is one JSON object
    (finished,) = [entry for entry in entries if entry["message"].startswith("command /qa finished in ")]
    assert finished["message"].endswith(" ms: ok")
    assert {key: finished[key] for key in ("level", "logger", "listener", "kind", "user", "team")} == {
        "level": "INFO", "logger": "bot.slack.observed", "listener": "command /qa", "kind": "command",
        "user": QA_LEAD, "team": TEAM_ID}
    assert finished["slack_request_id"].endswith(".standin")  # the command's trigger id
    assert finished["time"].endswith("+00:00")
    for line in json_lines:
        for secret in (typed, bot_in_slack.slack.token, SIGNING_SECRET):
            assert secret not in line, line


def test_an_unexpected_error_keeps_its_traceback_and_the_request(bot_in_slack, json_lines):
    bot_in_slack.slack.fail_next("usergroups.users.list", status=200, body={"ok": False, "error": "fatal_error"})
    bot_in_slack.sender.slash_command("vendor acme", user_id="UQAGROUP1")
    bot_in_slack.settle()
    (failed,) = [json.loads(line) for line in json_lines if '"level": "ERROR"' in line]
    assert failed["user"] == "UQAGROUP1" and failed["listener"] == "command /qa"
    assert "SlackApiError" in failed["exception"]


def test_lines_outside_a_request_have_no_request_fields():
    record = logging.LogRecord("bot.jobs", logging.INFO, __file__, 1, "job %s ran", ("x",), None)
    assert json.loads(JsonFormatter().format(record)).keys() == {"time", "level", "logger", "message"}


def test_only_text_and_json_are_formats():
    with pytest.raises(ConfigError, match="QABOT_LOG_FORMAT: 'xml' is not one of text, json"):
        configure_logging(level="INFO", log_format="xml")


def test_qabot_names_a_wrong_log_format_and_stops(tmp_path):
    env = {**os.environ, "QABOT_LOG_FORMAT": "xml", "DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot", "config", "check"], cwd=tmp_path, env=env, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: QABOT_LOG_FORMAT: 'xml' is not one of text, json."
