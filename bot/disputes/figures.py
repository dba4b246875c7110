"""How a vendor's disputes went, by QA's error category, and who files them. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.kpi.scorecard import Estimate, wilson
from bot.store.models import UNCATEGORISED
from bot.store.records import Dispute, DisputeStatus

TOP_FILERS = 3


@dataclass(frozen=True)
class CategoryDisputes:
    category: str
    filed: int
    upheld: int
    overturned: int

    @property
    def overturn_share(self) -> Estimate | None:
        """Of the decided disputes, the share overturned, with its 95% interval."""
        return wilson(self.overturned, self.upheld + self.overturned)


@dataclass(frozen=True)
class DisputeBreakdown:
    categories: list[CategoryDisputes]
    """Most filed first."""
    filers: list[tuple[str, int]]
    """Who files most (Slack user ids), with how many."""


def dispute_breakdown(disputes: Iterable[Dispute]) -> DisputeBreakdown:
    counts: dict[str, Counter] = defaultdict(Counter)
    filers: Counter[str] = Counter()
    for dispute in disputes:
        if dispute.status == DisputeStatus.SUPERSEDED.value:
            continue
        counts[dispute.original_category or UNCATEGORISED][dispute.status] += 1
        filers[dispute.filer_id] += 1
    categories = [CategoryDisputes(category, sum(c.values()), c[DisputeStatus.UPHELD.value],
                                   c[DisputeStatus.OVERTURNED.value]) for category, c in counts.items()]
    categories.sort(key=lambda row: (-row.filed, row.category))
    return DisputeBreakdown(categories, filers.most_common(TOP_FILERS))
