"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, a fixed clock."""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

import pytest
from slack_bolt import App
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.config import TeamConfig, parse_team_config
from bot.runtime import Runtime
from bot.standin import FakeSlack, SlackSender
from bot.standin.sender import SlackRequests
from bot.store.db import make_engine, upgrade_database

#: Server the PostgreSQL tests create their throw-away databases on.
PG_ADMIN_URL = os.environ.get("QABOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def _postgres_unavailable_reason() -> str | None:
    try:
        with create_engine(PG_ADMIN_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the server means: skip (or fail under CI)
        return f"PostgreSQL not reachable at {make_url(PG_ADMIN_URL).render_as_string()}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_available() -> None:
    reason = _postgres_unavailable_reason()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI the PostgreSQL tests must run")
    if reason:
        pytest.skip(reason)


@pytest.fixture
def postgres_url(postgres_available) -> Iterator[str]:
    """A new empty PostgreSQL database, dropped after the test."""
    name = f"qabot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'qabot.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """A migrated, empty database on each supported backend."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def config() -> TeamConfig:
    return parse_team_config(
        {
            "defaults": {"accuracy_target": 0.9, "aht_target_s": 100},
            "vendors": {
                "acme": {"name": "Acme BPO", "aliases": ["acme-bpo"], "accuracy_target": 0.95, "aht_target_s": 60},
            },
            "queues": {"video": {"name": "video-uploads", "aht_target_s": 300}},
            "sources": {
                "acme-export": {
                    "columns": {"Case ID": "audit_id", "Listing": "item_id", "Workflow": "queue",
                                "Moderator": "agent_id", "Moderator Action": "agent_decision",
                                "QA Action": "qa_decision", "Actioned At": "decided_at", "QA At": "audited_at"},
                    "defaults": {"vendor": "Acme BPO"},
                }
            },
        },
        origin="test",
    )


# ---------------------------------------------------------------- the app in front of the Slack stand-in

SIGNING_SECRET = "test-signing-secret"
QA_LEAD = "UQALEAD01"
QA_GROUP_MEMBER = "UQAGROUP1"
ACME_MEMBER = "UACME0001"
OUTSIDER = "UOUTSIDE1"
#: Slack gives up after 3 s; every acknowledgement must come well before that.
ANSWER_WITHIN_SECONDS = 1.0
Transport = Literal["http", "socket_mode"]
"""How Slack's requests reach the app: signed HTTP posts, or envelopes over a Socket Mode WebSocket."""
over_each_transport = pytest.mark.parametrize("transport", get_args(Transport))
"""A scenario test marked so runs once per transport (it overrides the `transport` fixture)."""


@pytest.fixture
def slack_config(config) -> TeamConfig:
    raw = config.model_dump(exclude_none=True)
    raw["access"] = {"qa_staff": [QA_LEAD, "S0QASTAFF"]}
    raw["vendors"]["acme"]["members"] = [ACME_MEMBER]
    raw["agents"] = {"agent-1": {"slack_user": "UAGENT001"}}
    raw["escalations"] = {"default_channel": "C0ESCALATE",
                          "routes": [{"channel": "C0ACMEESC", "vendors": ["Acme BPO"]}]}
    return parse_team_config(raw, origin="test")


@dataclass
class BotInSlack:
    slack: FakeSlack
    sender: SlackRequests
    engine: Engine
    app: App
    runtime: Runtime
    base_url: str
    """Where the app serves HTTP: /slack/events, /healthz, /readyz and /metrics."""

    def settle(self, *, timeout: float = 10.0) -> None:
        """Wait until the app has finished handling every request sent so far (its listeners are idle):
        the barrier before asserting that something did *not* happen."""
        from bot.app import listener_pool

        assert listener_pool(self.app).wait_idle(timeout=timeout), f"listeners still busy after {timeout} s"

    def reply(self, delivery, *, timeout: float = 10.0) -> dict:
        """The message the app posted to the response_url of `delivery`."""
        key = delivery.response_url.rsplit("/", 1)[1]
        calls = self.slack.wait_for(lambda calls: any(
            c.method == "response_url" and c.args["key"] == key for c in calls), timeout=timeout)
        return next(c.args for c in calls if c.method == "response_url" and c.args["key"] == key)


@contextmanager
def running_bot(engine: Engine, config: TeamConfig, now: datetime,
                clock: Callable[[], datetime] | None = None, *, transport: Transport = "http") -> Iterator[BotInSlack]:
    """The real app talking to a started FakeSlack, served over HTTP (waitress) or, with
    transport="socket_mode", connected to the stand-in's Socket Mode server; the clock is fixed at `now`
    (or is `clock`).

    What earlier tests left in this process is frozen out of the garbage collector first: by the end of the
    suite a full collection of it takes 0.3 s (0.6 s on a busy machine), a pause a bot process never has
    and that would otherwise land on whichever answer to Slack is being timed."""
    gc.collect()
    gc.freeze()
    from bot.app import build_app, build_web_client, listener_pool
    from bot.monitoring.endpoints import service_endpoints
    from bot.runtime import Runtime
    from bot.settings import Settings

    with FakeSlack(user_groups={"S0QASTAFF": [QA_GROUP_MEMBER]}) as slack:
        settings = Settings(database_url="unused", config_path=Path("unused"), config_path_is_default=False,
                            slack_bot_token=slack.token, slack_signing_secret=SIGNING_SECRET,
                            slack_api_url=slack.api_url)
        client = build_web_client(settings)
        runtime = Runtime(engine=engine, config=config, client=client, clock=clock or (lambda: now))
        app = build_app(settings=settings, runtime=runtime)
        endpoints = service_endpoints(metrics=runtime.metrics, engine=engine)
        serve = _served_over_socket_mode if transport == "socket_mode" else _served_over_http
        try:
            with serve(app, slack, endpoints) as (sender, base_url):
                yield BotInSlack(slack, sender, engine, app, runtime, base_url)
        finally:
            listener_pool(app).wait_idle(timeout=10)  # nothing may call the stand-in after it stops


@contextmanager
def _served_over_http(app: App, slack: FakeSlack, endpoints) -> Iterator[tuple[SlackSender, str]]:
    from bot.server import HttpServer

    server = HttpServer(app, endpoints=endpoints, host="127.0.0.1", port=0).start()
    try:
        yield SlackSender(app_url=server.url, signing_secret=SIGNING_SECRET, slack=slack), server.base_url
    finally:
        server.stop()


@contextmanager
def _served_over_socket_mode(app: App, slack: FakeSlack, endpoints) -> Iterator[tuple[SlackRequests, str]]:
    from bot.server import SocketModeServer
    from bot.standin.socket_mode import FakeSocketMode, SocketModeSender

    socket_mode = FakeSocketMode().start()
    slack.socket_mode_url = socket_mode.url
    server = SocketModeServer(app, app_token=slack.app_token, endpoints=endpoints, port=0).start()
    try:
        socket_mode.wait_for_bot()
        yield SocketModeSender(socket_mode=socket_mode, slack=slack), server.base_url
    finally:
        server.stop()
        socket_mode.stop()


@pytest.fixture
def transport() -> Transport:
    """Slack's requests reach the app over HTTP, unless a test is marked `over_each_transport`."""
    return "http"


@pytest.fixture
def bot_in_slack(engine, slack_config, now, transport) -> Iterator[BotInSlack]:
    with running_bot(engine, slack_config, now, transport=transport) as bot:
        yield bot
