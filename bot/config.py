"""The team's world, from `config/qabot.toml`: vendors, queues, targets, import sources.

The file is checked strictly (unknown keys, wrong types and bad values are all
reported with where they are) so a typo never runs the bot on silently wrong
settings. Each feature's own section lives beside it (bot/alerts/config.py, ...); the
kinds of value they share in bot/config_types.py.
"""

from __future__ import annotations

import tomllib
import zoneinfo
from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.alerts.config import Alerts
from bot.calibration.config import Calibration
from bot.coaching.config import Coaching
from bot.config_types import (
    WEEKDAYS,
    AuditCount,
    ChannelId,
    Fraction,
    LocalTime,
    Name,
    Paper,
    Seconds,
    SlackId,
    Strict,
    TimeZoneName,
    Weekday,
)
from bot.disputes.config import Disputes
from bot.errors import ConfigError
from bot.escalations.config import Escalations
from bot.rca.config import Rca
from bot.review.config import ScheduledReview

CANONICAL_COLUMNS = (
    "audit_id", "item_id", "queue", "policy", "market", "vendor", "site", "agent_id",
    "agent_decision", "qa_decision", "error_category", "severity", "handle_time_s",
    "decided_at", "audited_at", "auditor_id",
)
REQUIRED_COLUMNS = (
    "audit_id", "item_id", "queue", "vendor", "agent_id",
    "agent_decision", "qa_decision", "decided_at", "audited_at",
)


class TargetOverrides(Strict):
    """A scope's own SLA targets, as configured; unset ones fall back to [defaults] (see kpi.scopes.targets_for)."""

    accuracy_target: Fraction | None = None
    aht_target_s: Seconds | None = None


class Defaults(Strict):
    accuracy_target: Fraction = 0.95
    aht_target_s: Seconds = 120.0
    no_violation_labels: list[Name] = Field(default_factory=lambda: ["approve"], min_length=1)
    control_baseline_weeks: Annotated[int, Field(ge=1, le=52)] = 8
    """Control limits on trend charts come from this many weeks before the charted days."""
    min_agent_audits: AuditCount = 30
    """An agent with fewer audits in a period is shown as "too few audits", never ranked among the weakest."""
    paper: Paper = "a4"
    """The business review's paper, unless a scheduled review or `qabot review --paper` says otherwise."""


class NamedScope(TargetOverrides):
    """A vendor, queue or policy the team names: display name, aliases, targets."""

    name: Name | None = None
    aliases: list[Name] = Field(default_factory=list)
    weekly_items: AuditCount | None = None
    """Decisions a week its audits are sampled from: `/qa sample` corrects for a small population with it."""

    def display_name(self, key: str) -> str:
        return self.name or key

    def spellings(self, key: str) -> frozenset[str]:
        """Every way people may write this scope, case-folded: its key, display name and aliases."""
        return frozenset(spelling.casefold() for spelling in (key, self.display_name(key), *self.aliases))



class Vendor(NamedScope):
    """A vendor (BPO) may also name its people in Slack: they see their own vendor only."""

    members: list[SlackId] = Field(default_factory=list)
    leads: list[SlackId] = Field(default_factory=list)
    """The vendor's team leads: members too; they record coaching and hear of its follow-ups."""
    leads_channel: ChannelId | None = None
    """Where the leads get the weekly digest of coaching candidates."""


class Agent(Strict):
    """Links an agent id in the audits to a Slack user, so `/qa agent @name` works."""

    slack_user: SlackId


class Access(Strict):
    """Who may see quality figures. Everyone else is refused (and the refusal logged)."""

    qa_staff: list[SlackId] = Field(default_factory=list)
    """Slack user ids (U..., W...) or user group ids (S...) who may see every scope."""


class Source(Strict):
    """How one tool's or vendor's export maps onto the canonical audit columns."""

    columns: dict[Name, Literal[CANONICAL_COLUMNS]] = Field(default_factory=dict)  # type: ignore[valid-type]
    defaults: dict[Literal[CANONICAL_COLUMNS], Name] = Field(default_factory=dict)  # type: ignore[valid-type]

    @field_validator("columns")
    @classmethod
    def _one_file_column_per_canonical(cls, columns: dict[str, str]) -> dict[str, str]:
        seen: dict[str, str] = {}
        for theirs, ours in columns.items():
            if ours in seen:
                raise ValueError(f"both '{seen[ours]}' and '{theirs}' map to '{ours}'")
            seen[ours] = theirs
        return columns


class Team(Strict):
    """A QA team: its channel gets the morning KPI post at `post_at`, local time, on `weekdays`.

    The scope narrows what the post covers (vendors AND queues AND markets; empty means all),
    each name as people type it: a config key, display name, alias, or a name in the data.
    """

    name: Name | None = None
    """How the post names the team; the key by default."""
    channel: ChannelId
    timezone: TimeZoneName
    post_at: LocalTime = "09:00"
    weekdays: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    vendors: list[Name] = Field(default_factory=list)
    queues: list[Name] = Field(default_factory=list)
    markets: list[Name] = Field(default_factory=list)
    compare_by: Literal["vendor", "queue", "market"] | None = None
    """The comparison chart's parts; by default vendors when the team has several, else queues."""
    accuracy_target: Fraction | None = None
    aht_target_s: Seconds | None = None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_time(self) -> time:
        return time.fromisoformat(self.post_at)

    def scope_names(self) -> dict[str, list[str]]:
        """kind -> the names of that kind the team covers (only kinds it narrows)."""
        return {kind: names for kind, names in
                (("vendor", self.vendors), ("queue", self.queues), ("market", self.markets)) if names}


