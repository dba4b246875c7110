"""Building the Bolt app: one factory, nothing at import time."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot import commands
from bot.monitoring.metrics import Metrics
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack import access, errors
from bot.slack.deliveries import once_per_event
from bot.slack.listeners import ListenerPool, acknowledge_at_once
from bot.slack.observed import ObservedApp, mark_taken
from bot.slack.web_client import CountedRateLimitRetries, CountedWebClient

logger = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 5


def build_web_client(settings: Settings, *, metrics: Metrics | None = None) -> CountedWebClient:
    """A Web API client that waits out 429s (Retry-After) and talks to SLACK_API_URL, counting Slack's answers
    into `metrics` (by default a Metrics of its own, which a Runtime built on the client takes up)."""
    metrics = metrics or Metrics()
    client = CountedWebClient(metrics=metrics, token=settings.slack_bot_token, base_url=settings.slack_api_url,
                              timeout=15)
    client.retry_handlers.append(CountedRateLimitRetries(metrics=metrics, max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(*, settings: Settings, runtime: Runtime) -> App:
    """The Bolt app, measured into `runtime.metrics`; its ListenerPool is `listener_pool(app)`."""
    settings.require_slack()
    app = ObservedApp(
        metrics=runtime.metrics,
        client=runtime.client,
        signing_secret=settings.slack_signing_secret,
        listener_executor=ListenerPool(),
        request_verification_enabled=settings.slack_signing_secret is not None,
    )

    app.middleware(acknowledge_at_once)

    @app.middleware
    def hand_runtime(context, next):  # noqa: A002  (Bolt's name for the chain)
        context["runtime"] = runtime
        context["client"] = runtime.client  # Bolt's fresh client per request would not count its calls
        next()

    access.register(app, config=runtime.config, groups=runtime.groups)
    app.middleware(once_per_event)
    app.middleware(mark_taken)

    commands.register(app)
    errors.register(app)
    return app


def listener_pool(app: App) -> ListenerPool:
    return app.listener_runner.listener_executor
