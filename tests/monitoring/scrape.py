"""Reading the app's /healthz, /readyz and /metrics as a prober and Prometheus would."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Got:
    status: int
    content_type: str
    body: str


def get(url: str) -> Got:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return Got(answer.status, answer.headers["Content-Type"], answer.read().decode())
    except urllib.error.HTTPError as error:
        return Got(error.code, error.headers["Content-Type"], error.read().decode())


def samples(base_url: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of /metrics by name and labels: samples(url)[("qabot_job_runs_total", labels(job="x"))]."""
    text = get(base_url + "/metrics").body
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def labels(**values: str) -> frozenset:
    return frozenset(values.items())
