"""The `qabot` command as a user runs it."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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


def test_config_check_warns_when_disputes_are_on_but_no_auditor_is_mapped_to_slack(run, tmp_path):
    config = tmp_path / "disputes.toml"
    config.write_text('[disputes]\nchannel = "C0DISPUTES"\n', encoding="utf-8")
    unmapped = run("--config", str(config), "config", "check")
    assert "disputes: filed within 7 days of the audit, decided within 72 h; 0 auditor(s)" in unmapped.output
    assert "cannot be kept from deciding disputes of their own audits" in unmapped.output
    config.write_text('[disputes]\nchannel = "C0DISPUTES"\n[auditors.qa-1]\nslack_user = "UQA1"\n', encoding="utf-8")
    mapped = run("--config", str(config), "config", "check")
    assert "1 auditor(s) mapped to Slack users" in mapped.output and "cannot be kept" not in mapped.output


def test_config_check_shows_each_scheduled_review(run, tmp_path):
    config = tmp_path / "reviews.toml"
    config.write_text('[reviews.acme-qbr]\nchannel = "C0LEADERS"\ntimezone = "Europe/Dublin"\nperiod = "quarter"\n'
                      'vendor = "acme"\n', encoding="utf-8")
    result = run("--config", str(config), "config", "check")
    assert ("review acme-qbr: quarterly business review of vendor acme, mon 09:00 Europe/Dublin in C0LEADERS"
            in result.output)


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


def test_errors_prints_the_pareto_and_writes_every_row_as_csv(run, tmp_path):
    wrong = {"agent_decision": "approve", "qa_decision": "counterfeit", "audited_at": "2026-11-20T12:00:00Z"}
    rows = [audit_row(f"A{index}", **wrong, error_category=f"category {index % 12}") for index in range(24)]
    rows += [audit_row("B1", **wrong, error_category="", agent_id="agent-2"),
             audit_row("C1", audited_at="2026-11-20T12:00:00Z")]
    assert run("import", "audits", str(write_csv(tmp_path / "audits.csv", rows))).exit_code == 0
    table = tmp_path / "out" / "errors.csv"
    table.parent.mkdir()
    result = run("errors", "vendor", "acme", "--period", "2026-11-14..2026-11-20", "--csv", str(table))
    assert result.exit_code == 0, result.output
    assert "Acme BPO · errors · 2026-11-14 to 2026-11-20" in result.output
    assert "26 audits, 25 errors" in result.output and "(uncategorised): 1 (4%" in result.output
    assert "Wrote 13 rows" in result.output
    with table.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 13 and sum(int(row["errors"]) for row in written) == 25  # every category, none dropped
    assert written[0]["rate_per_1000"] and float(written[-1]["cumulative_share"]) == 1.0

    drill = run("errors", "vendor", "acme", "--period", "2026-11-14..2026-11-20", "--category", "category 1")
    assert drill.exit_code == 0 and "Acme BPO · category 1" in drill.output
    unknown = run("errors", "vendor", "acme", "--period", "2026-11-14..2026-11-20", "--category", "nope")
    assert unknown.exit_code == 1 and 'No errors of category "nope"' in unknown.output


def test_review_of_a_team_needs_a_known_team(run, tmp_path):
    unknown = run("review", "team", "manila", "--out", str(tmp_path / "r.pdf"))
    assert unknown.exit_code == 1 and "No team called 'manila'. Teams: none configured." in unknown.output
    nameless = run("review", "team", "--out", str(tmp_path / "r.pdf"))
    assert nameless.exit_code == 2 and "say which team, and only that: qabot review team KEY" in nameless.output
    assert not (tmp_path / "r.pdf").exists()


def test_review_writes_the_pdf_and_a_csv_per_table_the_same_every_run(run, tmp_path, monkeypatch, now):
    monkeypatch.setattr("bot.cli.review.utc_now", lambda: now)
    rows = [audit_row(f"A{n}", audited_at=f"2026-11-{9 + n % 7:02d}T12:00:00Z", decided_at="2026-11-09T00:00:00Z",
                      **({"qa_decision": "counterfeit", "error_category": "missed context"} if n < 3 else {}))
            for n in range(30)]
    assert run("import", "audits", str(write_csv(tmp_path / "audits.csv", rows))).exit_code == 0
    first, second = tmp_path / "one" / "acme.pdf", tmp_path / "two" / "acme.pdf"
    for pdf in (first, second):
        pdf.parent.mkdir()
        result = run("review", "vendor", "acme", "--period", "week", "--out", str(pdf))
        assert result.exit_code == 0, result.output
    assert "Acme BPO, 2026-11-09 to 2026-11-15 (UTC): accuracy 90.00%" in result.output
    assert "on 30 audits" in result.output and "top error: missed context (100% of errors)" in result.output
    assert first.read_bytes()[:5] == b"%PDF-" and first.read_bytes() == second.read_bytes()
    with (first.parent / "acme-headline.csv").open(encoding="utf-8") as handle:
        headline = {row["figure"]: row for row in csv.DictReader(handle)}
    assert headline["Audits"]["value"] == "30" and headline["Accuracy"]["value"] == "90.00%"
    csvs = sorted(path.name for path in first.parent.glob("*.csv"))
    assert "acme-trend.csv" in csvs and [p.read_bytes() for p in sorted(second.parent.glob("*.csv"))] == [
        (first.parent / name).read_bytes() for name in csvs]

    # In Auckland (UTC+13) the audits of 9 November at 12:00 UTC are on the 10th, those of the 15th on the 16th.
    auckland = run("review", "vendor", "acme", "--period", "2026-11-09..2026-11-15", "--timezone", "Pacific/Auckland",
                   "--out", str(tmp_path / "auckland.pdf"))
    assert "Acme BPO, 2026-11-09 to 2026-11-15 (Pacific/Auckland): accuracy" in auckland.output
    assert f"on {sum(1 for n in range(30) if n % 7 != 6)} audits" in auckland.output
    wrong = run("review", "vendor", "acme", "--timezone", "Dublin", "--out", str(tmp_path / "wrong.pdf"))
    assert wrong.exit_code == 2 and "'Dublin' is not a time zone name; use an IANA name such as Europe/Dublin" \
        in wrong.output
    assert not (tmp_path / "wrong.pdf").exists()


def test_sample_prints_the_plan_of_the_last_four_full_weeks(run, tmp_path, monkeypatch, now):
    monkeypatch.setattr("bot.cli.sample.utc_now", lambda: now)
    days = [now.date() - timedelta(days=1 + index % 28) for index in range(40)]
    rows = [audit_row(f"A{index}", audited_at=f"{day}T12:00:00Z", decided_at=f"{day}T11:00:00Z",
                      **({"qa_decision": "counterfeit"} if index < 4 else {})) for index, day in enumerate(days)]
    assert run("import", "audits", str(write_csv(tmp_path / "audits.csv", rows))).exit_code == 0
    result = run("sample", "vendor", "acme", "--margin", "3")
    assert result.exit_code == 0, result.output
    assert f"Acme BPO · sample plan · {now.date() - timedelta(days=28)} to {now.date() - timedelta(days=1)}" in result.output
    assert "Accuracy 90.0% (95% CI 76.9%–96.0%) against target 95.0%, on 10 audits a week." in result.output
    assert "±3 points: 388 a week; gets 10, 378 short" in result.output
    assert "1 of 1 agents (100%) have too few audits" in result.output and "agent-1 90.0% of 40: needs 73" in result.output
    assert "To catch accuracy 3 points under target (95.0% to 92.0%)" in result.output
    assert "Another drop: qabot sample vendor 'Acme BPO' --margin 1" in result.output  # as a shell takes it
    bad = CliRunner().invoke(cli, ["sample", "vendor", "acme", "--margin", "40"])
    assert bad.exit_code == 2 and "40.0 is not in the range 0.1<=x<=20" in bad.output


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


def demo_now() -> datetime:
    """The instant the demo runs at: QABOT_TEST_NOW when the suite is run at a chosen time, else the current
    time, frozen for the demo's process too so that the figures below are computed for the same day."""
    from bot.clock import utc_now

    return utc_now()


