"""The `qabot` command as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.factories import audit_row, write_csv

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONFIG = ROOT / "config" / "qabot.toml"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("QABOT_CONFIG", str(SHIPPED_CONFIG))

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_config_check_ok(run):
    result = run("config", "check")
    assert result.exit_code == 0, result.output
    assert "Config OK" in result.output and "vendors: 4" in result.output


def test_config_check_names_every_problem(run, tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text("[defaults]\naccuracy_target = 2\n[vendors.x]\nnmae = 'X'\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    result = run("--config", str(bad), "config", "check")
    assert result.exit_code == 2
    assert "DATABASE_URL: driver 'mysql' is not supported" in result.output
    assert "defaults.accuracy_target: Input should be less than or equal to 1 (got 2)" in result.output
    assert "vendors.x.nmae: unknown key" in result.output


def test_import_then_kpi(run, tmp_path):
    path = write_csv(tmp_path / "audits.csv", [
        audit_row("A1", audited_at="2026-11-20T12:00:00Z"),
        audit_row("A2", agent_id="", audited_at="2026-11-20T12:00:00Z"),
    ])
    result = run("import", "audits", str(path))
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert "audits.rejects.csv" in result.output

    result = run("kpi", "vendor", "acme", "--period", "2026-11-14..2026-11-20")
    assert result.exit_code == 0, result.output
    assert "Acme BPO · vendor · 2026-11-14 to 2026-11-20" in result.output
    assert "Accuracy     100.0%" in result.output


def test_import_missing_columns_is_a_clear_error(run, tmp_path):
    path = write_csv(tmp_path / "audits.csv", [{"audit_id": "A1"}], columns=["audit_id"])
    result = run("import", "audits", str(path))
    assert result.exit_code == 1
    assert "missing required column(s): item_id, queue, vendor" in result.output
    assert "Nothing was imported." in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kpi", "vendor", "acmee"), "No vendor called 'acmee' is known. Did you mean: Acme BPO?"),
        (("kpi", "vendor"), "say which vendor"),
        (("kpi", "vendor", "acme", "--period", "last week"), "'last week' is not a period I understand"),
        (("kpi", "org", "--days", "7", "--period", "7d"), "give --days or --period, not both"),
    ],
)
def test_kpi_bad_input(run, args, message):
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output


def test_demo_runs_from_a_fresh_directory(tmp_path):
    """The README's main job, as a subprocess in an empty directory: the app answers /qa via the stand-in."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "QABOT_CONFIG": str(SHIPPED_CONFIG)}
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "seeding demo data" in out and "> /qa vendor acme" in out and "acknowledged with HTTP 200" in out
    assert "Acme BPO · vendor scorecard" in out and "significantly below target" in out
    assert "Weakest agents" in out and "[Share in channel]" in out
    assert (tmp_path / "qabot-demo-chart.png").read_bytes().startswith(b"\x89PNG")
    assert "> morning post of team 'demo'" in out and "Morning quality · QA demo team" in out
    assert "Biggest movers by vendor" in out and "Acme BPO 88." in out
    for number in (1, 2):
        assert (tmp_path / f"qabot-demo-chart-morning-{number}.png").read_bytes().startswith(b"\x89PNG")
    assert "> SLA-breach monitor" in out and "Acme BPO accuracy below target" in out and "[Acknowledge]" in out
    assert "> /qa calibrate" in out and "Cy Tan judged all 12 items in the modal" in out
    assert "CAL-1 results" in out and "Gwet's AC1: 0." in out and "match the expert" in out
    assert (tmp_path / "qabot-demo-chart-calibration.png").read_bytes().startswith(b"\x89PNG")
    again = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "seeding" not in again.stdout
