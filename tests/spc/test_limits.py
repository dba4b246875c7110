"""Control limits and Western Electric rules on constructed series whose answers are worked out by hand."""

from datetime import date, timedelta

import numpy as np
import pytest

from bot.spc.limits import Method, Rule, Side, control_chart, fit_baseline, rule_hits, western_electric

START = date(2026, 11, 5)


def days(count: int, start: date = START) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def test_p_chart_limits_vary_with_each_days_audits():
    # p̄ = 900/1000 = 0.9; sigma = sqrt(0.9 * 0.1 / n): 0.03 at n = 100, 0.015 at 400, 0.06 at 25.
    chart = control_chart(baseline_audits=[100] * 10, baseline_successes=[90] * 10,
                          days=days(3), audits=[100, 400, 25], successes=[90, 376, 25])
    assert chart.baseline.method is Method.P and chart.baseline.sigma_z == 0
    assert chart.centre == pytest.approx(0.9)
    assert chart.lower == pytest.approx((0.81, 0.855, 0.72))
    assert chart.upper == pytest.approx((0.99, 0.945, 1.0))  # 0.9 + 0.18 = 1.08, clipped
    assert chart.points == pytest.approx((0.9, 0.94, 1.0))
    assert chart.caption.startswith("p chart")
    assert chart.signals == ()


def test_laney_widens_the_limits_by_the_baselines_moving_range():
    # Days of 100 audits alternating 84 and 96 correct: p̄ = 0.9, binomial sigma 0.03, z = -2, +2, -2, ...
    # every moving range is 4, so sigma_z = 4 / 1.128 = 3.5461 and the limits are 0.9 ± 3 * 3.5461 * 0.03.
    baseline = [84, 96] * 4
    chart = control_chart(baseline_audits=[100] * 8, baseline_successes=baseline,
                          days=days(2), audits=[100, 0], successes=[80, 0])
    sigma_z = 4 / 1.128
    assert chart.baseline.method is Method.LANEY
    assert chart.baseline.sigma_z == pytest.approx(sigma_z)
    assert chart.lower[0] == pytest.approx(0.9 - 3 * sigma_z * 0.03)
    assert chart.upper[0] == 1.0
    assert chart.caption == ("p′ chart (Laney, σz = 3.55): limits widened for day-to-day variation beyond binomial")
    assert (chart.points[1], chart.lower[1], chart.upper[1]) == (None, None, None)  # no audits, no point


def test_laney_never_tightens_the_limits():
    # z = -1/3, 0, 1/3, 0, ...: moving ranges of 1/3, sigma_z = 0.2955 < 1, so the plain p chart's limits.
    baseline = fit_baseline(audits=[100] * 8, successes=[89, 90, 91, 90] * 2)
    assert baseline.sigma_z == pytest.approx((1 / 3) / 1.128)
    assert baseline.method is Method.P and baseline.scale == 1
    assert baseline.sigma([100])[0] == pytest.approx(0.03)


def test_days_without_audits_are_left_out_of_the_baseline():
    with_gaps = fit_baseline(audits=[100, 0, 100, 0] * 4, successes=[84, 0, 96, 0] * 4)
    assert (with_gaps.days, with_gaps.audits) == (8, 800)
    assert with_gaps.sigma_z == pytest.approx(4 / 1.128)


@pytest.mark.parametrize(("audits", "successes", "reason"), [
    ([100] * 6, [90] * 6, "the baseline has 6 days with audits (600 audits); they need at least 7 days and 100 audits"),
    ([10] * 9, [9] * 9, "the baseline has 9 days with audits (90 audits)"),
    ([100] * 8, [100] * 8, "the baseline never varied"),
    ([100] * 8, [0] * 8, "the baseline never varied"),
])
def test_a_baseline_too_short_or_without_variation_gives_no_limits(audits, successes, reason):
    assert fit_baseline(audits=audits, successes=successes) is None
    chart = control_chart(baseline_audits=audits, baseline_successes=successes,
                          days=days(1), audits=[50], successes=[40])
    assert reason in chart.caption and chart.caption.startswith("no control limits")
    assert chart.points == (0.8,) and chart.lower == chart.upper == (None,) and chart.signals == ()


def test_counts_and_days_must_match():
    with pytest.raises(ValueError, match="2 days, 1 audit counts"):
        control_chart(baseline_audits=[100] * 8, baseline_successes=[90] * 8, days=days(2), audits=[1], successes=[1])


def signals(z, rule):
    return [(s.rule, s.side, s.first, s.last, s.fired, s.description)
            for s in western_electric(z, days=days(len(z)), rules=[rule])]


def test_rule_1_a_point_beyond_3_sigma():
    assert signals([0, 0, -3.1, 0, 3.2], Rule.BEYOND_3_SIGMA) == [
        (Rule.BEYOND_3_SIGMA, Side.BELOW, 2, 2, 2, "7 Nov: below the lower control limit (3σ)"),
        (Rule.BEYOND_3_SIGMA, Side.ABOVE, 4, 4, 4, "9 Nov: above the upper control limit (3σ)"),
    ]
    assert signals([0, -3.0, 3.0, -2.9], Rule.BEYOND_3_SIGMA) == []  # on the limit is not beyond


