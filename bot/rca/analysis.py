"""Root-cause analysis figures: the Pareto of error categories and where a category's errors come from.

Pure: the store hands in counts, this module hands back figures. The rate of a category is its
errors per 1,000 audits; its change against the previous period is tested like accuracy changes
(a two-proportion z-test). "Excess errors" compare a part's errors with what its volume predicts
at the scope's own rate; a Poisson tail says whether the excess is more than chance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from bot.errors import QabotError
from bot.kpi.periods import Period
from bot.kpi.scopes import suggest
from bot.kpi.scorecard import SIGNIFICANCE, two_proportion_p_value
from bot.store.models import AUDIT_SEVERITIES

#: The Pareto principle's line: the "vital few" categories make up this share of the errors.
VITAL_SHARE = 0.8
PER = 1000


def named_category(text: str, known: Iterable[str], *, missing: str) -> str:
    """The category as the data spells it, whatever the case typed; QabotError(`missing` and the closest known
    ones) when there is no such category."""
    known = list(known)
    wanted = text.strip().casefold()
    for category in known:
        if category.casefold() == wanted:
            return category
    close = suggest(text, {category: category for category in known})
    if close:
        hint = "Did you mean " + " or ".join(f"\"{name}\"" for name in close) + "?"
    elif known:
        hint = "The categories: " + ", ".join(f"\"{name}\"" for name in sorted(known)) + "."
    else:
        hint = "There are no errors at all in this period."
    raise QabotError(f"{missing} {hint}")


@dataclass(frozen=True)
class CategoryErrors:
    """One error category's errors over some days, split by severity and by outcome."""

    category: str
    errors: int
    critical: int = 0
    major: int = 0
    minor: int = 0
    false_positive: int = 0
    false_negative: int = 0
    wrong_label: int = 0

    def __add__(self, other: CategoryErrors) -> CategoryErrors:
        return self._combined(other, sign=1)

    def __sub__(self, other: CategoryErrors) -> CategoryErrors:
        return self._combined(other, sign=-1)

    def _combined(self, other: CategoryErrors, *, sign: int) -> CategoryErrors:
        numbers = [item.name for item in fields(self) if item.name != "category"]
        return CategoryErrors(self.category, **{name: getattr(self, name) + sign * getattr(other, name)
                                                for name in numbers})

    @property
    def severities(self) -> dict[str, int]:
        """critical, major, minor and, where the audit gave none, unspecified (only when there are such)."""
        split = {level: getattr(self, level) for level in AUDIT_SEVERITIES}
        unspecified = self.errors - sum(split.values())
        return {**split, "unspecified": unspecified} if unspecified else split


@dataclass(frozen=True)
class ParetoRow:
    """One category in the Pareto: its errors, where it stands, and how its rate moved."""

    counts: CategoryErrors
    share: float
    """Of all errors in the period."""
    cumulative_share: float
    rate: float | None
    """Errors per 1,000 audits; None without audits."""
    previous_rate: float | None
    """The same in the previous period of the same length; None without audits then."""
    p_value: float | None
    """Of the rate's change; None when either period has no audits."""

    @property
    def category(self) -> str:
        return self.counts.category

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANCE


@dataclass(frozen=True)
class Pareto:
    """Every error category of a scope and period, most errors first, over `audits` audits."""

    audits: int
    previous_audits: int
    rows: list[ParetoRow] = field(default_factory=list)
    """Most errors first; categories seen only in the previous period come last, with no errors."""

    @property
    def errors(self) -> int:
        return sum(row.counts.errors for row in self.rows)

    @property
    def vital_few(self) -> int:
        """How many of the top categories it takes to reach 80% of the errors."""
        return next((index + 1 for index, row in enumerate(self.rows) if row.cumulative_share >= VITAL_SHARE - 1e-9),
                    len(self.rows))


