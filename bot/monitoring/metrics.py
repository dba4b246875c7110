"""What one process counts, in a registry of its own, shown at /metrics in Prometheus' text format.

A `Metrics` is built once per process (`qabot run`, `qabot scheduler`) and handed down through the
Runtime, never kept in a module: tests that run several apps in one process count each apart.
Alerts open and imported rows live in the database (imports run in their own `qabot import`
process), so they are read from it at each scrape.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.alerts import count_unresolved_alerts
from bot.store.audits import imported_row_totals
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

#: Acknowledgements must come within 3 s (Slack's limit); ours take milliseconds.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
#: A full answer (a scorecard with its chart) takes up to a few seconds.
ANSWER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)
EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""What `generate_latest` writes: the text format every Prometheus reads."""


class Metrics:
    """One process's counters and histograms; `exposition()` is the /metrics body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._watching_store = False
        self.requests = Counter(
            "qabot_slack_requests", "Slack requests by listener kind and outcome.", ["kind", "outcome"],
            registry=self.registry)
        self.ack_seconds = Histogram(
            "qabot_slack_ack_seconds", "From a Slack request's arrival to its acknowledgement.", ["kind"],
            buckets=ACK_BUCKETS, registry=self.registry)
        self.answer_seconds = Histogram(
            "qabot_slack_answer_seconds", "From a Slack request's arrival until its listener has answered.",
            ["kind"], buckets=ANSWER_BUCKETS, registry=self.registry)
        self.api_calls = Counter(
            "qabot_slack_api_calls", "Slack Web API responses by method and result (ok, ratelimited, error).",
            ["method", "result"], registry=self.registry)
        self.job_runs = Counter(
            "qabot_job_runs", "Scheduled job runs by job and outcome (ok, failed, skipped).", ["job", "outcome"],
            registry=self.registry)
        self.job_seconds = Histogram(
            "qabot_job_duration_seconds", "How long each job's runs took.", ["job"], buckets=JOB_BUCKETS,
            registry=self.registry)

    def request_finished(self, *, kind: str, outcome: str) -> None:
        self.requests.labels(kind=kind, outcome=outcome).inc()

    def acknowledged(self, *, kind: str, seconds: float) -> None:
        self.ack_seconds.labels(kind=kind).observe(seconds)

    def answered(self, *, kind: str, seconds: float) -> None:
        self.answer_seconds.labels(kind=kind).observe(seconds)

    def api_call(self, *, method: str, result: str) -> None:
        self.api_calls.labels(method=method, result=result).inc()

    def job_ran(self, *, job: str, outcome: str, seconds: float | None = None) -> None:
        """`seconds` is None for a slot skipped because another process ran it."""
        self.job_runs.labels(job=job, outcome=outcome).inc()
        if seconds is not None:
            self.job_seconds.labels(job=job).observe(seconds)

    def watch_store(self, engine: Engine) -> None:
        """Show the figures kept in the database (alerts open, imported rows) too; once per process."""
        if not self._watching_store:
            self.registry.register(StoredFigures(engine))
            self._watching_store = True

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class StoredFigures:
    """A collector read from the database at each scrape; a database that cannot be read leaves these
    figures out (and /readyz says why) rather than failing the whole scrape."""

    def __init__(self, engine: Engine):
        self._engine = engine

    def describe(self) -> list:
        return []  # nothing to check at registration: the names are fixed and read lazily

    def collect(self):
        try:
            with session_scope(self._engine) as session:
                alerts = count_unresolved_alerts(session)
                rows = imported_row_totals(session)
        except SQLAlchemyError as error:
            logger.warning("/metrics: could not read alerts and imports from the database (%s)",
                           error.__class__.__name__)
            return
        open_alerts = GaugeMetricFamily("qabot_alerts_open", "Alerts not resolved, by status (open, acknowledged).",
                                        labels=["status"])
        for status, count in alerts.items():
            open_alerts.add_metric([status], count)
        yield open_alerts
        imported = CounterMetricFamily(
            "qabot_import_rows", "Rows of every audit import recorded in the database, by result "
            "(inserted, updated, unchanged, rejected).", labels=["result"])
        for result, count in rows.items():
            imported.add_metric([result], count)
        yield imported
