"""The sample plan from constructed counts: what each agent needs, the weekly counts, the drop."""

from __future__ import annotations

from datetime import date

import pytest

from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts
from bot.sampling.plan import agent_need, build_plan
from bot.sampling.sizes import drop_sample_size, finite_population, wilson_sample_size

FOUR_WEEKS = Period(date(2026, 10, 25), date(2026, 11, 21))


def counts(correct: int, audits: int) -> Counts:
    return Counts(audits=audits, correct=correct)


AGENTS = [("agent-good", counts(475, 500)), ("agent-low", counts(170, 200)), ("agent-few", counts(36, 40)),
          ("agent-new", counts(10, 10)), ("agent-none", counts(0, 0))]


@pytest.mark.parametrize(("agent", "expected"), [
    (counts(475, 500), None),  # at target on enough audits to tell a 2-point gap (457)
    (counts(380, 400), 457),  # at target, but 400 cannot tell a 2-point gap
    (counts(170, 200), None),  # far under: the interval leaves the target out
    (counts(36, 40), 73),  # 90%: the 5-point gap needs 73
    (counts(10, 10), 73),
    (counts(990, 1000), None),  # clearly above
])
def test_an_agent_is_short_when_the_target_is_in_their_interval_and_they_have_fewer_than_it_takes(agent, expected):
    need = agent_need("a", agent, target=0.95, smallest_gap=0.02)
    assert (need and need.audits_needed) == expected
    if need:
        assert need.more_needed == expected - agent.audits


def test_the_plan_of_four_weeks():
    total = counts(691, 750)
    plan = build_plan(label="Acme BPO", scopes={"vendor": "Acme BPO"}, period=FOUR_WEEKS, target=0.95, counts=total,
                      agent_counts=AGENTS, drop=0.02, weekly_items=None)
    assert plan.weeks == 4 and plan.weekly_audits == 187.5
    assert [need.weekly_audits for need in plan.intervals] == [2790, 702, 315]
    assert plan.intervals[0].weekly_audits == wilson_sample_size(accuracy=691 / 750, margin=0.01)
    assert [need.met_by(plan.weekly_audits) for need in plan.intervals] == [False, False, False]
    assert plan.agents == 4  # an agent without audits is not one of them
    assert [(need.agent_id, need.audits_needed) for need in plan.agents_too_few] == [("agent-few", 73),
                                                                                      ("agent-new", 73)]
    assert plan.too_few_share == 0.5
    assert plan.drop.audits == 822 and plan.drop.weeks == pytest.approx(822 / 187.5)


def test_a_known_weekly_volume_corrects_for_the_small_population():
    plan = build_plan(label="x", scopes={}, period=FOUR_WEEKS, target=0.95, counts=counts(691, 750),
                      agent_counts=[], drop=0.01, weekly_items=1000)
    assert [need.weekly_audits for need in plan.intervals] == [
        finite_population(wilson_sample_size(accuracy=691 / 750, margin=margin), population=1000)
        for margin in (0.01, 0.02, 0.03)]
    assert plan.intervals[0].weekly_audits < 1000 and plan.drop.audits == drop_sample_size(target=0.95, drop=0.01)


def test_without_audits_the_counts_are_worked_out_at_the_target():
    plan = build_plan(label="x", scopes={}, period=FOUR_WEEKS, target=0.9, counts=Counts(), agent_counts=[],
                      drop=0.02, weekly_items=None)
    assert plan.accuracy is None and plan.planning_accuracy == 0.9 and plan.weekly_audits == 0
    assert plan.intervals[1].weekly_audits == wilson_sample_size(accuracy=0.9, margin=0.02)
    assert plan.drop.weeks is None and plan.too_few_share is None
