"""Control limits on a scope's daily accuracy: the baseline before the period, limits by each day's audits,
signals in words; on constructed days with answers worked out here."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from bot.kpi.control import accuracy_control
from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts
from bot.render.control_text import SIGNALS_LISTED, control_lines
from bot.spc.limits import Method, Rule

WEEK = Period(date(2026, 11, 16), date(2026, 11, 22))


def counts(audits: int, correct: int) -> Counts:
    return Counts(audits=audits, correct=correct)


def steady_baseline(days: int = 56, *, before: date = WEEK.first_day) -> dict[date, Counts]:
    """192 correct of 200 every day: p̄ = 0.96, no day-to-day variation at all (σz = 0: a p chart)."""
    return {before - timedelta(days=offset): counts(200, 192) for offset in range(1, days + 1)}


def test_limits_come_from_the_weeks_before_and_vary_with_each_days_audits():
    days = {**steady_baseline(), WEEK.first_day: counts(800, 768), WEEK.first_day + timedelta(days=1): counts(50, 48)}
    control = accuracy_control(WEEK, days, baseline_days=56)
    chart = control.chart
    assert control.baseline == Period(date(2026, 9, 21), date(2026, 11, 15))
    assert chart.centre == pytest.approx(0.96) and chart.baseline.method is Method.P
    sigma_800, sigma_50 = math.sqrt(0.96 * 0.04 / 800), math.sqrt(0.96 * 0.04 / 50)
    assert chart.lower[0] == pytest.approx(0.96 - 3 * sigma_800) and chart.upper[0] == pytest.approx(0.96 + 3 * sigma_800)
    assert chart.lower[1] == pytest.approx(0.96 - 3 * sigma_50) and chart.upper[1] == 1.0  # clipped at 100%
    assert chart.points[2:] == (None,) * 5 and chart.lower[2] is None  # no audits: no point, no limits
    assert chart.signals == ()


def test_a_drop_in_the_period_is_a_signal_and_does_not_move_its_own_centre_line():
    days = {**steady_baseline(), **{WEEK.first_day + timedelta(days=offset): counts(200, 192) for offset in range(7)}}
    days[date(2026, 11, 20)] = counts(200, 170)  # 85%: 3σ under 96% is 91.8% at 200 audits
    chart = accuracy_control(WEEK, days, baseline_days=56).chart
    assert chart.centre == pytest.approx(0.96)
    assert [(s.rule, s.side.value, s.first, s.last) for s in chart.signals] == [(Rule.BEYOND_3_SIGMA, "below", 4, 4)]
    lines = control_lines(accuracy_control(WEEK, days, baseline_days=56))
    assert lines == ["Control chart: p chart (σz = 0.00: day-to-day variation within binomial); centre line 96.0% "
                     "over 21 Sep–15 Nov.", "Signals (1):", "• 20 Nov: below the lower control limit (3σ)"]


def test_an_overdispersed_baseline_gets_laneys_wider_limits_and_says_so():
    swinging = {WEEK.first_day - timedelta(days=offset): counts(5000, 4700 if offset % 2 else 4900)
                for offset in range(1, 57)}  # 94% and 98% on 5,000 audits: far beyond binomial
    chart = accuracy_control(WEEK, {**swinging, WEEK.first_day: counts(5000, 4700)}, baseline_days=56).chart
    z_range = 0.04 / math.sqrt(0.96 * 0.04 / 5000)  # every moving range is 4 points, in binomial sigmas
    assert chart.baseline.method is Method.LANEY and chart.baseline.sigma_z == pytest.approx(z_range / 1.128)
    assert chart.lower[0] == pytest.approx(0.96 - 3 * 0.04 / 1.128)  # σz·σ = 4 points / d2
    assert chart.caption.startswith("p′ chart (Laney, σz = ") and chart.signals == ()


def test_a_short_baseline_gives_no_limits_and_says_why():
    control = accuracy_control(WEEK, {**steady_baseline(days=5), WEEK.first_day: counts(200, 150)}, baseline_days=56)
    assert control.chart.centre is None and control.chart.lower[0] is None
    (line,) = control_lines(control)
    assert line.startswith("Control chart: no control limits: the baseline has 5 days with audits")


def test_many_signals_are_listed_up_to_a_few_and_counted():
    four_weeks = Period(date(2026, 10, 26), WEEK.last_day)
    days = steady_baseline(before=four_weeks.first_day)
    for day in four_weeks.each_day():  # every third day 3σ under: ten signals, none touching another
        days[day] = counts(200, 170 if (day - four_weeks.first_day).days % 3 == 0 else 192)
    lines = control_lines(accuracy_control(four_weeks, days, baseline_days=56))
    listed = [line for line in lines if line.startswith("• ")]
    assert lines[1] == "Signals (10):" and len(listed) == SIGNALS_LISTED + 1
    assert listed[0] == "• 26 Oct: below the lower control limit (3σ)" and listed[-1] == "• and 4 more"
