"""Starting a sandbox: the stand-in, the bot served as `qabot run` serves it (HTTP mode), and the page."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from bot.config import TeamConfig
from bot.sandbox.clock import ShiftingClock
from bot.sandbox.people import PEOPLE, sandbox_config
from bot.sandbox.session import Sandbox
from bot.sandbox.web import SandboxServer
from bot.service import build_service
from bot.settings import Settings
from bot.standin import FakeSlack, SlackSender

SANDBOX_SIGNING_SECRET = "sandbox-signing-secret"


@contextmanager
def running_sandbox(*, engine: Engine, config: TeamConfig, settings: Settings, host: str = "127.0.0.1",
                    port: int = 8765) -> Iterator[SandboxServer]:
    """The page serving on `host:port` until the block ends; then the page, the bot (requests, listeners and jobs
    in flight finished) and the stand-in stop, in that order."""
    clock = ShiftingClock()
    with FakeSlack(user_names={person.user_id: person.name for person in PEOPLE}) as slack:
        settings = dataclasses.replace(settings, config_path_is_default=False, slack_bot_token=slack.token,
                                       slack_signing_secret=SANDBOX_SIGNING_SECRET, slack_app_token=None,
                                       slack_api_url=slack.api_url)
        service = build_service(settings, engine=engine, config=sandbox_config(config), host="127.0.0.1", port=0,
                                clock=clock)
        try:
            service.start()
            sender = SlackSender(app_url=service.server.url, signing_secret=SANDBOX_SIGNING_SECRET, slack=slack)
            page = SandboxServer(Sandbox(slack=slack, sender=sender, runtime=service.runtime, clock=clock),
                                 host=host, port=port).start()
            try:
                yield page
            finally:
                page.stop()
        finally:
            service.stop()
