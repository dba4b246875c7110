"""A sandbox on a free loopback port, over a small seeded demo database (SQLite), shared by a module's tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import utc_now
from bot.config import load_team_config
from bot.settings import Settings
from bot.store.db import make_engine, upgrade_database

SMALL_DEMO_AUDITS = 6_000
SMALL_DEMO_DAYS = 30


class Page:
    """The sandbox's JSON API, as the page calls it."""

    def __init__(self, url: str):
        self.url = url

    def get(self, channel: str | None = None) -> dict:
        query = f"?channel={channel}" if channel else ""
        with urllib.request.urlopen(f"{self.url}api/state{query}", timeout=30) as answer:
            return json.loads(answer.read())

    def post(self, action: str, **body) -> tuple[int, dict]:
        request = urllib.request.Request(f"{self.url}api/{action}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory) -> Iterator:
    from bot.demo.seed import load_demo
    from bot.sandbox.running import running_sandbox

    folder = tmp_path_factory.mktemp("sandbox")
    config = load_team_config(Path("config/qabot.toml"), must_exist=True)
    engine = make_engine(f"sqlite:///{folder / 'qabot.db'}")
    upgrade_database(engine)
    load_demo(engine, config=config, audits=SMALL_DEMO_AUDITS, days=SMALL_DEMO_DAYS, seed=7, now=utc_now())
    settings = Settings(database_url="unused", config_path=Path("config/qabot.toml"), config_path_is_default=False)
    try:
        with running_sandbox(engine=engine, config=config, settings=settings, port=0) as page:
            yield page
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def page(sandbox_server) -> Page:
    return Page(sandbox_server.url)
