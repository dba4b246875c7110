"""The scale benchmark end to end at a tiny size, so its code cannot rot between the runs that matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale import prepare, run
from bot.config import load_team_config
from bot.store.db import make_engine

pytestmark = pytest.mark.postgres


def test_scale_run_prepares_measures_and_reports_every_figure(postgres_url):
    results = run(postgres_url, audits=20_000, per_day=500, import_rows=2_000, scorecard_runs=2)

    assert set(results["preparation_s"]) == {"migrate", "partitions", "load", "rollups", "analyze"}
    assert results["vendor_scorecard"]["7d"]["ms"]["p95"] > 0
    assert results["vendor_scorecard"]["7d"]["audits_in_scope"] > 0
    assert results["day_import"]["inserted"] == 2_000 and results["day_import"]["rejected"] == 0
    assert results["morning_20_teams"]["all_posted"]
    disk = results["disk"]
    assert disk["bytes_per_audit"] > 0 and disk["per_100m_audits_gib"]["audits_with_indexes"] > 0
    assert set(disk["audits_indexes_by_index_gib"]) == {"audit_pkey", "ix_audit_audit_day", "ix_audit_agent_errors"}
    partitions = results["partitions"]
    assert sum(partitions["rows"].values()) == 20_000  # the measured import left nothing behind
    assert partitions["holding_audits"] == 13 and partitions["rows"]["audit_default"] == 0

    engine = make_engine(postgres_url)  # a rerun measures the prepared database as it is
    assert prepare(engine, audits=20_000, per_day=500, config=load_team_config(Path("config/qabot.toml"))) == {}
    engine.dispose()
