from datetime import UTC, date, datetime, timedelta

from bot.alerts.config import AccuracyRule, AhtRule, ShiftRule, StaleDataRule
from bot.alerts.rules import (
    ScopeDays,
    ScopeFigures,
    accuracy_breaches,
    aht_breaches,
    cleared,
    overdue_escalations,
    shift_breaches,
    shift_params,
    stale_data,
)
from bot.kpi.scorecard import Counts, Targets, wilson
from bot.spc.limits import Rule
from bot.spc.shift import CusumParams, EwmaParams, WesternElectricParams
from bot.store.records import Escalation, TrackedStatus

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)
TARGETS = Targets(accuracy=0.95, aht_s=100)


def figures(audits: int, correct: int, *, timed: int = 0, handle_time_sum: float = 0.0, value="Acme BPO"):
    return ScopeFigures("vendor", value, "Acme BPO", TARGETS,
                        Counts(audits=audits, correct=correct, timed=timed, handle_time_sum=handle_time_sum))


def test_accuracy_fires_only_when_the_whole_interval_is_under_target_on_enough_audits():
    rule = AccuracyRule(min_audits=200, window_days=7)
    assert wilson(180, 200).high < 0.95 and wilson(186, 200).high >= 0.95
    (breach,) = accuracy_breaches([figures(200, 180)], rule=rule, now=NOW)
    assert breach.subject == "vendor:Acme BPO" and breach.vendor == "Acme BPO"
    assert "90.0%" in breach.summary and "5.0 points under its 95.0% target" in breach.summary
    assert "200 audits" in breach.summary and "last 7 full days" in breach.summary
    assert accuracy_breaches([figures(200, 186)], rule=rule, now=NOW) == []  # below, but could be noise
    assert accuracy_breaches([figures(199, 150)], rule=rule, now=NOW) == []  # too few audits to page anyone
    assert accuracy_breaches([figures(1000, 990)], rule=rule, now=NOW) == []


def test_aht_fires_over_target_plus_tolerance_on_enough_timed_audits():
    rule = AhtRule(min_audits=100, tolerance=0.1, window_days=7)
    (breach,) = aht_breaches([figures(300, 300, timed=100, handle_time_sum=100 * 125)], rule=rule, now=NOW)
    assert "2.1 min over the last 7 full days" in breach.summary and "25% above its 100 s target" in breach.summary
    assert aht_breaches([figures(300, 300, timed=100, handle_time_sum=100 * 110)], rule=rule, now=NOW) == []
    assert aht_breaches([figures(300, 300, timed=99, handle_time_sum=99 * 500)], rule=rule, now=NOW) == []


def scope_days(wrong: list[int], *, kind="vendor", value="Acme BPO", audits=100) -> ScopeDays:
    days = tuple(date(2026, 10, 1) + timedelta(days=i) for i in range(len(wrong)))
    counts = [0 if count is None else audits for count in wrong]
    return ScopeDays(kind, value, value, days, tuple(counts),
                     tuple(n - (count or 0) for n, count in zip(counts, wrong)))


def test_shift_rule_settings_choose_the_detector():
    assert shift_params(ShiftRule()) == CusumParams(shift=0.03, arl0_days=1500, dispersion=True)
    assert shift_params(ShiftRule(method="ewma", ewma_lambda=0.4, dispersion=False)) == EwmaParams(
        lam=0.4, width=3.5, dispersion=False)
    assert shift_params(ShiftRule(method="western_electric", rules=[2, 1, 2])) == WesternElectricParams(
        rules=(Rule.BEYOND_3_SIGMA, Rule.TWO_OF_THREE_BEYOND_2_SIGMA))


def test_shift_fires_on_a_drop_against_the_scopes_own_baseline_only():
    rule = ShiftRule(method="western_electric", rules=[1], baseline_days=14, watch_days=7, min_audits=200)
    steady = [4, 6] * 7  # 95% at 100 a day: sigma 2.18 points, so 12 wrong (88%) is 3.2 sigma under
    dropped = scope_days(steady + [5, 5, 5, 5, 5, 5, 12], kind="queue", value="shop-listings")
    (breach,) = shift_breaches([dropped, scope_days(steady + [5] * 7)], rule=rule)
    assert breach.rule == "shift" and breach.subject == "queue:shop-listings" and breach.vendor is None
    assert breach.since == datetime(2026, 10, 21, tzinfo=UTC)
    assert breach.summary == (
        "*shop-listings* (queue): accuracy dropped to 88.0% (95% CI 80.2%–93.0%) from 21 Oct on (the estimated start; "
        "100 audits), against 95.0% over its baseline (1–14 Oct, 1,400 audits). Western Electric rule 1 on the "
        "accuracy chart: 21 Oct: below the lower control limit (3σ).")
    # Too few audits in the baseline, or too few days with audits, and the scope is not judged.
    assert shift_breaches([scope_days(steady + [5] * 6 + [12], audits=14)], rule=rule) == []
    gaps = [None] * 8 + [4, 6, 4, 6, 4, 6]
    assert shift_breaches([scope_days(gaps + [5] * 6 + [12])], rule=rule) == []
    assert "shift detector came back down" in cleared("shift", "vendor:Acme BPO")


