"""The monitor job as the scheduler runs it, with this module's config and the stand-in's Web API."""

from __future__ import annotations

import pytest

from bot.app import build_web_client
from bot.jobs.alerts import check_alerts
from bot.runtime import Runtime
from bot.settings import Settings


@pytest.fixture
def monitor(bot_in_slack, engine, slack_config, tmp_path):
    client = build_web_client(Settings(database_url="unused", config_path=tmp_path, config_path_is_default=False,
                                       slack_bot_token=bot_in_slack.slack.token,
                                       slack_api_url=bot_in_slack.slack.api_url))
    context = Runtime(engine=engine, client=client, config=slack_config)
    return lambda now: check_alerts(context, now=now)