def build_pareto(current: Iterable[CategoryErrors], previous: Iterable[CategoryErrors], *, audits: int,
                 previous_audits: int) -> Pareto:
    """Every category of either period (`(uncategorised)` included, like any other), with its share and change."""
    now = sorted(current, key=lambda row: (-row.errors, row.category))
    before = {row.category: row.errors for row in previous}
    now += [CategoryErrors(category, 0) for category in sorted(set(before) - {row.category for row in now})]
    total = sum(row.errors for row in now)
    rows, cumulative = [], 0
    for counts in now:
        cumulative += counts.errors
        previous_errors = before.get(counts.category, 0)
        p_value = (two_proportion_p_value(counts.errors, audits, previous_errors, previous_audits)
                   if audits and previous_audits else None)
        rows.append(ParetoRow(counts, counts.errors / total if total else 0.0, cumulative / total if total else 0.0,
                              _per_thousand(counts.errors, audits), _per_thousand(previous_errors, previous_audits),
                              p_value))
    return Pareto(audits, previous_audits, rows)


def _per_thousand(errors: int, audits: int) -> float | None:
    return errors / audits * PER if audits else None


@dataclass(frozen=True)
class PartVolume:
    """One part of a scope (a queue, an agent, ...): its audits and its errors of the category looked at."""

    name: str
    audits: int
    errors: int


@dataclass(frozen=True)
class Excess:
    """A part of the scope (a queue, an agent, ...) with more errors of a category than its volume predicts."""

    name: str
    audits: int
    errors: int
    expected: float
    """Errors its volume predicts at the scope's rate of the category."""
    p_value: float
    """Chance of at least this many errors at the scope's rate (Poisson), Holm-adjusted for the number of
    parts compared: among fifty agents one looks unlucky by chance alone."""

    @property
    def excess(self) -> float:
        return self.errors - self.expected

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE


def excess_errors(parts: Sequence[PartVolume], *, errors: int, audits: int, limit: int) -> list[Excess]:
    """The `limit` parts with the most errors over what their volume predicts at the scope's rate
    (`errors` of the category in `audits`), largest excess first; parts at or under their share are left out."""
    if not audits or not errors or not parts:
        return []
    from scipy.stats import poisson  # imported here, as statsmodels is by bot.kpi.scorecard

    rate = errors / audits
    observed = np.array([part.errors for part in parts])
    expected = np.array([part.audits for part in parts]) * rate
    adjusted = holm(poisson.sf(observed - 1, expected))
    found = [Excess(part.name, part.audits, part.errors, part.audits * rate, float(p_value))
             for part, p_value in zip(parts, adjusted) if part.errors > part.audits * rate]
    found.sort(key=lambda item: (-item.excess, item.name))
    return found[:limit]


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment, in the order given. statsmodels' multipletests gives the same but runs a
    full garbage collection on every call (170 ms measured), so a drill-down of five kinds took almost a second."""
    order = np.argsort(p_values)
    steps = (len(p_values) - np.arange(len(p_values))) * p_values[order]
    adjusted = np.empty_like(steps)
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return adjusted


@dataclass(frozen=True)
class Repeat:
    """An agent who made the same error category several times in the period."""

    agent_id: str
    category: str
    errors: int


def repeats_by_category(repeats: Iterable[Repeat]) -> list[tuple[str, int]]:
    """How many agents repeat each category, most first: the morning post's line."""
    agents: dict[str, set[str]] = {}
    for repeat in repeats:
        agents.setdefault(repeat.category, set()).add(repeat.agent_id)
    return sorted(((category, len(ids)) for category, ids in agents.items()), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class ErrorsView:
    """The Pareto of a scope's error categories, its repeat errors and its escalations' root causes."""

    label: str
    scopes: dict[str, str]
    """kind -> label, as a drill-down asks again for the same scope."""
    period: Period
    pareto: Pareto
    repeats: list[Repeat]
    repeat_min: int
    root_causes: list[tuple[str, int]] | None
    """Resolved escalations of the period by root cause; None when the scope is not a vendor or a queue."""


@dataclass(frozen=True)
class CategoryView:
    """Where one error category comes from: the parts with most errors over what their volume predicts."""

    label: str
    period: Period
    category: str
    errors: int
    audits: int
    sources: list[tuple[str, list[Excess]]]
    """kind -> its parts with excess errors, largest first."""
    examples: list[str]
