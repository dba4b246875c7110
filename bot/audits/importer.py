"""`qabot import audits`: read a QA export, check every row, upsert, report.

The whole import is one transaction: a file that cannot be read (missing
columns, broken CSV, not UTF-8) leaves the database as it was. Bad rows do not
stop the import; they go to a rejects CSV beside the input, with their line
number and the reason, in the file's own columns so they can be fixed and
imported again.
"""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from tqdm import tqdm

from bot.audits.validation import DuplicateTracker, check_chunk
from bot.config import CANONICAL_COLUMNS, REQUIRED_COLUMNS, Source, TeamConfig
from bot.disputes.final_verdicts import keep_final_verdicts
from bot.errors import ImportFileError, MissingColumnsError
from bot.store.audits import AuditLoad, MergeCounts, record_import_run
from bot.store.db import session_scope
from bot.store.disputes import disputed_verdicts, supersede
from bot.store.models import ImportRun

logger = logging.getLogger(__name__)

CHUNK_ROWS = 100_000
LINE_COLUMN = "reject_line"
REASON_COLUMN = "reject_reason"


@dataclass
class ImportSummary:
    file_name: str
    rows_read: int = 0
    counts: MergeCounts = field(default_factory=MergeCounts)
    rejected: int = 0
    rejects_path: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    kept_final_verdicts: list[str] = field(default_factory=list)
    """Audits overturned in a dispute whose row still had QA's original label: the final verdict was kept."""
    superseded_disputes: list[str] = field(default_factory=list)
    """Audits re-audited (a new QA label): the new verdict replaced the dispute's final one."""


@dataclass(frozen=True)
class Chunk:
    original: pd.DataFrame
    """Rows as the file has them (its own column names), for the rejects file."""
    canonical: pd.DataFrame
    lines: pd.Series
    """Line number of each row in the file, the header being line 1."""


class AuditFile:
    """A CSV export and how its columns map onto the canonical ones."""

    def __init__(self, path: Path, *, source: Source | None = None):
        self.path = path
        self.source = source or Source()
        header = self._read_header()
        self.rename = {column: self.source.columns.get(column, column) for column in header}
        mapped = list(self.rename.values())
        twice = sorted({name for name in mapped if mapped.count(name) > 1 and name in CANONICAL_COLUMNS})
        if twice:
            raise ImportFileError(
                f"{path}: more than one column becomes {', '.join(twice)} after the source's mapping; "
                "keep one of them."
            )
        self.ignored = [column for column in header if self.rename[column] not in CANONICAL_COLUMNS]
        present = set(mapped) | set(self.source.defaults)
        missing = [column for column in REQUIRED_COLUMNS if column not in present]
        if missing:
            raise MissingColumnsError(missing, header)

    def _read_header(self) -> list[str]:
        if not self.path.is_file():
            raise ImportFileError(f"{self.path}: no such file.")
        frame = self._read(nrows=0)
        header = [str(column).strip() for column in frame.columns]
        if not header:
            raise ImportFileError(f"{self.path}: the file is empty; it needs a header row.")
        return header

    def _read(self, **options):
        try:
            return pd.read_csv(
                self.path, dtype=str, keep_default_na=False, na_filter=False, index_col=False,
                encoding="utf-8-sig", compression="infer", **options,
            )
        except (pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError, OSError, EOFError) as exc:
            raise self._file_error(exc) from exc

    def _file_error(self, exc: Exception) -> ImportFileError:
        if isinstance(exc, pd.errors.EmptyDataError):
            return ImportFileError(f"{self.path}: the file is empty; it needs a header row.")
        if isinstance(exc, UnicodeDecodeError):
            return ImportFileError(f"{self.path}: not UTF-8 text ({exc.reason}); save it as UTF-8. "
                                   "Nothing was imported.")
        return ImportFileError(f"{self.path}: not a readable CSV: {exc}. Nothing was imported.")

    def chunks(self) -> Iterator[Chunk]:
        reader = self._read(chunksize=CHUNK_ROWS)
        first_line = 2
        while True:
            try:
                original = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, pd.errors.ParserError, EOFError, OSError) as exc:
                raise self._file_error(exc) from exc
            original.columns = [str(column).strip() for column in original.columns]
            canonical = original.rename(columns=self.rename)
            for column, value in self.source.defaults.items():
                if column not in canonical.columns:
                    canonical[column] = value
            lines = pd.Series(range(first_line, first_line + len(original)), index=original.index)
            first_line += len(original)
            yield Chunk(original=original, canonical=canonical, lines=lines)

    def count_rows(self) -> int:
        """Rows in the file (for the progress bar); a line count, cheap even for big files."""
        opener = gzip.open if self.path.suffix == ".gz" else open
        with opener(self.path, "rb") as handle:
            newlines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        return max(newlines - 1, 0)


