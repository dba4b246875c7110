"""A scope's sample plan: what its audits can tell, and how many it would need. Pure: counts in, figures out.

The service (bot/sampling/service.py) reads the counts of the last full weeks; this module turns them into the
weekly audits a ±1, ±2 and ±3 point interval needs, the agents whose figures rest on too few audits to tell them
from target, and the audits it takes to catch a drop below target.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts, Estimate, wilson
from bot.sampling.sizes import audits_to_tell_apart, drop_sample_size, finite_population, wilson_sample_size

#: The interval widths a plan shows, as fractions (±1, ±2 and ±3 points).
MARGINS = (0.01, 0.02, 0.03)


@dataclass(frozen=True)
class IntervalNeed:
    """Audits a week for that week's accuracy to be known within ±margin."""

    margin: float
    weekly_audits: int

    def met_by(self, weekly_audits: float) -> bool:
        return weekly_audits >= self.weekly_audits


@dataclass(frozen=True)
class AgentNeed:
    """An agent whose period figures cannot tell them from target yet, and the audits that would."""

    agent_id: str
    accuracy: Estimate
    audits_needed: int

    @property
    def more_needed(self) -> int:
        return self.audits_needed - self.accuracy.trials


@dataclass(frozen=True)
class DropDetection:
    """Audits for a one-sided 5% test to catch accuracy `drop` below target with 80% power."""

    drop: float
    audits: int
    weeks: float | None
    """How many weeks of the scope's current audits that is (None without audits)."""


@dataclass(frozen=True)
class SamplePlan:
    label: str
    scopes: dict[str, str]
    period: Period
    weeks: int
    target: float
    accuracy: Estimate | None
    weekly_audits: float
    weekly_items: int | None
    """The decisions a week the audits are drawn from, when the config gives them (else no correction)."""
    intervals: list[IntervalNeed]
    agents: int
    """Agents with audits in the period."""
    agents_too_few: list[AgentNeed]
    """Worst accuracy first."""
    drop: DropDetection

    @property
    def planning_accuracy(self) -> float:
        """The accuracy the counts are worked out at: the scope's own, or its target before it has audits."""
        return self.target if self.accuracy is None else self.accuracy.value

    @property
    def too_few_share(self) -> float | None:
        return len(self.agents_too_few) / self.agents if self.agents else None


def agent_need(agent_id: str, counts: Counts, *, target: float, smallest_gap: float) -> AgentNeed | None:
    """The agent's need, when their figures rest on too few audits to tell them from target (else None).

    Too few: the target lies inside their Wilson interval and they have fewer audits than it takes for an
    interval at their accuracy to leave it out. A gap smaller than `smallest_gap` (the drop that matters) is
    taken as that gap, so an agent at target on thousands of audits counts as measured, not as short.
    """
    accuracy = wilson(counts.correct, counts.audits)
    if accuracy is None or not accuracy.low <= target <= accuracy.high:
        return None
    needed = audits_to_tell_apart(target=target, gap=max(abs(accuracy.value - target), smallest_gap))
    return AgentNeed(agent_id, accuracy, needed) if counts.audits < needed else None


def build_plan(*, label: str, scopes: dict[str, str], period: Period, target: float, counts: Counts,
               agent_counts: Iterable[tuple[str, Counts]], drop: float, weekly_items: int | None) -> SamplePlan:
    """The plan for `period` (whole weeks) of the scope's `counts` and its agents'; `drop` as a fraction."""
    weeks = period.days // 7
    accuracy = wilson(counts.correct, counts.audits)
    at = target if accuracy is None else accuracy.value
    intervals = []
    for margin in MARGINS:
        needed = wilson_sample_size(accuracy=at, margin=margin)
        if weekly_items is not None:
            needed = finite_population(needed, population=weekly_items)
        intervals.append(IntervalNeed(margin, needed))
    agents = [(agent_id, agent) for agent_id, agent in agent_counts if agent.audits]
    short = [need for agent_id, agent in agents
             if (need := agent_need(agent_id, agent, target=target, smallest_gap=drop)) is not None]
    short.sort(key=lambda need: (need.accuracy.value, -need.accuracy.trials, need.agent_id))
    weekly = counts.audits / weeks
    drop_audits = drop_sample_size(target=target, drop=drop)
    return SamplePlan(
        label=label, scopes=scopes, period=period, weeks=weeks, target=target, accuracy=accuracy,
        weekly_audits=weekly, weekly_items=weekly_items, intervals=intervals, agents=len(agents),
        agents_too_few=short, drop=DropDetection(drop, drop_audits, drop_audits / weekly if weekly else None),
    )
