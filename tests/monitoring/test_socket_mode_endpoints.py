"""In Socket Mode, where Slack needs no HTTP, /healthz, /readyz and /metrics still listen on PORT, and requests
that came over the socket are counted like those over HTTP."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_app, build_web_client
from bot.monitoring.endpoints import service_endpoints
from bot.runtime import Runtime
from bot.server import SocketModeServer
from bot.settings import Settings
from bot.standin import FakeSlack
from bot.standin.socket_mode import FakeSocketMode
from tests.conftest import QA_LEAD
from tests.monitoring.scrape import get, labels, samples
from tests.test_graceful_stop import free_port


def test_socket_mode_serves_the_endpoints_on_port(engine, slack_config, now):
    socket_mode = FakeSocketMode().start()
    port = free_port()
    with FakeSlack(socket_mode_url=socket_mode.url) as slack:
        settings = Settings(database_url="unused", config_path=Path("unused"), config_path_is_default=False,
                            slack_bot_token=slack.token, slack_app_token=slack.app_token, slack_api_url=slack.api_url)
        runtime = Runtime(engine=engine, config=slack_config, client=build_web_client(settings), clock=lambda: now)
        server = SocketModeServer(build_app(settings=settings, runtime=runtime), app_token=settings.slack_app_token,
                                  endpoints=service_endpoints(metrics=runtime.metrics, engine=engine), port=port)
        server.start()
        try:
            socket_mode.wait_for_bot()
            socket_mode.send("slash_commands", {
                "command": "/qa", "text": "help", "user_id": QA_LEAD, "channel_id": "C0QATEAM01",
                "team_id": "T0QAOPS01", "trigger_id": "1.2.socket", "response_url": slack.response_url("sm"),
            })
            slack.wait_for_calls("response_url")
            base_url = f"http://127.0.0.1:{port}"
            assert server.serving()
            healthy, ready, scraped = get(base_url + "/healthz"), get(base_url + "/readyz"), samples(base_url)
        finally:
            server.stop()
            socket_mode.stop()
    assert (healthy.status, ready.status) == (200, 200)
    assert scraped[("qabot_slack_requests_total", labels(kind="command", outcome="ok"))] == 1
    assert scraped[("qabot_slack_ack_seconds_count", labels(kind="command"))] == 1
