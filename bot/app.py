"""Building the Bolt app: one factory, nothing at import time."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import commands
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import access, errors
from bot.slack.deliveries import once_per_event
from bot.slack.listeners import ListenerPool, acknowledge_at_once

logger = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 5


def build_web_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) and talks to SLACK_API_URL."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(*, settings: Settings, runtime: Runtime) -> App:
    """The Bolt app; its ListenerPool is `listener_pool(app)`."""
    settings.require_slack()
    app = App(
        client=runtime.client,
        signing_secret=settings.slack_signing_secret,
        listener_executor=ListenerPool(),
        request_verification_enabled=settings.slack_signing_secret is not None,
    )

    app.middleware(acknowledge_at_once)

    @app.middleware
    def hand_runtime(context, next):  # noqa: A002  (Bolt's name for the chain)
        context["runtime"] = runtime
        next()

    access.register(app, config=runtime.config, groups=runtime.groups)
    app.middleware(once_per_event)

    commands.register(app)
    errors.register(app)
    return app


def listener_pool(app: App) -> ListenerPool:
    return app.listener_runner.listener_executor