def escalation(status: TrackedStatus, *, created: datetime, severity="P1") -> Escalation:
    return Escalation(id=7, title="Fakes approved", category="missed violation", severity=severity, vendor="Acme BPO",
                      reporter_id="U1", status=status.value, created_at=created,
                      acknowledge_due_at=created + timedelta(hours=1), resolve_due_at=created + timedelta(days=1),
                      channel_id="C1")


def test_escalations_breach_the_deadline_they_are_waiting_on():
    fresh = escalation(TrackedStatus.OPEN, created=NOW - timedelta(minutes=59))
    late = escalation(TrackedStatus.OPEN, created=NOW - timedelta(minutes=85))
    acknowledged_late = escalation(TrackedStatus.ACKNOWLEDGED, created=NOW - timedelta(days=1, minutes=1))
    acknowledged_in_time = escalation(TrackedStatus.ACKNOWLEDGED, created=NOW - timedelta(hours=3))
    resolved = escalation(TrackedStatus.RESOLVED, created=NOW - timedelta(days=9))
    assert overdue_escalations([fresh, acknowledged_in_time, resolved], now=NOW) == []
    (ack,) = overdue_escalations([late], now=NOW)
    assert ack.subject == "ESC-7:acknowledge" and ack.since == late.acknowledge_due_at
    assert "Acknowledgement is 25 min past its P1 deadline" in ack.summary
    (resolve,) = overdue_escalations([acknowledged_late], now=NOW)
    assert resolve.subject == "ESC-7:resolve" and "Resolution is 1 min past" in resolve.summary
    assert cleared("escalation_overdue", "ESC-7:resolve") == "ESC-7 was resolved."


def test_stale_data_after_max_hours_or_when_nothing_was_ever_imported():
    rule = StaleDataRule(max_hours=26)
    assert stale_data(NOW - timedelta(hours=25, minutes=59), rule=rule, now=NOW) == []
    (breach,) = stale_data(NOW - timedelta(hours=30), rule=rule, now=NOW)
    assert breach.since == NOW - timedelta(hours=4) and "1 d 6 h ago; the limit is 1 d 2 h" in breach.summary
    (never,) = stale_data(None, rule=rule, now=NOW)
    assert never.subject == "imports" and "No import has brought any audits yet" in never.summary


def test_shift_runs_scopes_over_their_own_days_in_groups():
    # Two scopes ending on the same day: one watched over the usual 7 days, one (as with an alert open since
    # 12 Oct) over 10 days after its own 14-day baseline. Each is judged against its own baseline.
    rule = ShiftRule(method="western_electric", rules=[1], baseline_days=14, watch_days=7, min_audits=200)
    steady = [4, 6] * 7
    usual = scope_days(steady + [5, 5, 5, 5, 5, 5, 12])
    longer = ScopeDays("vendor", "Globex", "Globex", tuple(date(2026, 9, 28) + timedelta(days=i) for i in range(24)),
                       (100,) * 24, tuple(100 - wrong for wrong in steady + [12] * 10))
    assert longer.days[-1] == usual.days[-1]
    first, second = shift_breaches([usual, longer], rule=rule)
    assert first.subject == "vendor:Acme BPO" and first.since == datetime(2026, 10, 21, tzinfo=UTC)
    assert second.subject == "vendor:Globex" and second.since == datetime(2026, 10, 12, tzinfo=UTC)
    assert "over its baseline (28 Sep–11 Oct, 1,400 audits)" in second.summary


def test_shift_by_default_judges_scopes_of_about_100_audits_a_day_and_more():
    # Under about 100 a day the default CUSUM pages stable scopes more than once per 100 vendor-weeks (bench).
    rule = ShiftRule(method="western_electric", rules=[1])
    assert rule.min_audits == 5600
    wrong = [4, 6] * 28 + [5] * 27 + [15]  # 15% wrong on the last day: 4.6 sigma over 5% at 100 a day
    (breach,) = shift_breaches([scope_days(wrong, audits=100)], rule=rule)
    assert "5,600 audits" in breach.summary
    assert shift_breaches([scope_days(wrong, audits=99)], rule=rule) == []
