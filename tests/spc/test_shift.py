"""Shift detectors against sequences worked out by hand (the expected numbers are written in each test)."""

import math
from datetime import date, timedelta

import numpy as np
import pytest

from bot.spc.cusum import NO_DAY, SIEGMUND_CORRECTION, Cusum, cusum_threshold
from bot.spc.limits import Rule, fit_baseline
from bot.spc.shift import (
    CusumParams,
    Ewma,
    EwmaParams,
    WesternElectric,
    WesternElectricParams,
    detect_shifts,
    detector,
)

START = date(2026, 11, 5)


def feed(watch, audits, errors):
    return [(bool(watch.update(n, e)), int(watch.start)) for n, e in zip(audits, errors)]


def test_cusum_by_hand_with_start_day_and_restart():
    # p0 = 0.1, p1 = 0.2: gamma = ln(0.9/0.8) / ln(0.2*0.9 / (0.1*0.8)) = 0.117783 / 0.810930 = 0.145245,
    # so a day of 100 audits adds e - 14.5245. h = 8: alarm over 8, kept under 16, resolves at 4 or under.
    watch = Cusum(p0=0.1, p1=0.2, h=8)
    assert watch.gamma == pytest.approx(0.145245, abs=1e-6)
    steps, sums = [], []
    for errors in [10, 20, 16, 12, 19, 10, 12, 25]:
        steps.append((bool(watch.update(100, errors)), int(watch.start)))
        sums.append(float(watch.s))
    assert sums == pytest.approx([0, 5.4755, 6.9510, 4.4265, 8.9020, 4.3775, 0, 10.4755], abs=1e-3)
    # Day 4 alarms; S was last 0 on day 0, so the shift began on day 1. Day 6 falls to 1.85 <= 4: resolved and
    # restarted at 0, so day 7 alarms again with its own start.
    assert steps == [(False, NO_DAY), (False, NO_DAY), (False, NO_DAY), (False, NO_DAY), (True, 1), (True, 1),
                     (False, NO_DAY), (True, 7)]


def test_cusum_is_capped_while_in_alarm_so_it_resolves_soon_after():
    watch = Cusum(p0=0.1, p1=0.2, h=8)
    feed(watch, [100] * 5, [40] * 5)  # +25.5 a day
    assert float(watch.s) == 16 and watch.alarm
    # Back to the baseline (10 a day, -4.52 a day): 16 -> 11.48 -> 6.95 -> 2.43, resolved on the third day.
    assert [alarm for alarm, _ in feed(watch, [100] * 3, [10] * 3)] == [True, True, False]


def test_cusum_threshold_has_a_floor_so_an_alarm_at_high_volume_holds():
    # 10,000 audits a day at 2% errors, watching for 5%: Siegmund's h is under 0 (even a daily test would page
    # less than once in 1,500 days), so h is the floor, one day's sd of errors: sqrt(10000 * 0.02 * 0.98) = 14.0.
    assert float(cusum_threshold(p0=0.02, p1=0.05, daily_audits=10_000, dispersion=1.0, arl0_days=1500)) == (
        pytest.approx(14.0))
    watch = detector(CusumParams(), p0=0.02, sigma_z=1.0, daily_audits=10_000)
    # gamma = ln(0.98/0.95) / ln(0.05*0.98 / (0.02*0.95)) = 3.282%: a day adds e - 328.2. A drop to 3.5% (350 a
    # day) adds about 22; a day of 320 takes 8 off. S: 21.8 (alarm), 28 (held at 2h), 19.8, 28, 28: never under h/2.
    assert feed(watch, [10_000] * 5, [350, 350, 320, 350, 350]) == [(True, 0)] * 5
    assert float(watch.s) == pytest.approx(28.0)
    assert "over its threshold of 14" in watch.fired([START + timedelta(days=i) for i in range(5)])


def test_cusum_threshold_meets_its_own_formula():
    p0, p1, n, dispersion, arl0 = 0.05, 0.07, 500, 1.2, 700
    h = float(cusum_threshold(p0=p0, p1=p1, daily_audits=n, dispersion=dispersion, arl0_days=arl0))
    slope = math.log(p1 * (1 - p0) / (p0 * (1 - p1)))
    gamma = math.log((1 - p0) / (1 - p1)) / slope
    theta, drift, sd = slope / dispersion, n * (gamma - p0), math.sqrt(dispersion * n * p0 * (1 - p0))
    b = h + SIEGMUND_CORRECTION * sd
    assert (math.exp(theta * b) - theta * b - 1) / (theta * drift) == pytest.approx(arl0, rel=1e-9)
    assert cusum_threshold(p0=p0, p1=p1, daily_audits=n, dispersion=1.5, arl0_days=arl0) > h
    assert cusum_threshold(p0=p0, p1=p1, daily_audits=n, dispersion=dispersion, arl0_days=2 * arl0) > h