def test_rule_2_two_of_three_beyond_2_sigma_on_one_side():
    assert signals([0, -2.1, 0.5, -2.1, 0], Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == [
        (Rule.TWO_OF_THREE_BEYOND_2_SIGMA, Side.BELOW, 1, 3, 3,
         "2 of 3 days in a row more than 2σ below the centre line, 6–8 Nov"),
    ]
    assert signals([-2.1, 0, 0, -2.1], Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == []  # 2 of 4
    assert signals([-2.1, 2.1, -1.9], Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == []  # opposite sides, 1.9 not beyond


def test_rule_3_four_of_five_beyond_1_sigma_on_one_side():
    assert signals([1.1, 1.1, 0, 1.1, 1.1], Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA) == [
        (Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA, Side.ABOVE, 0, 4, 4,
         "4 of 5 days in a row more than 1σ above the centre line, 5–9 Nov"),
    ]
    assert signals([1.1, 1.1, 0, 1.1, 0.9], Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA) == []
    assert signals([1.1, 1.1, 0, 0, 1.1, 1.1], Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA) == []


def test_rule_4_eight_in_a_row_one_signal_for_the_whole_run():
    assert signals([-0.1] * 10 + [0.2], Rule.EIGHT_ON_ONE_SIDE) == [
        (Rule.EIGHT_ON_ONE_SIDE, Side.BELOW, 0, 9, 7, "10 days in a row below the centre line, 5–14 Nov"),
    ]
    assert signals([-0.1] * 7 + [0.1], Rule.EIGHT_ON_ONE_SIDE) == []
    assert signals([-0.1] * 4 + [0.0] + [-0.1] * 4, Rule.EIGHT_ON_ONE_SIDE) == []  # on the centre line breaks it



def test_days_without_audits_do_not_break_a_run():
    """A weekday-only vendor: 8 audited days below the centre line across a weekend without audits are a run."""
    weekdays = [-0.1] * 5 + [np.nan, np.nan] + [-0.1] * 3  # Thu 5 Nov to Sat 14 Nov, the weekend empty
    assert signals(weekdays, Rule.EIGHT_ON_ONE_SIDE) == [
        (Rule.EIGHT_ON_ONE_SIDE, Side.BELOW, 0, 9, 9, "8 audited days in a row below the centre line, 5–14 Nov")]
    (three,) = signals([2.5, np.nan, 0.0, 2.5], Rule.TWO_OF_THREE_BEYOND_2_SIGMA)
    assert three[2:4] == (0, 3)  # 2 of the 3 audited days beyond 2σ, the empty day skipped


def test_a_chart_marks_only_the_days_beyond_their_rules_line():
    """2 of 3 beyond 2σ: the quiet day between the two is part of the pattern but not marked."""
    baseline = [1000] * 28
    chart = control_chart(baseline_audits=baseline, baseline_successes=[950] * 28, days=days(3), audits=[1000] * 3,
                          successes=[930, 950, 930])  # 2.9σ under, on the centre, 2.9σ under
    assert [(s.rule, s.first, s.last) for s in chart.signals] == [(Rule.TWO_OF_THREE_BEYOND_2_SIGMA, 0, 2)]
    assert chart.flagged == (True, False, True)


def test_spans_across_months_and_years():
    z = [-0.5] * 8
    (signal,) = western_electric(z, days=days(8, date(2026, 10, 29)), rules=[Rule.EIGHT_ON_ONE_SIDE])
    assert signal.description == "8 days in a row below the centre line, 29 Oct–5 Nov"
    (signal,) = western_electric(z, days=days(8, date(2026, 12, 28)), rules=[Rule.EIGHT_ON_ONE_SIDE])
    assert signal.description == "8 days in a row below the centre line, 28 Dec 2026–4 Jan 2027"


def test_rule_hits_work_on_many_series_at_once():
    z = np.array([[0, -2.1, 0.5, -2.1], [2.5, 2.5, 0, 0]])
    below, above = rule_hits(z, Rule.TWO_OF_THREE_BEYOND_2_SIGMA)
    assert below.tolist() == [[False, False, False, True], [False] * 4]
    assert above.tolist() == [[False] * 4, [False, True, False, False]]


def test_a_chart_lists_its_signals_in_words():
    # Baseline p̄ = 0.9 at 100 audits a day (p chart, sigma 0.03); 12 Nov (index 7) is at 0.80: z = -3.33.
    successes = [90] * 7 + [80]
    chart = control_chart(baseline_audits=[100] * 10, baseline_successes=[90] * 10,
                          days=days(8), audits=[100] * 8, successes=successes)
    assert [s.description for s in chart.signals] == ["12 Nov: below the lower control limit (3σ)"]


def test_a_sigma_z_over_1_by_chance_keeps_the_p_chart():
    """Days of 1,900 audits swinging 6 either side of 1,805 correct (p̄ = 0.95, binomial sd 9.5 of the count):
    the moving ranges give sigma_z = 12 / 9.5 / 1.128 = 1.12, but each day is only 0.63 sd out, far inside one
    binomial rate (chi-square 0.4 a day on its degrees of freedom): not overdispersed, so a p chart."""
    chart = control_chart(baseline_audits=[1900] * 28, baseline_successes=[1811, 1799] * 14, days=days(1),
                          audits=[1900], successes=[1805])
    assert chart.baseline.sigma_z == pytest.approx(12 / 9.5 / 1.128)
    assert not chart.baseline.overdispersed and chart.baseline.method is Method.P
    assert chart.lower[0] == pytest.approx(0.95 - 3 * 9.5 / 1900)  # binomial limits, not widened by 1.12
    assert chart.caption == "p chart (σz = 1.12: day-to-day variation within binomial)"
