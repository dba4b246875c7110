"""`qabot run` with SLACK_APP_TOKEN: the app connects to the stand-in's Socket Mode server, answers /qa, and
connects again when the socket drops. The scenario tests marked `over_each_transport` (a scorecard with its
chart, an escalation filed through its modal, reactions acknowledging an escalation and an alert) run over
Socket Mode as well as HTTP."""

from __future__ import annotations

import time

import pytest

from bot.server import SOCKET_PING_SECONDS
from tests.conftest import ANSWER_WITHIN_SECONDS, QA_LEAD

#: A dropped socket is noticed at the client's next check (every SOCKET_PING_SECONDS), then a new URL is asked
#: for and connected to; the margin is for a busy machine.
RECONNECT_WITHIN_SECONDS = SOCKET_PING_SECONDS + 2


@pytest.fixture
def transport() -> str:
    return "socket_mode"


@pytest.fixture
def database_url(tmp_path) -> str:
    """The transport is what these tests are about: one database is enough."""
    return f"sqlite:///{tmp_path / 'qabot.db'}"


def answers_help(bot_in_slack) -> None:
    delivery = bot_in_slack.sender.slash_command("help", user_id=QA_LEAD)
    assert delivery.status == 200 and delivery.body == ""
    assert delivery.seconds < ANSWER_WITHIN_SECONDS, delivery.seconds
    assert "/qa vendor acme" in str(bot_in_slack.reply(delivery)["blocks"])


def test_slash_command_over_socket_mode(bot_in_slack):
    answers_help(bot_in_slack)
    (opened,) = bot_in_slack.slack.calls_to("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {bot_in_slack.slack.app_token}"


@pytest.mark.parametrize("abruptly", [False, True], ids=["closed", "reset"])
def test_reconnects_after_the_socket_drops(bot_in_slack, abruptly):
    """Closed by Slack's end with a close frame, or reset mid-stream: either way the app asks for a new URL
    (apps.connections.open), is greeted by a new hello, and answers the next command over it."""
    socket_mode, slack = bot_in_slack.sender.socket_mode, bot_in_slack.slack
    answers_help(bot_in_slack)
    dropped = time.perf_counter()
    socket_mode.drop(abruptly=abruptly)
    socket_mode.wait_for_bot(connections=2, timeout=15)
    seconds = time.perf_counter() - dropped
    assert seconds < RECONNECT_WITHIN_SECONDS, seconds
    assert len(slack.calls_to("apps.connections.open")) == 2
    answers_help(bot_in_slack)


def test_keeps_reconnecting_while_slack_refuses_a_new_url(bot_in_slack, caplog):
    """Slack failing apps.connections.open once (an outage) delays the reconnection by one check, no more."""
    socket_mode, slack = bot_in_slack.sender.socket_mode, bot_in_slack.slack
    slack.fail_next("apps.connections.open", status=200, body={"ok": False, "error": "internal_error"})
    dropped = time.perf_counter()
    socket_mode.drop()
    socket_mode.wait_for_bot(connections=2, timeout=15)
    seconds = time.perf_counter() - dropped
    assert seconds < RECONNECT_WITHIN_SECONDS + SOCKET_PING_SECONDS, seconds
    assert len(slack.calls_to("apps.connections.open")) == 3  # the first, the refused one, the one that worked
    assert "internal_error" in caplog.text
    answers_help(bot_in_slack)