def test_cusum_false_alarms_come_about_as_often_as_asked():
    # 3,000 stable binomial scopes at 500 audits a day and 5% errors, 200 days: with ARL0 = 200 days, about
    # 1 - exp(-1) = 63% of them alarm at least once (a geometric run length). Fixed seed.
    rng = np.random.default_rng(14)
    watch = detector(CusumParams(shift=0.02, arl0_days=200), p0=np.full(3000, 0.05), sigma_z=1.0, daily_audits=500)
    alarmed = np.zeros(3000, dtype=bool)
    for _ in range(200):
        alarmed |= watch.update(500, rng.binomial(500, 0.05, size=3000))
    assert 0.5 < alarmed.mean() < 0.72


def test_ewma_by_hand_with_exact_variance_start_day_and_restart():
    # p0 = 0.1, lam = 0.5, 3 sigmas, 100 audits a day: a day's variance 0.09/100 = 0.0009.
    watch = Ewma(p0=0.1, dispersion=1.0, params=EwmaParams(lam=0.5, width=3.0))
    steps, values, limits = [], [], []
    for errors in [10, 20, 20, 10, 10, 30]:
        steps.append((bool(watch.update(100, errors)), int(watch.start)))
        values.append(float(watch.z))
        limits.append(float(watch.limit))
    # Z: 0.1, 0.15, 0.175, 0.1375, 0.11875 (resolved: back to 0.1), 0.2.
    # V: 0.25*0.0009 = 0.000225; then 0.25*V + 0.000225: 0.00028125, 0.0002953125, 0.0002988281, 0.0002997070;
    # limits 0.1 + 3*sqrt(V): 0.145, 0.150312, 0.151554, 0.151860, (reset), 0.145.
    assert values == pytest.approx([0.1, 0.15, 0.175, 0.1375, 0.1, 0.2])
    assert limits == pytest.approx([0.145, 0.150312, 0.151554, 0.151860, 0.1, 0.145], abs=1e-6)
    # Day 1 is just under its limit; day 2 alarms, Z was last at p0 on day 0. Day 4's Z (0.11875) is under half way
    # to its limit (0.1 + 0.5*0.051936 = 0.125968): resolved and restarted; day 5 alarms on its own.
    assert steps == [(False, NO_DAY), (False, NO_DAY), (True, 1), (True, 1), (False, NO_DAY), (True, 5)]


def test_ewma_start_day_counts_a_day_exactly_at_the_baseline():
    # p0 = 0.1, lam = 0.2: a day at exactly 10% gives Z = 0.2*0.1 + 0.8*0.1 = 0.10000000000000002 in floats, which
    # is the baseline all the same. Three such days, then 30%: Z 0.14 (under its limit 0.1452), 0.172 (over 0.1468).
    watch = Ewma(p0=0.1, dispersion=1.0, params=EwmaParams())
    assert feed(watch, [50] * 5, [5, 5, 5, 15, 15]) == [(False, NO_DAY)] * 4 + [(True, 3)]


def test_cusum_and_ewma_word_the_day_the_alarm_rose_not_the_last():
    days = [START + timedelta(days=i) for i in range(5)]
    # S: 0, 5.48, 10.95 (over h = 8 on 7 Nov), then held at 16.
    cusum = Cusum(p0=0.1, p1=0.2, h=8)
    feed(cusum, [100] * 5, [10, 20, 20, 20, 20])
    assert cusum.fired(days) == ("CUSUM: in alarm since 7 Nov, when it reached 11 errors more than expected since "
                                 "6 Nov at 14.5% a day (between the baseline's 10.0% and the 20.0% it watches for), "
                                 "over its threshold of 8")
    # As in the hand-worked EWMA below: Z 17.5% over its limit 15.16% on 7 Nov; on 8 Nov Z is 13.75%, under its
    # limit but still in alarm (not yet half way back).
    ewma = Ewma(p0=0.1, dispersion=1.0, params=EwmaParams(lam=0.5, width=3.0))
    assert feed(ewma, [100] * 4, [10, 20, 20, 10])[-1] == (True, 1)
    assert ewma.fired(days) == ("EWMA (λ = 0.5) of the daily error rate: in alarm since 7 Nov, when it reached "
                                "17.5%, over its limit 15.2% (baseline 10.0%); rising since 6 Nov")


def test_ewma_variance_follows_each_days_audits_and_the_dispersion():
    watch = Ewma(p0=0.1, dispersion=1.44, params=EwmaParams(lam=0.5, width=3.0))
    feed(watch, [100, 25, 0], [10, 2, 0])
    # 1.44 * (0.25 * 0.25 * 0.09/100 + 0.25 * 0.09/25); the day without audits changes nothing.
    assert float(watch.v) == pytest.approx(1.44 * (0.00005625 + 0.0009))
    assert float(watch.z) == pytest.approx(0.5 * 0.08 + 0.5 * 0.1)


