"""Coaching's figures against formulas worked out here: Wilson and Newcombe intervals, the pooled z-test."""

from __future__ import annotations

import math
from datetime import date

import pytest
from scipy.stats import norm

from bot.coaching.candidates import coaching_candidates
from bot.coaching.effect import Verdict, coaching_effect, effectiveness
from bot.coaching.rules import CoachingForm, FormFacts, form_problems
from bot.kpi.scorecard import Counts

Z = norm.ppf(0.975)


def wilson(x: int, n: int) -> tuple[float, float]:
    centre = (x + Z * Z / 2) / (n + Z * Z)
    half = Z / (n + Z * Z) * math.sqrt(x * (n - x) / n + Z * Z / 4)
    return centre - half, centre + half


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def z_test(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(z))


@pytest.mark.parametrize(("before", "after", "verdict"), [
    ((200, 160), (150, 144), Verdict.IMPROVED),  # 80% -> 96%
    ((200, 180), (150, 138), Verdict.NO_CHANGE),  # 90% -> 92%: within chance
    ((200, 190), (150, 120), Verdict.WORSE),  # 95% -> 80%
])
def test_effect_against_hand_worked_figures(before, after, verdict):
    effect = coaching_effect(before=before, after=after, min_audits=30)
    assert effect.verdict is verdict
    assert effect.difference_points == pytest.approx((after[1] / after[0] - before[1] / before[0]) * 100)
    low, high = newcombe(after[1], after[0], before[1], before[0])
    assert (effect.low_points, effect.high_points) == (pytest.approx(low * 100), pytest.approx(high * 100))
    assert effect.p_value == pytest.approx(z_test(after[1], after[0], before[1], before[0]))
    assert (effect.before.low, effect.before.high) == pytest.approx(wilson(before[1], before[0]))


def test_too_few_audits_after_says_how_many_more():
    effect = coaching_effect(before=(200, 150), after=(12, 12), min_audits=30)
    assert effect.verdict is Verdict.TOO_FEW and effect.more_audits_needed == 18
    assert effect.p_value is None and effect.after.value == 1.0


def test_no_baseline():
    effect = coaching_effect(before=(0, 0), after=(40, 38), min_audits=30)
    assert effect.verdict is Verdict.NO_BASELINE and effect.difference_points is None


def test_effectiveness_over_measured_results():
    results = [coaching_effect(before=b, after=a, min_audits=30).as_json() for b, a in [
        ((200, 160), (150, 144)), ((200, 180), (150, 138)), ((200, 150), (10, 10))]]
    summary = effectiveness(results)
    assert summary.measured == 2 and summary.improved == 1 and summary.improved_share == 0.5
    assert summary.median_change_points == pytest.approx(((144 / 150 - 0.8) + (138 / 150 - 0.9)) / 2 * 100)


def test_candidates_are_significantly_under_target_worst_first():
    agents = [("steady", Counts(200, 190)), ("low", Counts(200, 160)), ("lowest", Counts(100, 70)),
              ("unlucky", Counts(20, 14)), ("borderline", Counts(200, 184))]
    found = coaching_candidates(agents, target=0.95, min_audits=30, repeat_min=3,
                                categories={"low": [("missed context", 25), ("(uncategorised)", 9), ("typo", 2)]},
                                open_coaching={"low": ["COACH-2"]})
    # borderline: 92%, under target, but its interval's top (95.02%) reaches it: not significant
    assert wilson(184, 200)[1] > 0.95
    assert [c.agent_id for c in found] == ["lowest", "low"]  # unlucky has too few audits
    low = found[1]
    assert low.top_category == ("missed context", 25) and low.repeats == [("missed context", 25)]
    assert low.open_coaching == ["COACH-2"]


def form(**changes) -> CoachingForm:
    fields = dict(agent_id="agent-1", category="missed context", policy=None, audit_ids=["A1"], notes="",
                  coach_id="UCOACH", follow_up_on=date(2026, 12, 6))
    return CoachingForm(**{**fields, **changes})


def facts(**changes) -> FormFacts:
    fields = dict(today=date(2026, 11, 22), agent_of_audit={"A1": "agent-1", "B1": "agent-2"}, focus_audits=50,
                  focus_errors=4, coach_allowed=True, lookback_days=30)
    return FormFacts(**{**fields, **changes})


def test_form_rules_say_what_is_wrong_and_how_to_fix_it():
    assert form_problems(form(), facts()) == {}
    assert "Choose what the coaching is about" in form_problems(form(category=None), facts())["category"]
    assert "no audits of this focus" in form_problems(form(policy="weapons"), facts(focus_audits=0))["policy"]
    assert "made no errors of this focus" in form_problems(form(audit_ids=[]), facts(focus_errors=0))["audit_ids"]
    assert form_problems(form(audit_ids=[]), facts()) == {}  # the service fills in the latest errors
    assert "No audit Z9" in form_problems(form(audit_ids=["A1", "Z9"]), facts())["audit_ids"]
    assert "B1 is an audit of another agent" in form_problems(form(audit_ids=["B1"]), facts())["audit_ids"]
    assert "neither" in form_problems(form(), facts(coach_allowed=False))["coach_id"]
    assert "not after today" in form_problems(form(follow_up_on=date(2026, 11, 22)), facts())["follow_up_on"]
