"""How disputes went, by QA's error category or by vendor, and who files them. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.kpi.scorecard import Estimate, wilson
from bot.store.models import UNCATEGORISED
from bot.store.records import Dispute, DisputeStatus

TOP_FILERS = 3


@dataclass(frozen=True)
class GroupDisputes:
    name: str
    filed: int
    upheld: int
    overturned: int

    @property
    def overturn_share(self) -> Estimate | None:
        """Of the decided disputes, the share overturned, with its 95% interval."""
        return wilson(self.overturned, self.upheld + self.overturned)


@dataclass(frozen=True)
class DisputeBreakdown:
    by: str
    """What the groups are, for people: "QA's error category", "vendor"."""
    groups: list[GroupDisputes]
    """Most filed first."""
    filers: list[tuple[str, int]]
    """Who files most (Slack user ids), with how many."""


def by_category(dispute: Dispute) -> str:
    return dispute.original_category or UNCATEGORISED


def dispute_breakdown(disputes: Iterable[Dispute], *, by: str = "QA's error category",
                      group_of: Callable[[Dispute], str] = by_category) -> DisputeBreakdown:
    """Superseded disputes are left out: a re-audit replaced the verdict they were about."""
    counts: dict[str, Counter] = defaultdict(Counter)
    filers: Counter[str] = Counter()
    for dispute in disputes:
        if dispute.status == DisputeStatus.SUPERSEDED.value:
            continue
        counts[group_of(dispute)][dispute.status] += 1
        filers[dispute.filer_id] += 1
    groups = [GroupDisputes(name, sum(c.values()), c[DisputeStatus.UPHELD.value], c[DisputeStatus.OVERTURNED.value])
              for name, c in counts.items()]
    groups.sort(key=lambda row: (-row.filed, row.name))
    return DisputeBreakdown(by, groups, filers.most_common(TOP_FILERS))
