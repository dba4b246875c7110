"""A review's sums over local days (midnight to midnight in its time zone) against the same sums counted by hand
from the audits seeded: weeks in Auckland and in Dublin across the end of summer time (a 25-hour Sunday)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.audits.importer import import_audits
from bot.kpi.local_days import local_midnight
from bot.kpi.periods import Period
from bot.review.local_sums import LocalSums
from bot.store.db import session_scope
from tests.factories import audit_row, write_csv

FIRST = datetime(2026, 10, 17, 0, 30, tzinfo=UTC)
HOURS = 24 * 24  # to 10 November: Dublin's change on 25 October and whole weeks either side, in both zones
QUEUES = ("shop-listings", "ads")
CATEGORIES = ("missed context", "policy misread", "")


def seeded_rows() -> list[dict[str, str]]:
    """An audit at half past every second hour and every eleventh (unevenly, so that shifted weeks differ); every
    third one wrong, with a category and a severity."""
    rows = []
    for n in (n for n in range(HOURS) if n % 2 == 0 or n % 11 == 0):
        at = FIRST + timedelta(hours=n)
        wrong = ({"agent_decision": "approve", "qa_decision": "counterfeit", "error_category": CATEGORIES[n % 3],
                  "severity": "major" if n % 4 else ""} if n % 3 == 0 else {})
        rows.append(audit_row(f"A{n}", queue=QUEUES[n % 5 == 0], audited_at=f"{at:%Y-%m-%dT%H:%M:%SZ}",
                              decided_at=f"{at - timedelta(minutes=10):%Y-%m-%dT%H:%M:%SZ}", **wrong))
    return rows


@pytest.fixture
def rows(engine, config, tmp_path, now) -> list[dict[str, str]]:
    rows = seeded_rows()
    import_audits(engine, config=config, path=write_csv(tmp_path / "hours.csv", rows), now=now)
    return rows


def _inside(rows, zone: ZoneInfo, period: Period) -> list[dict[str, str]]:
    start, end = local_midnight(zone, period.first_day), local_midnight(zone, period.last_day + timedelta(days=1))
    return [row for row in rows if start <= datetime.fromisoformat(row["audited_at"]) < end]


@pytest.mark.parametrize(("zone", "period"), [
    ("Pacific/Auckland", Period(date(2026, 10, 26), date(2026, 11, 1))),
    ("Europe/Dublin", Period(date(2026, 10, 19), date(2026, 10, 25))),  # ends with the 25-hour Sunday
    ("Europe/Dublin", Period(date(2026, 10, 24), date(2026, 10, 24))),  # one day, inside the UTC days it spans
    ("America/Los_Angeles", Period(date(2026, 10, 19), date(2026, 11, 8))),
    ("UTC", Period(date(2026, 10, 19), date(2026, 10, 25))),
])
def test_counts_parts_and_errors_are_those_of_the_local_days(engine, rows, zone, period):
    zone = ZoneInfo(zone)
    mine = _inside(rows, zone, period)
    wrong = [row for row in mine if row["qa_decision"] != row["agent_decision"]]
    with session_scope(engine) as session:
        sums = LocalSums(session, scope={"vendor": ["Acme BPO"]}, zone=zone, periods=[period])
        counts = sums.counts(period)
        parts = dict(sums.parts(period, column="queue"))
        errors = {row.category: row for row in sums.category_errors(period)}
    assert (counts.audits, counts.correct, counts.timed) == (len(mine), len(mine) - len(wrong), len(mine))
    assert counts.handle_time_sum == pytest.approx(60.0 * len(mine))
    assert {name: part.audits for name, part in parts.items()} == Counter(row["queue"] for row in mine)
    assert {name: row.errors for name, row in errors.items()} == Counter(
        row["error_category"] or "(uncategorised)" for row in wrong)
    assert sum(row.major for row in errors.values()) == sum(row["severity"] == "major" for row in wrong)


def test_a_local_week_differs_from_the_utc_week_by_its_part_days(engine, rows):
    """The check above is not blind to the zone: Auckland's week and the UTC week hold different audits."""
    week = Period(date(2026, 10, 26), date(2026, 11, 1))
    with session_scope(engine) as session:
        auckland = LocalSums(session, scope={}, zone=ZoneInfo("Pacific/Auckland"), periods=[week]).counts(week)
        utc = LocalSums(session, scope={}, zone=ZoneInfo("UTC"), periods=[week]).counts(week)
    assert auckland.audits == len(_inside(rows, ZoneInfo("Pacific/Auckland"), week)) == 92
    assert utc.audits == len(_inside(rows, ZoneInfo("UTC"), week)) == 91
