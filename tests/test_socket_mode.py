"""`qabot run` with SLACK_APP_TOKEN: the app connects over Socket Mode and answers /qa."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_app, build_web_client
from bot.runtime import Runtime
from bot.server import socket_mode_handler
from bot.settings import Settings
from bot.standin import FakeSlack
from bot.standin.socket_mode import FakeSocketMode
from tests.conftest import QA_LEAD


def test_slash_command_over_socket_mode(engine, slack_config, now):
    socket_mode = FakeSocketMode().start()
    with FakeSlack(socket_mode_url=socket_mode.url) as slack:
        settings = Settings(database_url="unused", config_path=Path("unused"), config_path_is_default=False,
                            slack_bot_token=slack.token, slack_app_token=slack.app_token,
                            slack_api_url=slack.api_url)
        settings.require_slack()  # no signing secret needed in Socket Mode
        client = build_web_client(settings)
        runtime = Runtime(engine=engine, config=slack_config, client=client, clock=lambda: now)
        handler = socket_mode_handler(build_app(settings=settings, runtime=runtime),
                                      app_token=settings.slack_app_token)
        handler.connect()
        try:
            socket_mode.wait_for_bot()
            ack, seconds = socket_mode.send("slash_commands", {
                "command": "/qa", "text": "help", "user_id": QA_LEAD, "channel_id": "C0QATEAM01",
                "team_id": "T0QAOPS01", "trigger_id": "1.2.socket", "response_url": slack.response_url("sm"),
            })
            assert seconds < 3
            (reply,) = slack.wait_for_calls("response_url")
            assert "/qa vendor acme" in str(reply.args["blocks"])
            assert ack["envelope_id"]
        finally:
            handler.close()
            socket_mode.stop()
    assert slack.calls_to("apps.connections.open")[0].headers["authorization"] == f"Bearer {slack.app_token}"