class TeamConfig(Strict):
    defaults: Defaults = Field(default_factory=Defaults)
    access: Access = Field(default_factory=Access)
    vendors: dict[Name, Vendor] = Field(default_factory=dict)
    agents: dict[Name, Agent] = Field(default_factory=dict)
    auditors: dict[Name, Agent] = Field(default_factory=dict)
    """QA reviewers (auditor_id in the audits) linked to Slack users: nobody decides a dispute of their own audit."""
    queues: dict[Name, NamedScope] = Field(default_factory=dict)
    policies: dict[Name, NamedScope] = Field(default_factory=dict)
    sources: dict[Name, Source] = Field(default_factory=dict)
    escalations: Escalations = Field(default_factory=Escalations)
    teams: dict[Name, Team] = Field(default_factory=dict)
    alerts: Alerts = Field(default_factory=Alerts)
    calibration: Calibration = Field(default_factory=Calibration)
    rca: Rca = Field(default_factory=Rca)
    coaching: Coaching = Field(default_factory=Coaching)
    disputes: Disputes = Field(default_factory=Disputes)
    reviews: dict[Name, ScheduledReview] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_are_unambiguous(self) -> TeamConfig:
        for section in ("vendors", "queues", "policies"):
            owner: dict[str, str] = {}
            for key, scope in getattr(self, section).items():
                for spelling in scope.spellings(key):
                    if owner.setdefault(spelling, key) != key:
                        raise ValueError(
                            f"{section}: the name '{spelling}' belongs to both '{owner[spelling]}' and '{key}'"
                        )
        owner = {}
        for agent_id, agent in self.agents.items():
            if owner.setdefault(agent.slack_user, agent_id) != agent_id:
                raise ValueError(f"agents: Slack user {agent.slack_user} is linked to both "
                                 f"'{owner[agent.slack_user]}' and '{agent_id}'")
        return self

    @model_validator(mode="after")
    def _reviews_name_known_teams(self) -> TeamConfig:
        for name, review in self.reviews.items():
            if review.team is not None and review.team not in self.teams:
                known = ", ".join(sorted(self.teams)) or "none yet"
                raise ValueError(f"reviews.{name}.team: no [teams.{review.team}] (teams: {known})")
        return self

    def section(self, kind: str) -> dict[str, NamedScope]:
        """The named scopes of one kind ('vendor', 'queue', 'policy'); empty for others."""
        return {"vendor": self.vendors, "queue": self.queues, "policy": self.policies}.get(kind, {})


def load_team_config(path: Path, *, must_exist: bool = True) -> TeamConfig:
    """Parse and check the TOML file; raise ConfigError listing every problem."""
    if not path.exists():
        if must_exist:
            raise ConfigError([f"{path}: no such file (set QABOT_CONFIG or create it)."])
        return TeamConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})."]) from exc
    return parse_team_config(raw, origin=str(path))


def parse_team_config(raw: dict, *, origin: str) -> TeamConfig:
    try:
        return TeamConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_describe(origin, error) for error in exc.errors()]) from exc


def _describe(origin: str, error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"] if part != "[key]") or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{origin}: {where}: unknown key (check its spelling; see config/qabot.toml for the keys)"
    in_source = error["loc"][:1] == ("sources",)
    if error["type"] == "literal_error" and in_source and "columns" in error["loc"]:
        return f"{origin}: {where}: '{error['input']}' is not a canonical column; use one of {', '.join(CANONICAL_COLUMNS)}"
    if error["type"] == "literal_error" and in_source:
        return f"{origin}: {where}: not a canonical column; use one of {', '.join(CANONICAL_COLUMNS)}"
    if error["type"] == "string_pattern_mismatch" and "channel" in where:
        return (f"{origin}: {where}: '{error['input']}' is not a Slack channel id (C..., G... or D...; "
                "in Slack: channel details > About > Channel ID)")
    if error["type"] == "string_pattern_mismatch" and where.rsplit(".", 1)[-1] in ("post_at", "digest_at", "at"):
        return f"{origin}: {where}: '{error['input']}' is not a 24-hour local time like \"08:30\""
    if error["type"] == "string_pattern_mismatch":
        return (f"{origin}: {where}: '{error['input']}' is not a Slack user or user group id "
                "(U..., W... or S...; in Slack: profile > More > Copy member ID)")
    message = error["msg"].removeprefix("Value error, ")
    shown = error.get("input")
    got = f" (got {shown!r})" if shown is not None and not isinstance(shown, dict) else ""
    return f"{origin}: {where}: {message}{got}"
