"""Who is worth coaching: agents significantly under their target over the last 14 days. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.kpi.scorecard import Counts, Estimate, wilson
from bot.store.models import UNCATEGORISED

CANDIDATE_DAYS = 14


@dataclass(frozen=True)
class Candidate:
    """An agent worth coaching, with what to coach them on and what is already under way."""

    agent_id: str
    accuracy: Estimate
    top_category: tuple[str, int] | None
    repeats: list[tuple[str, int]] = field(default_factory=list)
    """Categories the agent made at least [rca].repeat_min times, with how many (never "(uncategorised)")."""
    open_coaching: list[str] = field(default_factory=list)
    """COACH-n ids not closed yet."""


def coaching_candidates(agents: Sequence[tuple[str, Counts]], *, target: float, min_audits: int,
                        categories: Mapping[str, Sequence[tuple[str, int]]], repeat_min: int,
                        open_coaching: Mapping[str, Sequence[str]]) -> list[Candidate]:
    """Agents with at least `min_audits` audits whose accuracy's 95% upper bound is under `target`, worst first.

    `categories`: each agent's errors by category, most first.
    """
    found = []
    for agent_id, counts in agents:
        accuracy = wilson(counts.correct, counts.audits)
        if counts.audits < min_audits or accuracy is None or accuracy.high >= target:
            continue
        mine = list(categories.get(agent_id, ()))
        found.append(Candidate(agent_id, accuracy, mine[0] if mine else None,
                               [(category, n) for category, n in mine if n >= repeat_min and category != UNCATEGORISED],
                               list(open_coaching.get(agent_id, ()))))
    found.sort(key=lambda candidate: (candidate.accuracy.value, candidate.agent_id))
    return found
