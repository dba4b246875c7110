"""Audit import on SQLite and PostgreSQL: counts, idempotence, updates, rejects, mapping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from bot.audits.importer import import_audits, rejects_path_for
from bot.errors import ImportFileError, MissingColumnsError
from bot.store.models import AGENT_LEVEL, HISTOGRAM_COLUMNS, SCOPE_LEVEL, Audit, ImportRun
from tests.factories import audit_row, write_csv


def run_import(engine, config, path, now, **options):
    return import_audits(engine, config=config, path=path, now=now, **options)


def audits(engine) -> dict[str, Audit]:
    with Session(engine) as session:
        return {audit.audit_id: audit for audit in session.exec(select(Audit)).scalars()}


def rollup_frame(engine, table=AGENT_LEVEL.counts) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(select(table)).mappings().all())


def counts(summary):
    return summary.counts.inserted, summary.counts.updated, summary.counts.unchanged, summary.rejected


def test_import_stores_every_field_and_classifies(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [
        audit_row("A1"),
        audit_row("A2", agent_decision="counterfeit", qa_decision="approve", error_category="over-enforcement",
                  severity="Major", handle_time_s="12.5"),
        audit_row("A3", agent_decision="approve", qa_decision="counterfeit", handle_time_s="",
                  audited_at="2026-11-20T23:30:00-05:00", decided_at="2026-11-20T20:00:00"),
    ])
    summary = run_import(engine, config, path, now)
    assert counts(summary) == (3, 0, 0, 0)
    stored = audits(engine)
    assert stored["A1"].outcome == "correct" and stored["A1"].handle_time_s == 60
    assert stored["A2"].outcome == "false_positive" and stored["A2"].severity == "major"
    assert stored["A2"].error_category == "over-enforcement"
    a3 = stored["A3"]
    assert a3.outcome == "false_negative" and a3.handle_time_s is None
    assert a3.audited_at == datetime(2026, 11, 21, 4, 30, tzinfo=UTC)  # offset converted to UTC
    assert a3.decided_at == datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # no offset means UTC
    assert a3.audit_day == date(2026, 11, 21)
    assert a3.policy == "counterfeit" and stored["A1"].first_imported_at == now
    with Session(engine) as session:
        (run,) = session.exec(select(ImportRun)).scalars()
    assert (run.file_name, run.rows_read, run.inserted, run.rejected) == ("audits.csv", 3, 3, 0)


def test_reimport_changes_nothing_and_updates_what_changed(engine, config, tmp_path, now):
    rows = [audit_row("A1"), audit_row("A2"), audit_row("A3", vendor="Globex")]
    path = write_csv(tmp_path / "audits.csv", rows)
    run_import(engine, config, path, now)
    later = now + timedelta(hours=1)
    assert counts(run_import(engine, config, path, later)) == (0, 0, 3, 0)
    assert audits(engine)["A1"].updated_at == now

    rows[1] = audit_row("A2", agent_decision="counterfeit", error_category="over-enforcement")
    rows[2] = audit_row("A3", vendor="Globex", audited_at="2026-11-18T09:00:00Z", decided_at="2026-11-18T08:00:00Z")
    write_csv(path, rows + [audit_row("A4")])
    assert counts(run_import(engine, config, path, later)) == (1, 2, 1, 0)
    stored = audits(engine)
    assert stored["A2"].outcome == "false_positive" and stored["A2"].updated_at == later
    assert stored["A2"].first_imported_at == now

    rollup = rollup_frame(engine).set_index(["day", "vendor"])
    assert rollup.loc[(date(2026, 11, 20), "Acme BPO"), "audits"] == 3
    assert rollup.loc[(date(2026, 11, 20), "Acme BPO"), "false_positive"] == 1
    assert (date(2026, 11, 20), "Globex") not in rollup.index  # A3 moved away: old day rebuilt
    assert rollup.loc[(date(2026, 11, 18), "Globex"), "audits"] == 1


def test_missing_required_columns_stop_before_writing(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [audit_row("A1")],
                     columns=["audit_id", "item_id", "queue", "vendor", "agent_decision", "decided_at"])
    with pytest.raises(MissingColumnsError) as caught:
        run_import(engine, config, path, now)
    assert caught.value.missing == ["agent_id", "qa_decision", "audited_at"]
    assert "agent_id, qa_decision, audited_at" in str(caught.value)
    assert audits(engine) == {}


def test_bad_rows_go_to_rejects_with_line_and_reason(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [
        audit_row("A1"),
        audit_row("A2", audited_at="yesterday"),
        audit_row("A3", agent_id=""),
        audit_row("A4", handle_time_s="-5"),
        audit_row("A1", queue="other"),
        audit_row("A5", severity="urgent", handle_time_s="abc"),
        audit_row("A6", audited_at="2026-11-19T00:00:00Z"),
        audit_row("A7"),
    ])
    summary = run_import(engine, config, path, now)
    assert counts(summary) == (2, 0, 0, 6)
    assert set(audits(engine)) == {"A1", "A7"}
    rejects = pd.read_csv(summary.rejects_path, dtype=str, keep_default_na=False)
    assert summary.rejects_path == tmp_path / "audits.rejects.csv"
    assert rejects["reject_line"].tolist() == ["3", "4", "5", "6", "7", "8"]
    assert rejects["reject_reason"].tolist() == [
        "audited_at 'yesterday' is not an ISO 8601 time (e.g. 2026-11-02T14:05:00Z)",
        "agent_id is empty",
        "handle_time_s is negative",
        "audit_id 'A1' already appears on line 2",
        "handle_time_s 'abc' is not a number of seconds; severity 'urgent' is not one of critical, major, minor",
        "audited_at is before decided_at",
    ]
    assert rejects.loc[3, "queue"] == "other"  # the row as the file had it, ready to fix and re-import


def test_rejects_file_keeps_the_exports_own_columns_and_fixed_rows_import(engine, config, tmp_path, now):
    mapping = config.sources["acme-export"].columns
    theirs = {ours: their for their, ours in mapping.items()}
    rows = [{theirs[k]: v for k, v in audit_row(f"A{i}", agent_id="" if i == 2 else "agent-1").items() if k in theirs}
            for i in range(1, 4)]
    path = write_csv(tmp_path / "acme.csv", rows, columns=list(mapping))
    summary = run_import(engine, config, path, now, source_name="acme-export")
    assert counts(summary) == (2, 0, 0, 1)
    rejects = pd.read_csv(summary.rejects_path, dtype=str, keep_default_na=False)
    assert list(rejects.columns) == ["reject_line", "reject_reason", *mapping]
    rejects["Moderator"] = "agent-9"
    fixed = tmp_path / "fixed.csv"
    rejects.to_csv(fixed, index=False)
    still_bad = tmp_path / "still_bad.csv"
    rejects.assign(Moderator="").to_csv(still_bad, index=False)
    again_rejected = run_import(engine, config, still_bad, now, source_name="acme-export")
    assert counts(again_rejected) == (0, 0, 0, 1)
    assert pd.read_csv(again_rejected.rejects_path, dtype=str)["reject_reason"].tolist() == ["agent_id is empty"]
    again = run_import(engine, config, fixed, now, source_name="acme-export")
    assert counts(again) == (1, 0, 0, 0)
    assert again.ignored_columns == ["reject_line", "reject_reason"]
    assert again.rejects_path is None
    assert audits(engine)["A2"].vendor == "Acme BPO"  # the source's constant for a column the export lacks


def test_a_clean_reimport_removes_the_stale_rejects_file(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [audit_row("A1", agent_id="")])
    assert run_import(engine, config, path, now).rejects_path.exists()
    write_csv(path, [audit_row("A1")])
    run_import(engine, config, path, now)
    assert not rejects_path_for(path).exists()


def test_gzip_and_unknown_vendor_and_extra_columns(engine, config, tmp_path, now):
    rows = [audit_row("A1", vendor="Brand New Vendor", notes="keep me?")]
    path = write_csv(tmp_path / "audits.csv.gz", rows, columns=[*audit_row(), "notes"])
    summary = run_import(engine, config, path, now)
    assert counts(summary) == (1, 0, 0, 0) and summary.ignored_columns == ["notes"]
    assert audits(engine)["A1"].vendor == "Brand New Vendor"


def test_dry_run_counts_but_writes_nothing(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [audit_row("A1"), audit_row("A2", agent_id="")])
    summary = run_import(engine, config, path, now, dry_run=True)
    assert counts(summary) == (1, 0, 0, 1) and summary.dry_run
    assert summary.rejects_path.exists()
    assert audits(engine) == {} and rollup_frame(engine).empty
    with Session(engine) as session:
        assert session.exec(select(ImportRun)).first() is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"audit_id,item_id\n\xff\xfe,1\n", "not UTF-8"),
    ],
)
def test_unreadable_files(engine, config, tmp_path, now, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        run_import(engine, config, path, now)


def test_a_file_broken_after_chunks_were_written_leaves_the_database_as_it_was(
        engine, config, tmp_path, now, monkeypatch):
    """Chunks go to the database from a writer thread; a later bad chunk still rolls all of them back."""
    import threading

    from bot.store.audits import AuditLoad

    monkeypatch.setattr("bot.audits.importer.CHUNK_ROWS", 2)
    written = []
    add = AuditLoad.add
    monkeypatch.setattr(AuditLoad, "add", lambda load, frame: written.append(len(frame)) or add(load, frame))
    run_import(engine, config, write_csv(tmp_path / "first.csv", [audit_row("A0")]), now)
    path = write_csv(tmp_path / "audits.csv", [audit_row(f"A{i}", queue="changed") for i in range(7)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("A9,x,q,p,m,v,s,a,d,d,e,,1,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,qa,EXTRA,MORE\n")
    with pytest.raises(ImportFileError, match="not a readable CSV"):
        run_import(engine, config, path, now)
    assert written[1:] == [2, 2, 2]  # the first import's row, then three chunks handed over before the bad line
    assert list(audits(engine)) == ["A0"] and audits(engine)["A0"].queue != "changed"
    assert rollup_frame(engine)["audits"].sum() == 1
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("audit-load")]


def test_malformed_csv_writes_nothing(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [audit_row(f"A{i}") for i in range(5)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("A9,x,q,p,m,v,s,a,d,d,e,,1,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,qa,EXTRA,MORE\n")
    with pytest.raises(ImportFileError, match="not a readable CSV"):
        run_import(engine, config, path, now)
    assert audits(engine) == {}


def test_unknown_source_and_missing_file(engine, config, tmp_path, now):
    path = write_csv(tmp_path / "audits.csv", [audit_row("A1")])
    with pytest.raises(ImportFileError, match="unknown source 'nope'; the config's \\[sources\\] has: acme-export"):
        run_import(engine, config, path, now, source_name="nope")
    with pytest.raises(ImportFileError, match="no such file"):
        run_import(engine, config, tmp_path / "missing.csv", now)


@pytest.mark.parametrize("chunk_rows", [100_000, 7], ids=["one chunk", "many chunks"])
def test_rollups_match_the_audits_after_many_changes(engine, config, tmp_path, now, monkeypatch, chunk_rows):
    """Roll-ups are derived data: after inserts, updates and moves they equal a fresh aggregate,
    whether the new and stored ids come in one chunk or spread over many."""
    import numpy as np

    monkeypatch.setattr("bot.audits.importer.CHUNK_ROWS", chunk_rows)

    rng = np.random.default_rng(3)
    labels = ["approve", "counterfeit", "prohibited"]

    def random_rows(count):
        return [audit_row(
            f"A{rng.integers(0, 60)}",
            vendor=rng.choice(["Acme BPO", "Globex"]), queue=rng.choice(["q1", "q2"]),
            policy=rng.choice(["", "p1"]), agent_id=f"ag{rng.integers(0, 4)}",
            agent_decision=rng.choice(labels), qa_decision=rng.choice(labels),
            error_category=rng.choice(["", "missed context"]),
            handle_time_s=rng.choice(["", "5", "33.3", "400"]),
            audited_at=f"2026-11-{rng.integers(10, 14)}T1{rng.integers(0, 9)}:00:00Z",
            decided_at="2026-11-01T00:00:00Z",
        ) for _ in range(count)]

    for round_number in range(3):
        rows = list({row["audit_id"]: row for row in random_rows(50)}.values())
        run_import(engine, config, write_csv(tmp_path / f"r{round_number}.csv", rows), now)

    with engine.connect() as connection:
        raw = pd.DataFrame(connection.execute(select(Audit.__table__)).mappings().all())
    keys = ["audit_day", "vendor", "queue", "agent_id"]
    expected = raw.groupby(keys, dropna=False).agg(
        audits=("audit_id", "size"),
        correct=("outcome", lambda s: (s == "correct").sum()),
        timed=("handle_time_s", "count"),
        handle_time_sum=("handle_time_s", "sum"),
    ).reset_index().rename(columns={"audit_day": "day"})
    rollup = rollup_frame(engine).groupby(["day", "vendor", "queue", "agent_id"])[
        ["audits", "correct", "timed", "handle_time_sum"]].sum().reset_index()
    merged = expected.merge(rollup, on=["day", "vendor", "queue", "agent_id"], suffixes=("", "_rollup"), how="outer")
    for column in ("audits", "correct", "timed", "handle_time_sum"):
        assert np.allclose(merged[column], merged[f"{column}_rollup"]), column
    for level in (AGENT_LEVEL, SCOPE_LEVEL):
        assert rollup_frame(engine, level.counts)["audits"].sum() == len(raw)
        assert rollup_frame(engine, level.errors)["errors"].sum() == (raw["outcome"] != "correct").sum()
    measures = ["audits", "correct", "false_positive", "timed", *HISTOGRAM_COLUMNS]
    scope_level = rollup_frame(engine, SCOPE_LEVEL.counts).groupby(["day", "vendor", "queue"])[measures].sum()
    agent_level = rollup_frame(engine).groupby(["day", "vendor", "queue"])[measures].sum()
    pd.testing.assert_frame_equal(scope_level, agent_level)
    assert agent_level[list(HISTOGRAM_COLUMNS)].to_numpy().sum() == raw["handle_time_s"].notna().sum()


def test_an_audit_moved_to_a_day_without_audits_leaves_both_days_right(engine, config, tmp_path, now):
    """New days' roll-ups are summed while loading; the day an audit moved away from is rebuilt from the table."""
    run_import(engine, config, write_csv(tmp_path / "first.csv", [
        audit_row("A1", audited_at="2026-11-18T09:00:00Z", decided_at="2026-11-18T08:00:00Z"),
        audit_row("A2", audited_at="2026-11-18T10:00:00Z", decided_at="2026-11-18T08:00:00Z")]), now)
    moved = run_import(engine, config, write_csv(tmp_path / "second.csv", [
        audit_row("A1", audited_at="2026-11-19T09:00:00Z", decided_at="2026-11-18T08:00:00Z", handle_time_s="",
                  agent_decision="counterfeit", error_category=""),
        audit_row("A3", audited_at="2026-11-19T11:00:00Z", decided_at="2026-11-19T08:00:00Z")]), now)
    assert counts(moved) == (1, 1, 0, 0)
    for level in (AGENT_LEVEL, SCOPE_LEVEL):
        by_day = rollup_frame(engine, level.counts).groupby("day")[["audits", "correct", "timed"]].sum()
        assert by_day.loc[date(2026, 11, 18)].tolist() == [1, 1, 1]
        assert by_day.loc[date(2026, 11, 19)].tolist() == [2, 1, 1]
        errors = rollup_frame(engine, level.errors)
        assert errors[["day", "error_category", "errors"]].values.tolist() == [
            [date(2026, 11, 19), "(uncategorised)", 1]]
