"""Agreement in a calibration session: how alike the participants judged the same items. Pure.

Everything starts from the count matrix: one row per item, one column per label, each cell
the number of participants who gave that label to that item. Missing verdicts (a participant
who did not finish) just make a row's total smaller.

- Percent agreement: the share of agreeing pairs of verdicts on an item, averaged over items
  with at least two verdicts.
- Fleiss' kappa: agreement beyond chance, chance from the overall label shares (Fleiss 1971,
  in Gwet's form for unequal numbers of verdicts per item; the same as Fleiss with none missing).
- Krippendorff's alpha (nominal): from the `krippendorff` package.
- Gwet's AC1: chance from how far the label shares are from uniform (Gwet 2008); unlike kappa it
  stays high when one label (no violation) is far more common than the others.

Intervals: a percentile bootstrap over items (the items are the sample; the participants fixed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np

BOOTSTRAP_RESAMPLES = 1000
CONFIDENCE = 0.95

#: item -> participant -> label
Verdicts = Mapping[str, Mapping[str, str]]


def count_matrix(verdicts: Verdicts, labels: Sequence[str]) -> np.ndarray:
    """items x labels: how many participants gave each label to each item."""
    column = {label: index for index, label in enumerate(labels)}
    matrix = np.zeros((len(verdicts), len(labels)), dtype=float)
    for row, given in enumerate(verdicts.values()):
        for label in given.values():
            matrix[row, column[label]] += 1
    return matrix


def _rated_twice(counts: np.ndarray) -> np.ndarray:
    return counts[counts.sum(axis=1) >= 2]


def percent_agreement(counts: np.ndarray) -> float:
    """Share of agreeing pairs of verdicts, averaged over items with two or more verdicts."""
    rated = _rated_twice(counts)
    totals = rated.sum(axis=1)
    return float(np.mean((rated * (rated - 1)).sum(axis=1) / (totals * (totals - 1))))


def _label_shares(counts: np.ndarray) -> np.ndarray:
    rated = counts[counts.sum(axis=1) >= 1]
    return (rated / rated.sum(axis=1, keepdims=True)).mean(axis=0)


def fleiss_kappa(counts: np.ndarray) -> float:
    chance = float((_label_shares(counts) ** 2).sum())
    return (percent_agreement(counts) - chance) / (1 - chance)


def gwet_ac1(counts: np.ndarray) -> float:
    shares = _label_shares(counts)
    chance = float((shares * (1 - shares)).sum() / (counts.shape[1] - 1))
    return (percent_agreement(counts) - chance) / (1 - chance)


def krippendorff_alpha(counts: np.ndarray) -> float:
    return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


FIGURES = {
    "percent agreement": percent_agreement,
    "Fleiss' kappa": fleiss_kappa,
    "Krippendorff's alpha": krippendorff_alpha,
    "Gwet's AC1": gwet_ac1,
}


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    low: float
    high: float


def agreement_figures(counts: np.ndarray, *, seed: int, resamples: int = BOOTSTRAP_RESAMPLES) -> list[Figure]:
    """Every figure with its bootstrap 95% interval (resampling items, reproducible with `seed`).

    A figure that cannot be worked out (every verdict the same label, so chance agreement is 1)
    is NaN, and so are its bounds: callers say "not defined" rather than print a number.
    """
    if not len(_rated_twice(counts)):
        return [Figure(name, float("nan"), float("nan"), float("nan")) for name in FIGURES]
    rated = counts[counts.sum(axis=1) >= 1]  # items with one verdict still count in the label shares
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(rated), size=(resamples, len(rated)))
    tail = (1 - CONFIDENCE) / 2 * 100
    figures = []
    for name, figure in FIGURES.items():
        value = _safe(figure, rated)
        samples = np.array([_safe(figure, rated[pick]) for pick in picks])
        samples = samples[~np.isnan(samples)]
        low, high = (np.percentile(samples, [tail, 100 - tail]) if len(samples) else (np.nan, np.nan))
        figures.append(Figure(name, value, float(low), float(high)))
    return figures


def _safe(figure, counts: np.ndarray) -> float:
    """The figure, or NaN where it is not defined (a resample without an item judged twice, one label only)."""
    if not len(_rated_twice(counts)):
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            value = figure(counts)
        except (ZeroDivisionError, ValueError):  # krippendorff refuses data with a single value
            return float("nan")
    return float(value) if np.isfinite(value) else float("nan")


@dataclass(frozen=True)
class ParticipantAgreement:
    participant: str
    judged: int
    agreed: int
    compared_with: str
    """'the expert' or 'the majority of the others'."""

    @property
    def rate(self) -> float | None:
        return self.agreed / self.judged if self.judged else None


def participant_agreement(verdicts: Verdicts, *, participants: Sequence[str], expert: str | None
                          ) -> list[ParticipantAgreement]:
    """How often each participant matches the expert's verdict, or without an expert the majority of
    the others on the item (a tie among the others counts as no reference), worst first."""
    results = []
    for participant in participants:
        judged = agreed = 0
        for given in verdicts.values():
            mine = given.get(participant)
            reference = (given.get(expert) if expert else _majority(
                [label for who, label in given.items() if who != participant]))
            if mine is None or reference is None or participant == expert:
                continue
            judged += 1
            agreed += mine == reference
        results.append(ParticipantAgreement(participant, judged, agreed,
                                            "the expert" if expert else "the majority of the others"))
    return sorted(results, key=lambda r: (r.rate if r.rate is not None else 2.0, r.participant))


def _majority(labels: list[str]) -> str | None:
    ranked = Counter(labels).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


@dataclass(frozen=True)
class SplitItem:
    item_id: str
    spread: list[tuple[str, int]]
    """Labels with how many gave each, most first."""
    agreement: float


def split_items(verdicts: Verdicts, *, limit: int) -> list[SplitItem]:
    """The items that split the room most: lowest pairwise agreement first, then most verdicts."""
    items = []
    for item_id, given in verdicts.items():
        counts = Counter(given.values())
        total = sum(counts.values())
        if total < 2:
            continue
        agreement = sum(n * (n - 1) for n in counts.values()) / (total * (total - 1))
        items.append(SplitItem(item_id, sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])), agreement))
    items.sort(key=lambda item: (item.agreement, -sum(n for _, n in item.spread), item.item_id))
    return [item for item in items if item.agreement < 1][:limit]
