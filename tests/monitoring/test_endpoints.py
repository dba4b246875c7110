"""/healthz, /readyz and /metrics beside /slack/events: status, content type and body, and /readyz naming
what is wrong when the database is unreachable or behind the code's migrations."""

from __future__ import annotations

import json
import threading
from datetime import UTC

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot.monitoring.endpoints import service_endpoints
from bot.monitoring.metrics import Metrics
from bot.monitoring.readiness import Readiness
from bot.server import HttpServer
from bot.store.db import head_revision, make_engine
from tests.monitoring.scrape import get, samples


def test_healthz_says_the_process_is_up(bot_in_slack):
    got = get(bot_in_slack.base_url + "/healthz")
    assert (got.status, got.content_type, json.loads(got.body)) == (200, "application/json", {"status": "ok"})


def test_readyz_checks_the_database_and_its_migrations(bot_in_slack):
    got = get(bot_in_slack.base_url + "/readyz")
    assert (got.status, got.content_type) == (200, "application/json")
    assert json.loads(got.body) == {"ready": True, "checks": {"database": "ok", "migrations": "ok"}, "problems": []}


def test_metrics_are_in_prometheus_text_format(bot_in_slack):
    got = get(bot_in_slack.base_url + "/metrics")
    assert got.status == 200 and got.content_type.startswith("text/plain; version=0.0.4")
    for name, kind in (("qabot_slack_requests_total", "counter"), ("qabot_slack_ack_seconds", "histogram"),
                       ("qabot_slack_answer_seconds", "histogram"), ("qabot_slack_api_calls_total", "counter"),
                       ("qabot_job_runs_total", "counter"), ("qabot_job_duration_seconds", "histogram"),
                       ("qabot_alerts_open", "gauge"), ("qabot_import_rows_total", "counter")):
        assert f"# TYPE {name} {kind}\n" in got.body, name
    assert samples(bot_in_slack.base_url)[("qabot_alerts_open", frozenset({("status", "open")}))] == 0


def test_other_paths_and_methods_are_refused(bot_in_slack):
    assert get(bot_in_slack.base_url + "/nothing-here").status == 404
    assert bot_in_slack.sender.slash_command("help", user_id="UQALEAD01").status == 200  # Slack's path still works


def serving_endpoints_of(engine):
    return HttpServer(None, endpoints=service_endpoints(metrics=Metrics(), engine=engine), host="127.0.0.1",
                      port=0).start()


@pytest.mark.parametrize("url", ["sqlite:///{tmp}/no/such/directory/qabot.db",
                                 "postgresql+psycopg://postgres@127.0.0.1:1/qabot"])
def test_readyz_fails_when_the_database_is_unreachable(tmp_path, url):
    engine = make_engine(url.format(tmp=tmp_path))
    server = serving_endpoints_of(engine)
    try:
        ready = get(server.base_url + "/readyz")
        healthy = get(server.base_url + "/healthz")
        scraped = get(server.base_url + "/metrics")
    finally:
        server.stop()
        engine.dispose()
    body = json.loads(ready.body)
    assert (ready.status, ready.content_type, body["ready"]) == (503, "application/json", False)
    assert body["checks"]["database"].startswith("unreachable: OperationalError: ")
    assert body["checks"]["migrations"] == "not checked: the database is unreachable"
    assert body["problems"][0].startswith("database: unreachable")
    assert healthy.status == 200  # the process is up: no reason to restart it
    assert scraped.status == 200 and "qabot_slack_requests" in scraped.body and "qabot_alerts_open" not in scraped.body


def test_readyz_fails_when_migrations_are_behind(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    server = serving_endpoints_of(engine)
    try:
        ready = get(server.base_url + "/readyz")
    finally:
        server.stop()
    body = json.loads(ready.body)
    assert ready.status == 503 and body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == (f"behind: the database is at 0001, the code needs {head_revision(engine)} "
                                            "(run `qabot db upgrade`)")
    assert body["problems"] == [f"migrations: {body['checks']['migrations']}"]


def test_readyz_fails_when_the_scheduler_does_not_run(engine):
    scheduler = BackgroundScheduler(timezone=UTC)
    readiness = Readiness(engine=engine, scheduler=scheduler)
    assert readiness.checks()["scheduler"] == "not running"
    scheduler.start(paused=True)  # paused: a stop has begun
    try:
        assert readiness.checks()["scheduler"] == "not running"
        scheduler.resume()
        assert readiness.checks() == {"database": "ok", "migrations": "ok", "scheduler": "ok"}
    finally:
        scheduler.shutdown()


def test_readyz_does_not_pile_up_behind_a_database_that_hangs(engine, monkeypatch):
    """A database that never answers holds one thread; the probes after it say so within STUCK_SECONDS."""
    from bot.monitoring import readiness as module

    release, entered = threading.Event(), threading.Event()

    def hanging(_engine):
        entered.set()
        release.wait(timeout=30)
        return None

    checker = Readiness(engine=engine)
    monkeypatch.setattr(module, "current_revision", hanging)
    monkeypatch.setattr(module, "STUCK_SECONDS", 0.2)
    first = threading.Thread(target=checker.checks)
    first.start()
    try:
        assert entered.wait(timeout=10)
        checks = checker.checks()
    finally:
        release.set()
        first.join()
    assert checks == {"database": "not answering: an earlier check has waited over 0.2 s",
                      "migrations": "not checked: the database is not answering"}
