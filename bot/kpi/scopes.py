"""Turning what a person typed (`acme`, `Shop Listings`) into the data's own names.

The config adds display names, aliases and targets; it never filters data out,
so a vendor the config does not list is still found under its own name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.config import NamedScope, TeamConfig
from bot.errors import UnknownScopeError
from bot.kpi.scorecard import Targets

#: Scope kinds a person can ask about, and the audit column behind each. The one list of them: the roll-ups'
#: keys, `qabot kpi` and `/qa` derive theirs from it.
SCOPE_KINDS = {
    "vendor": "vendor",
    "agent": "agent_id",
    "queue": "queue",
    "policy": "policy",
    "market": "market",
    "site": "site",
}
#: The kinds `/qa KIND NAME` answers in Slack (market and site: the terminal's `qabot kpi`).
SLACK_SCORECARD_KINDS = ("vendor", "agent", "queue", "policy")
SUGGESTIONS = 3


@dataclass(frozen=True)
class ResolvedScope:
    kind: str
    label: str
    values: tuple[str, ...]
    """Raw values in the data that belong to this scope (may be empty: no audits yet)."""
    configured: NamedScope | None = None
    """Its entry in the team config, if one names it."""
    spellings: frozenset[str] = field(default=frozenset(), compare=False)
    """Every casefolded way of writing it: config key, display name, aliases, values in the data."""


def resolve(kind: str, text: str, *, config: TeamConfig, known_values: Iterable[str]) -> ResolvedScope:
    """Find `text` among the config's names and aliases and the data's values, ignoring case."""
    wanted = text.strip().casefold()
    known = list(known_values)
    for key, scope in config.section(kind).items():
        spellings = scope.spellings(key)
        if wanted in spellings:
            values = tuple(value for value in known if value.casefold() in spellings)
            return ResolvedScope(kind, scope.display_name(key), values, scope, spellings)
    values = tuple(value for value in known if value.casefold() == wanted)
    if values:
        return ResolvedScope(kind, values[0], values, spellings=frozenset({wanted}))
    raise UnknownScopeError(kind, text.strip(), suggest(text, _spellings(kind, config, known)))


def named(kind: str, value: str, *, config: TeamConfig) -> ResolvedScope:
    """The scope a value found in the data belongs to: its config entry if one names it, else itself."""
    return resolve(kind, value, config=config, known_values=[value])


def suggest(text: str, spellings: dict[str, str]) -> list[str]:
    """The closest known names for 'did you mean': `spellings` maps each spelling to the name shown."""
    by_folded = {spelling.casefold(): shown for spelling, shown in spellings.items()}
    close = difflib.get_close_matches(text.strip().casefold(), list(by_folded), n=SUGGESTIONS * 3, cutoff=0.5)
    return list(dict.fromkeys(by_folded[spelling] for spelling in close))[:SUGGESTIONS]


def _spellings(kind: str, config: TeamConfig, known: list[str]) -> dict[str, str]:
    spellings = {value: value for value in known}
    for key, scope in config.section(kind).items():
        for spelling in (key, scope.display_name(key), *scope.aliases):
            spellings[spelling] = scope.display_name(key)
    return spellings


def targets_for(scope: ResolvedScope | None, *, config: TeamConfig, fallback: NamedScope | None = None) -> Targets:
    """The scope's own targets, else `fallback`'s (an agent's vendor), else the defaults."""
    defaults = config.defaults
    chain = [s for s in (scope.configured if scope else None, fallback) if s is not None]
    accuracy = next((s.accuracy_target for s in chain if s.accuracy_target is not None), defaults.accuracy_target)
    aht = next((s.aht_target_s for s in chain if s.aht_target_s is not None), defaults.aht_target_s)
    return Targets(accuracy=accuracy, aht_s=aht)
