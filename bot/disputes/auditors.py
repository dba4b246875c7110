"""QA's own quality, from disputes: each auditor's overturn rate against the target, what they are overturned
on, their agreement in calibration, and whether they are harsher on one vendor than on their others. Pure.

The overturn rate is overturned / decided disputes of the auditor's audits, with its 95% Wilson interval;
"above target" needs the interval's lower bound over the target. Bias compares the share of an auditor's
audits they found wrong on one vendor with the same share on their other vendors (two-proportion z-test),
Holm-adjusted over that auditor's vendors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from bot.kpi.scorecard import SIGNIFICANCE, Estimate, two_proportion_p_value, wilson
from bot.rca.analysis import holm
from bot.store.models import UNCATEGORISED
from bot.store.records import Dispute, DisputeStatus


class AuditorStatus(StrEnum):
    WITHIN = "within target"
    ABOVE = "above target"
    SIGNIFICANTLY_ABOVE = "significantly above target"
    NO_DECISIONS = "no decided disputes"


@dataclass(frozen=True)
class VendorBias:
    vendor: str
    audits: int
    wrong_share: float
    """Of this vendor's audits, the share the auditor found wrong."""
    others_share: float | None
    """The same over the auditor's other vendors (None without any)."""
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANCE


@dataclass(frozen=True)
class AuditorFigures:
    auditor_id: str
    audits: int
    disputes: int
    decided: int
    overturned: int
    overturn_rate: Estimate | None
    status: AuditorStatus
    overturned_on: list[tuple[str, int]] = field(default_factory=list)
    """QA's error categories of the overturned audits, most first."""
    calibration: tuple[int, int] | None = None
    """(items judged, of them agreeing with the reference) over the calibration sessions of the period."""
    bias: list[VendorBias] = field(default_factory=list)


def auditor_figures(auditor_id: str, *, by_vendor: Sequence[tuple[str, int, int]], disputes: Iterable[Dispute],
                    target: float, calibration: tuple[int, int] | None = None) -> AuditorFigures:
    """`by_vendor`: (vendor, audits, audits found wrong) of this auditor."""
    disputes = list(disputes)
    decided = [d for d in disputes if d.status in (DisputeStatus.UPHELD.value, DisputeStatus.OVERTURNED.value)]
    overturned = [d for d in decided if d.status == DisputeStatus.OVERTURNED.value]
    rate = wilson(len(overturned), len(decided))
    status = (AuditorStatus.NO_DECISIONS if rate is None else AuditorStatus.SIGNIFICANTLY_ABOVE if rate.low > target
              else AuditorStatus.ABOVE if rate.value > target else AuditorStatus.WITHIN)
    return AuditorFigures(
        auditor_id, sum(audits for _, audits, _ in by_vendor), len(disputes), len(decided), len(overturned), rate,
        status, Counter(d.original_category or UNCATEGORISED for d in overturned).most_common(), calibration,
        vendor_bias(by_vendor))


def vendor_bias(by_vendor: Sequence[tuple[str, int, int]]) -> list[VendorBias]:
    """For each vendor: does the auditor find its audits wrong more (or less) often than their others'?"""
    total_audits = sum(audits for _, audits, _ in by_vendor)
    total_wrong = sum(wrong for _, _, wrong in by_vendor)
    raw = []
    for vendor, audits, wrong in by_vendor:
        others, others_wrong = total_audits - audits, total_wrong - wrong
        p = two_proportion_p_value(wrong, audits, others_wrong, others) if audits and others else None
        raw.append((vendor, audits, wrong / audits if audits else 0.0, others_wrong / others if others else None, p))
    tested = [index for index, row in enumerate(raw) if row[4] is not None]
    adjusted = dict(zip(tested, holm(np.array([raw[index][4] for index in tested])), strict=True)) if tested else {}
    return sorted((VendorBias(vendor, audits, share, others, float(adjusted[index]) if index in adjusted else None)
                   for index, (vendor, audits, share, others, _) in enumerate(raw)), key=lambda b: -b.audits)


def ranked(figures: Iterable[AuditorFigures]) -> list[AuditorFigures]:
    """Highest overturn rate first (those with decisions), then the others by volume."""
    return sorted(figures, key=lambda f: (f.overturn_rate is None,
                                          -(f.overturn_rate.value if f.overturn_rate else 0), -f.audits, f.auditor_id))