def rejects_path_for(path: Path) -> Path:
    name = path.name.removesuffix(".gz").removesuffix(".csv")
    return path.with_name(f"{name}.rejects.csv")


def import_audits(
    engine: Engine,
    *,
    config: TeamConfig,
    path: Path,
    source_name: str | None = None,
    dry_run: bool = False,
    now: datetime,
    show_progress: bool = False,
) -> ImportSummary:
    """Import one audit file; see the module docstring for what happens to bad input."""
    source = _source(config, source_name)
    audit_file = AuditFile(path, source=source)
    summary = ImportSummary(file_name=path.name, ignored_columns=audit_file.ignored, dry_run=dry_run)
    rejects: list[pd.DataFrame] = []
    total = audit_file.count_rows() if show_progress else None
    started = time.monotonic()
    with tqdm(total=total, unit="rows", disable=not show_progress, desc=path.name) as bar, \
            session_scope(engine) as session:
        def keep_rejects(chunk: Chunk, index: pd.Index, reasons: pd.Series) -> None:
            # A rejects file imported again already has these columns: give them fresh values.
            bad = chunk.original.loc[index].drop(columns=[LINE_COLUMN, REASON_COLUMN], errors="ignore")
            bad.insert(0, REASON_COLUMN, reasons)
            bad.insert(0, LINE_COLUMN, chunk.lines.loc[index])
            rejects.append(bad)

        load_chunks(
            session, chunks=audit_file.chunks(), config=config, source=source_name, now=now,
            summary=summary, on_rejects=keep_rejects, on_progress=bar.update,
        )
        if dry_run:
            session.rollback()
        else:
            record_import_run(session, run=ImportRun(
                file_name=path.name, source=source_name, started_at=now,
                finished_at=now + timedelta(seconds=time.monotonic() - started),
                rows_read=summary.rows_read, inserted=summary.counts.inserted,
                updated=summary.counts.updated, unchanged=summary.counts.unchanged,
                rejected=summary.rejected,
            ))
        # Before the commit: if the rejects cannot be written, nothing is imported either.
        summary.rejects_path = _write_rejects(rejects_path_for(path), rejects)
    return summary


def load_chunks(
    session,
    *,
    chunks: Iterable[Chunk],
    config: TeamConfig,
    source: str | None,
    now: datetime,
    summary: ImportSummary,
    on_rejects: Callable[[Chunk, pd.Index, pd.Series], None],
    on_progress: Callable[[int], object] | None = None,
) -> ImportSummary:
    """Check and upsert chunks inside the caller's transaction, then refresh roll-ups."""
    duplicates = DuplicateTracker()
    labels = config.defaults.no_violation_labels
    with AuditLoad(session, source=source, now=now) as load:
        disputed = disputed_verdicts(session)  # read holding the audits' lock: no overturn slips in between
        for chunk in chunks:
            checked = check_chunk(chunk.canonical, lines=chunk.lines, duplicates=duplicates,
                                  no_violation_labels=labels)
            final = keep_final_verdicts(checked.good, disputed, no_violation_labels=labels)
            summary.kept_final_verdicts += final.kept
            summary.superseded_disputes += final.superseded
            load.add(final.rows)
            summary.rows_read += len(chunk.canonical)
            summary.rejected += len(checked.rejected_index)
            if len(checked.rejected_index):
                on_rejects(chunk, checked.rejected_index, checked.reasons)
            if on_progress:
                on_progress(len(chunk.canonical))
        summary.counts = load.finish()
    supersede(session, audit_ids=summary.superseded_disputes, now=now)
    return summary


def _source(config: TeamConfig, name: str | None) -> Source | None:
    if name is None:
        return None
    if name not in config.sources:
        known = ", ".join(sorted(config.sources)) or "none are configured"
        raise ImportFileError(f"unknown source '{name}'; the config's [sources] has: {known}.")
    return config.sources[name]


def _write_rejects(path: Path, rejects: list[pd.DataFrame]) -> Path | None:
    """Write the rejects file, or remove a stale one from an earlier import of the same file."""
    if not rejects:
        path.unlink(missing_ok=True)
        return None
    pd.concat(rejects).to_csv(path, index=False)
    logger.info("wrote %s", path)
    return path
