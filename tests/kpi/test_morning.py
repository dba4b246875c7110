from datetime import UTC, date, datetime

from bot.kpi.morning import (
    COMPARISON_PARTS,
    TREND_DAYS,
    EscalationDigest,
    build_morning_report,
)
from bot.kpi.scorecard import Counts, Targets

TODAY = date(2026, 11, 22)


def counts(audits: int, correct: int) -> Counts:
    return Counts(audits=audits, correct=correct, timed=audits, handle_time_sum=audits * 90.0)


def report(day_counts, parts=None):
    names = {value for _, value in day_counts if value}
    return build_morning_report(
        team="mnl", label="Manila", timezone="Asia/Manila", today=TODAY, targets=Targets(0.95, 120),
        compare_kind="vendor", day_counts=day_counts, part_targets=parts or {n: (n, 0.95) for n in names},
        week_histogram=[], yesterday_histogram=[], week_errors=[("policy misread", 4)],
        escalations=EscalationDigest(), alerts=[], last_audit_at=datetime(2026, 11, 20, tzinfo=UTC),
        baseline_counts={}, baseline_days=56)


def test_yesterday_week_and_trend_come_from_local_day_indexes():
    day_counts = {(index, "Acme"): counts(100, 95) for index in range(TREND_DAYS)}
    day_counts[(TREND_DAYS - 1, "Acme")] = counts(200, 180)  # yesterday
    day_counts[(TREND_DAYS - 1, "Globex")] = counts(50, 50)
    result = report(day_counts)
    assert result.yesterday.period.first_day == date(2026, 11, 21) and result.yesterday.counts.audits == 250
    assert result.yesterday.accuracy.value == 230 / 250
    assert result.week.period.first_day == date(2026, 11, 15) and result.week.counts.audits == 6 * 100 + 250
    assert result.week.change.previous.trials == 700
    assert result.trend.period.days == TREND_DAYS and len(result.trend.daily) == TREND_DAYS
    assert result.has_yesterday and result.week.top_errors[0].category == "policy misread"


def test_movers_are_the_biggest_changes_with_enough_audits_on_both_sides():
    day_counts = {}
    for index in range(TREND_DAYS):
        recent = index >= 7
        day_counts[(index, "Falling")] = counts(100, 80 if recent else 97)
        day_counts[(index, "Rising")] = counts(100, 97 if recent else 92)
        day_counts[(index, "Steady")] = counts(100, 96)
        day_counts[(index, "Tiny")] = counts(2, 0 if recent else 2)  # big swing, too few audits
    movers = report(day_counts).movers
    assert [m.name for m in movers] == ["Falling", "Rising", "Steady"]
    assert round(movers[0].change.delta_points, 1) == -17.0 and movers[0].change.significant


def test_no_audits_yesterday_and_the_comparison_keeps_the_largest_parts():
    day_counts = {(3, f"vendor-{n:02d}"): counts(10 + n, 10 + n) for n in range(COMPARISON_PARTS + 3)}
    result = report(day_counts)
    assert not result.has_yesterday and result.yesterday.accuracy is None
    assert result.week.accuracy is None  # day 3 is in the previous week
    day_counts = {(10, f"vendor-{n:02d}"): counts(10 + n, 9 + n) for n in range(COMPARISON_PARTS + 3)}
    result = report(day_counts)
    assert len(result.parts) == COMPARISON_PARTS and result.more_parts == 3
    assert "vendor-00" not in {part.name for part in result.parts}  # the smallest are left out
    assert [p.accuracy.value for p in result.parts] == sorted(p.accuracy.value for p in result.parts)
