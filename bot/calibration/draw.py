"""Which items a calibration session judges: a seeded draw, stratified by agent-QA disagreement. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DISAGREED_SHARE = 0.5
"""Half the items from audits where agent and QA disagreed: those are where policy is read differently."""


@dataclass(frozen=True)
class Candidate:
    item_id: str
    audit_id: str | None
    queue: str | None
    policy: str | None
    disagreed: bool
    notes: str = ""
    """Neutral context shown to participants (the market); never anything that hints at a verdict."""


def draw_items(candidates: Sequence[Candidate], *, count: int, seed: int,
               disagreed_share: float = DISAGREED_SHARE) -> list[Candidate]:
    """`count` distinct items, about `disagreed_share` of them disagreed ones (fewer if there are not
    enough, the rest agreed ones), in a shuffled order. The same candidates and seed give the same draw,
    whatever order the candidates come in."""
    by_item: dict[str, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: (c.item_id, not c.disagreed, c.audit_id or "")):
        by_item.setdefault(candidate.item_id, candidate)  # an item audited twice: its disagreed audit wins
    disagreed = [c for c in by_item.values() if c.disagreed]
    agreed = [c for c in by_item.values() if not c.disagreed]
    wanted = min(count, len(by_item))
    from_disagreed = min(len(disagreed), max(wanted - len(agreed), round(wanted * disagreed_share)))
    rng = np.random.default_rng(seed)
    chosen = [disagreed[i] for i in rng.choice(len(disagreed), size=from_disagreed, replace=False)] + \
        [agreed[i] for i in rng.choice(len(agreed), size=wanted - from_disagreed, replace=False)]
    return [chosen[i] for i in rng.permutation(len(chosen))]