def acme_accuracy_last_week(database: Path, *, now: datetime, zone: str) -> float:
    """Acme's accuracy over the 7 local days before `now`'s local day, straight from the audits (pandas)."""
    import sqlite3

    import pandas as pd

    with sqlite3.connect(database) as connection:
        audits = pd.read_sql("SELECT vendor, outcome, audited_at FROM audit WHERE vendor = 'Acme BPO'", connection)
    local_day = pd.to_datetime(audits["audited_at"], utc=True, format="ISO8601").dt.tz_convert(zone).dt.date
    today = now.astimezone(ZoneInfo(zone)).date()
    week = audits[(local_day >= today - timedelta(days=7)) & (local_day < today)]
    return (week["outcome"] == "correct").mean()


def test_demo_without_a_config_still_knows_acme(tmp_path):
    """`qabot demo` in a directory with no config at all: `/qa vendor acme` is still Acme BPO's scorecard."""
    env = {key: value for key, value in os.environ.items() if key != "QABOT_CONFIG"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", QABOT_TEST_NOW=demo_now().isoformat())
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and " ERROR " not in result.stderr, result.stderr
    assert "Acme BPO · vendor scorecard" in result.stdout and "significantly below target" in result.stdout


@pytest.mark.clock
def test_demo_runs_from_a_fresh_directory(tmp_path):
    """The README's main job, as a subprocess in an empty directory: the app answers /qa via the stand-in,
    the jobs post, a calibration runs, and it all ends clean (no traceback, no ERROR line)."""
    now = demo_now()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}", "QABOT_CONFIG": str(SHIPPED_CONFIG),
           "QABOT_TEST_NOW": now.isoformat()}
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and " ERROR " not in result.stderr, result.stderr
    out = result.stdout
    assert "seeding demo data" in out and "> /qa vendor acme" in out and "acknowledged with HTTP 200" in out
    assert "Acme BPO · vendor scorecard" in out and "significantly below target" in out
    assert "Weakest agents" in out and "[Share in channel]" in out
    assert (tmp_path / "qabot-demo-chart.png").read_bytes().startswith(b"\x89PNG")
    assert "> /qa errors vendor acme 30d" in out and "Acme BPO · errors" in out and "make 80% of the errors" in out
    assert "Agents repeating an error (3 or more of one category)" in out
    assert (tmp_path / "qabot-demo-chart-errors.png").read_bytes().startswith(b"\x89PNG")
    assert re.search(r"COACH-1: <@UDEMOQALEAD> coached \S+ on \S", out), out
    follow_up = re.search(r"COACH-2 follow-up: (improved|no measurable change|worse)\n", out)
    assert follow_up and "Before coaching: " in out and "two-proportion test p" in out, out
    before = re.search(r"Acme's accuracy, last 7 days, before: (\d+\.\d)% .* · no disputes", out)
    after = re.search(r"Acme's accuracy, last 7 days, after:  (\d+\.\d)% .* · 1 filed · 1 overturned, accuracy "
                      r"before disputes (\d+\.\d)%", out)
    assert "DSP-1 · filed by <@UDEMOACME01>" in out and before and after, out
    assert float(after.group(1)) >= float(before.group(1)) and after.group(2) == before.group(1)
    assert "> morning post of team 'demo'" in out and "Morning quality · QA demo team" in out
    assert "> /qa review vendor acme 13w" in out and "The PDF and its tables (CSV files) are in your messages with me." in out
    assert (tmp_path / "qabot-demo-review.pdf").read_bytes().startswith(b"%PDF")
    expected = acme_accuracy_last_week(tmp_path / "demo.db", now=now, zone="Asia/Manila")
    mover = re.search(r"Acme BPO (\d+\.\d)% \((-\d+\.\d) pp from \d+\.\d%, significant\)", out)
    assert "Biggest movers by vendor" in out and mover, out
    assert mover.group(1) == f"{expected * 100:.1f}"  # the demo's drop, as the audits say
    for number in (1, 2):
        assert (tmp_path / f"qabot-demo-chart-morning-{number}.png").read_bytes().startswith(b"\x89PNG")
    assert "> SLA-breach monitor" in out and "Acme BPO accuracy below target" in out and "[Acknowledge]" in out
    assert "> /qa calibrate" in out and "Cy Tan judged all 12 items in the modal" in out
    assert "CAL-1 results" in out and "Gwet's AC1: 0." in out and "match the expert" in out
    assert (tmp_path / "qabot-demo-chart-calibration.png").read_bytes().startswith(b"\x89PNG")
    again = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "seeding" not in again.stdout
    assert "Traceback" not in again.stderr + again.stdout and " ERROR " not in again.stderr, again.stderr