def test_western_electric_by_hand():
    # p0 = 0.1 at 100 audits a day: sigma 0.03, so 20 errors is z = +3.33 and 17 is +2.33.
    watch = WesternElectric(p0=0.1, sigma_z=0.8, params=WesternElectricParams())
    assert feed(watch, [100] * 4, [10, 10, 20, 16]) == [(False, NO_DAY), (False, NO_DAY), (True, 2), (True, 2)]
    assert int(watch.rule) == Rule.BEYOND_3_SIGMA
    days = [START + timedelta(days=i) for i in range(4)]
    assert watch.fired(days) == "Western Electric rule 1 on the accuracy chart: 7 Nov: below the lower control limit (3σ)"
    # A day under the centre line resolves it; then 2 of 3 beyond 2 sigma from day 5 on.
    assert feed(watch, [100] * 4, [9, 17, 12, 17]) == [(False, NO_DAY), (False, NO_DAY), (False, NO_DAY), (True, 5)]
    assert int(watch.rule) == Rule.TWO_OF_THREE_BEYOND_2_SIGMA
    days = [START + timedelta(days=i) for i in range(8)]
    assert watch.fired(days) == ("Western Electric rule 2 on the accuracy chart: 2 of 3 days in a row more than 2σ "
                                 "below the centre line, 10–12 Nov")


def test_western_electric_counts_only_the_rules_chosen_and_the_p_prime_chart():
    only_runs = WesternElectric(p0=0.1, sigma_z=1.0, params=WesternElectricParams(rules=(Rule.EIGHT_ON_ONE_SIDE,)))
    assert not any(alarm for alarm, _ in feed(only_runs, [100] * 3, [20, 20, 20]))
    assert feed(only_runs, [100] * 5, [11] * 5)[-1] == (True, 0)
    widened = WesternElectric(p0=0.1, sigma_z=1.2, params=WesternElectricParams(rules=(Rule.BEYOND_3_SIGMA,)))
    assert feed(widened, [100], [20]) == [(False, NO_DAY)]  # z = 3.33 / 1.2 = 2.78


def test_western_electric_skips_days_without_audits():
    # Audited on weekdays only. p0 = 0.1 at 100 audits a day: 15 errors is z = +1.67. Wed, Thu, Fri beyond 1 sigma,
    # the weekend unaudited, Mon beyond again: 4 of the last 5 audited days (Tue-Mon), rule 3 from Wed on.
    monday = date(2026, 11, 2)
    days = [monday + timedelta(days=i) for i in range(9)]
    watch = WesternElectric(p0=0.1, sigma_z=1.0,
                            params=WesternElectricParams(rules=(Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA,)))
    steps = feed(watch, [100, 100, 100, 100, 100, 0, 0, 100, 100], [10, 10, 15, 15, 15, 0, 0, 15, 15])
    assert steps == [(False, NO_DAY)] * 7 + [(True, 2), (True, 2)]
    assert watch.fired(days) == ("Western Electric rule 3 on the accuracy chart: 4 of 5 days in a row more than 1σ "
                                 "below the centre line, 4–9 Nov")
    # The next weekend neither resolves the alarm nor breaks a run of 8.
    assert feed(watch, [0, 0], [0, 0]) == [(True, 2), (True, 2)]
    runs = WesternElectric(p0=0.1, sigma_z=1.0, params=WesternElectricParams(rules=(Rule.EIGHT_ON_ONE_SIDE,)))
    audits = [100, 100, 100, 100, 100, 0, 0, 100, 100, 100]
    assert feed(runs, audits, [11 if n else 0 for n in audits])[-1] == (True, 0)
    assert runs.fired(days + [date(2026, 11, 11)]) == ("Western Electric rule 4 on the accuracy chart: 8 audited days "
                                                       "in a row below the centre line, 2–11 Nov")


def test_detect_shifts_names_what_fired_and_when_it_began():
    baseline = fit_baseline(audits=[100] * 8, successes=[10] * 8)  # errors: p0 = 0.1, sigma_z = 0
    days = [START + timedelta(days=i) for i in range(6)]
    shifted, steady = [10, 9, 18, 19, 20, 21], [10, 9, 11, 10, 9, 10]
    cusum = detect_shifts(CusumParams(shift=0.1, arl0_days=100), baselines=[baseline, baseline], days=days,
                          audits=[[100] * 6] * 2, errors=[shifted, steady])
    assert cusum[0].started == date(2026, 11, 7) and cusum[1] is None
    assert cusum[0].fired.startswith("CUSUM: in alarm since 8 Nov, when it reached 8 errors more than expected since "
                                     "7 Nov at 14.5% a day ")
    assert "between the baseline's 10.0% and the 20.0% it watches for" in cusum[0].fired
    (ewma,) = detect_shifts(EwmaParams(), baselines=[baseline], days=days, audits=[[100] * 6], errors=[shifted])
    assert ewma.started == date(2026, 11, 7)
    assert ewma.fired.startswith("EWMA (λ = 0.2) of the daily error rate: in alarm since ")
    assert detect_shifts(EwmaParams(), baselines=[], days=days, audits=[], errors=[]) == []
