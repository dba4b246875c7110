"""Row checks for audit imports: good rows become store-ready, bad rows get a reason.

Pure functions over pandas frames, vectorised so a million rows check in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from bot.audits.outcomes import classify
from bot.config import CANONICAL_COLUMNS, REQUIRED_COLUMNS
from bot.kpi.handle_time import bucket_of
from bot.store.models import AUDIT_SEVERITIES

OPTIONAL_TEXT_COLUMNS = ("policy", "market", "site", "error_category", "auditor_id")


class DuplicateTracker:
    """Remembers on which line each audit_id was first seen in one file.

    Keeps 64-bit hashes of the ids in a sorted array (16 bytes an id, not a
    Python string each), so ten million ids fit in 160 MB; two different ids
    sharing a hash is a one-in-ten-million chance for a ten-million-row file.
    """

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)
        self._lines = np.empty(0, dtype=np.int64)

    def reasons(self, audit_ids: pd.Series, lines: pd.Series) -> pd.Series:
        """'' for a first occurrence, else where the id appeared first."""
        hashes = pd.util.hash_pandas_object(audit_ids, index=False).to_numpy()
        line_numbers = lines.to_numpy(dtype=np.int64)
        first_in_chunk = pd.Series(line_numbers).groupby(hashes).transform("min").to_numpy()
        position = np.minimum(np.searchsorted(self._hashes, hashes), max(len(self._hashes) - 1, 0))
        seen_before = (self._hashes[position] == hashes) if len(self._hashes) else np.zeros(len(hashes), bool)
        first_line = np.where(seen_before, self._lines[position] if len(self._lines) else 0, first_in_chunk)
        present = (audit_ids != "").to_numpy()
        repeated = present & (first_line != line_numbers)

        new = present & ~seen_before & (first_in_chunk == line_numbers)
        hashes_so_far = np.concatenate([self._hashes, hashes[new]])
        order = np.argsort(hashes_so_far, kind="stable")  # two sorted runs: close to linear
        self._hashes = hashes_so_far[order]
        self._lines = np.concatenate([self._lines, line_numbers[new]])[order]

        reasons = pd.Series("", index=audit_ids.index, dtype=object)
        if repeated.any():
            reasons[repeated] = ("audit_id '" + audit_ids[repeated] + "' already appears on line "
                                 + pd.Series(first_line[repeated], index=audit_ids.index[repeated]).astype(str))
        return reasons


@dataclass(frozen=True)
class _Problem:
    """Rows failing one check: its message, with each row's value of `quoting` in place of {}."""

    mask: np.ndarray
    message: str
    quoting: pd.Series | None = None

    def texts(self, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """The message where this problem is, '' elsewhere, for the chosen rows only."""
        texts = pd.Series("", index=index[rows], dtype=object)
        flagged = self.mask[rows]
        if self.quoting is None:
            texts[flagged] = self.message
        else:
            before, after = self.message.split("{}")
            texts[flagged] = before + self.quoting[rows][flagged].astype(object) + after
        return texts


@dataclass(frozen=True)
class CheckedChunk:
    good: pd.DataFrame
    """Store-ready rows: canonical columns plus outcome, bucket and audit_day."""
    rejected_index: pd.Index
    reasons: pd.Series
    """Why each rejected row was rejected, indexed like the input."""


def check_chunk(
    frame: pd.DataFrame,
    *,
    lines: pd.Series,
    duplicates: DuplicateTracker,
    no_violation_labels: list[str],
) -> CheckedChunk:
    """Split a chunk of canonical-named text columns into good rows and reasons for bad ones."""
    frame = frame.reindex(columns=list(CANONICAL_COLUMNS), fill_value="")
    frame = frame.apply(lambda column: column.fillna("").astype(str).str.strip())
    problems: list[_Problem] = []

    def flag(mask: pd.Series, message: str, *, quoting: pd.Series | None = None) -> None:
        problems.append(_Problem(mask.to_numpy(dtype=bool), message, quoting))

    for column in REQUIRED_COLUMNS:
        flag(frame[column] == "", f"{column} is empty")

    times = {}
    for column in ("decided_at", "audited_at"):
        parsed = pd.to_datetime(frame[column], format="ISO8601", utc=True, errors="coerce")
        flag(parsed.isna() & (frame[column] != ""),
             f"{column} '{{}}' is not an ISO 8601 time (e.g. 2026-11-02T14:05:00Z)", quoting=frame[column])
        times[column] = parsed
    flag(times["audited_at"] < times["decided_at"], "audited_at is before decided_at")

    handle = pd.to_numeric(frame["handle_time_s"].where(frame["handle_time_s"] != ""), errors="coerce")
    flag(handle.isna() & (frame["handle_time_s"] != ""),
         "handle_time_s '{}' is not a number of seconds", quoting=frame["handle_time_s"])
    flag(handle < 0, "handle_time_s is negative")
    flag(np.isinf(handle), "handle_time_s is not finite")

    severity = frame["severity"].str.lower()
    flag((severity != "") & ~severity.isin(AUDIT_SEVERITIES),
         f"severity '{{}}' is not one of {', '.join(AUDIT_SEVERITIES)}", quoting=frame["severity"])

    repeated = duplicates.reasons(frame["audit_id"], lines)
    flag(repeated != "", "{}", quoting=repeated)

    reasons = _join_reasons(problems, frame.index)
    bad = reasons != ""
    good = frame.loc[~bad].copy()
    good["severity"] = severity[~bad]
    good["handle_time_s"] = handle[~bad]
    good["handle_time_bucket"] = pd.Series(bucket_of(handle[~bad].to_numpy()), index=good.index)
    good["decided_at"] = times["decided_at"][~bad]
    good["audited_at"] = times["audited_at"][~bad]
    good["audit_day"] = _utc_day(good["audited_at"])
    good["outcome"] = classify(good["agent_decision"], good["qa_decision"],
                               no_violation_labels=no_violation_labels)
    for column in (*OPTIONAL_TEXT_COLUMNS, "severity"):
        good[column] = good[column].where(good[column] != "", None)
    return CheckedChunk(good=good, rejected_index=frame.index[bad], reasons=reasons[bad])


def _utc_day(times: pd.Series) -> pd.Series:
    """YYYY-MM-DD of each UTC time, formatted by Arrow: `strftime` costs a second and a half a million rows."""
    days = pyarrow.array(times.to_numpy(dtype="datetime64[D]"))
    return pd.Series(pyarrow.compute.cast(days, pyarrow.string()), index=times.index, dtype="str")


def _join_reasons(problems: list[_Problem], index: pd.Index) -> pd.Series:
    """One '; '-joined text per row; texts are made only for the rows that have a problem."""
    has_problem = np.logical_or.reduce([problem.mask for problem in problems])
    reasons = pd.Series("", index=index, dtype=object)
    if has_problem.any():
        table = pd.concat([problem.texts(has_problem, index) for problem in problems], axis=1)
        reasons[has_problem] = table.apply(lambda row: "; ".join(reason for reason in row if reason), axis=1)
    return reasons
