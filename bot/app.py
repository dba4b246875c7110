"""Building the Bolt app: one factory, nothing at import time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import commands
from bot.services import Services
from bot.settings import Settings
from bot.slack import errors
from bot.slack.deliveries import once_per_event

logger = logging.getLogger(__name__)
#: Listener threads: slow work (queries, charts, uploads) runs here after ack().
LISTENER_THREADS = 32
RATE_LIMIT_RETRIES = 5


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, counting the work in flight so that a stop (or a test) can wait for it."""

    def __init__(self, max_workers: int = LISTENER_THREADS):
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._in_flight = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        with self._changed:
            self._in_flight += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future | None) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once no listener runs or waits to run; False if some still do after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout=timeout)


def build_web_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) and talks to SLACK_API_URL."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(*, settings: Settings, services: Services, client: WebClient | None = None) -> App:
    """The Bolt app; its ListenerPool is `listener_pool(app)`."""
    settings.require_slack()
    app = App(
        client=client or build_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        listener_executor=ListenerPool(),
        request_verification_enabled=settings.slack_signing_secret is not None,
    )

    @app.middleware
    def hand_services(context, next):  # noqa: A002  (Bolt's name for the chain)
        context["services"] = services
        next()

    app.middleware(once_per_event)

    commands.register(app)
    errors.register(app)
    return app


def listener_pool(app: App) -> ListenerPool:
    return app.listener_runner.listener_executor
