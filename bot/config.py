"""The team's world, from `config/qabot.toml`: vendors, queues, targets, import sources.

The file is checked strictly (unknown keys, wrong types and bad values are all
reported with where they are) so a typo never runs the bot on silently wrong
settings. Later features add their own sections here.
"""

from __future__ import annotations

import difflib
import tomllib
import zoneinfo
from datetime import time
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError

CANONICAL_COLUMNS = (
    "audit_id", "item_id", "queue", "policy", "market", "vendor", "site", "agent_id",
    "agent_decision", "qa_decision", "error_category", "severity", "handle_time_s",
    "decided_at", "audited_at", "auditor_id",
)
REQUIRED_COLUMNS = (
    "audit_id", "item_id", "queue", "vendor", "agent_id",
    "agent_decision", "qa_decision", "decided_at", "audited_at",
)

Fraction = Annotated[float, Field(gt=0, le=1)]
Seconds = Annotated[float, Field(gt=0)]
Name = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TargetOverrides(_Strict):
    """A scope's own SLA targets, as configured; unset ones fall back to [defaults] (see kpi.scopes.targets_for)."""

    accuracy_target: Fraction | None = None
    aht_target_s: Seconds | None = None


class Defaults(_Strict):
    accuracy_target: Fraction = 0.95
    aht_target_s: Seconds = 120.0
    no_violation_labels: list[Name] = Field(default_factory=lambda: ["approve"], min_length=1)


class NamedScope(TargetOverrides):
    """A vendor, queue or policy the team names: display name, aliases, targets."""

    name: Name | None = None
    aliases: list[Name] = Field(default_factory=list)

    def display_name(self, key: str) -> str:
        return self.name or key

    def spellings(self, key: str) -> frozenset[str]:
        """Every way people may write this scope, case-folded: its key, display name and aliases."""
        return frozenset(spelling.casefold() for spelling in (key, self.display_name(key), *self.aliases))


SlackId = Annotated[str, Field(pattern=r"^[UWS][A-Z0-9]{2,}$")]


class Vendor(NamedScope):
    """A vendor (BPO) may also name its people in Slack: they see their own vendor only."""

    members: list[SlackId] = Field(default_factory=list)


class Agent(_Strict):
    """Links an agent id in the audits to a Slack user, so `/qa agent @name` works."""

    slack_user: SlackId


class Access(_Strict):
    """Who may see quality figures. Everyone else is refused (and the refusal logged)."""

    qa_staff: list[SlackId] = Field(default_factory=list)
    """Slack user ids (U..., W...) or user group ids (S...) who may see every scope."""


ChannelId = Annotated[str, Field(pattern=r"^[CGD][A-Z0-9]{2,}$")]
Minutes = Annotated[int, Field(gt=0)]
SEVERITIES = ("P0", "P1", "P2", "P3")
DEFAULT_ROOT_CAUSES = (
    "policy gap", "policy misapplied", "training gap", "tooling defect", "capacity / backlog", "vendor process",
    "not an error",
)
DEFAULT_ESCALATION_CATEGORIES = (
    "missed violation", "wrong enforcement", "IP rights complaint", "policy unclear",
    "tool or system issue", "vendor SLA",
)


class SlaRule(_Strict):
    """How long an escalation of one severity may wait for acknowledgement and for resolution."""

    acknowledge_min: Minutes
    resolve_min: Minutes


class SlaRules(_Strict):
    P0: SlaRule = SlaRule(acknowledge_min=15, resolve_min=4 * 60)
    P1: SlaRule = SlaRule(acknowledge_min=60, resolve_min=24 * 60)
    P2: SlaRule = SlaRule(acknowledge_min=4 * 60, resolve_min=3 * 24 * 60)
    P3: SlaRule = SlaRule(acknowledge_min=24 * 60, resolve_min=7 * 24 * 60)


class Route(_Strict):
    """Escalations matching any listed vendor, queue or category go to `channel` (first match wins)."""

    channel: ChannelId
    vendors: list[Name] = Field(default_factory=list)
    queues: list[Name] = Field(default_factory=list)
    categories: list[Name] = Field(default_factory=list)


class Escalations(_Strict):
    categories: list[Name] = Field(default_factory=lambda: list(DEFAULT_ESCALATION_CATEGORIES), min_length=1)
    root_causes: list[Name] = Field(default_factory=lambda: list(DEFAULT_ROOT_CAUSES), min_length=1)
    acknowledge_emoji: list[Name] = Field(default_factory=lambda: ["eyes", "white_check_mark"], min_length=1)
    """Reacting with one of these on an escalation's message acknowledges it."""
    sla: SlaRules = Field(default_factory=SlaRules)
    routes: list[Route] = Field(default_factory=list)
    default_channel: ChannelId | None = None
    """Where escalations no route matches go; without it they are refused with a clear message."""


class Source(_Strict):
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


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal[WEEKDAYS]  # type: ignore[valid-type]
LocalTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Team(_Strict):
    """A QA team: its channel gets the morning KPI post at `post_at`, local time, on `weekdays`.

    The scope narrows what the post covers (vendors AND queues AND markets; empty means all),
    each name as people type it: a config key, display name, alias, or a name in the data.
    """

    name: Name | None = None
    """How the post names the team; the key by default."""
    channel: ChannelId
    timezone: Name
    """An IANA time zone such as Asia/Manila, Europe/Dublin or America/Los_Angeles."""
    post_at: LocalTime = "09:00"
    weekdays: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    vendors: list[Name] = Field(default_factory=list)
    queues: list[Name] = Field(default_factory=list)
    markets: list[Name] = Field(default_factory=list)
    compare_by: Literal["vendor", "queue", "market"] | None = None
    """The comparison chart's parts; by default vendors when the team has several, else queues."""
    accuracy_target: Fraction | None = None
    aht_target_s: Seconds | None = None

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, name: str) -> str:
        if name not in _time_zones():
            close = difflib.get_close_matches(name, sorted(_time_zones()), n=3)
            hint = f"did you mean {' or '.join(close)}?" if close else "e.g. Asia/Manila, Europe/Dublin"
            raise ValueError(f"'{name}' is not an IANA time zone; {hint}")
        return name

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


class AlertRule(_Strict):
    """What every monitor rule may set; channel and owners fall back to [alerts]."""

    enabled: bool = True
    channel: ChannelId | None = None
    owners: list[SlackId] | None = None


class EscalationOverdueRule(AlertRule):
    """An escalation past its acknowledgement or resolution deadline ([escalations.sla])."""


WindowDays = Annotated[int, Field(ge=1, le=90)]
AuditCount = Annotated[int, Field(ge=1)]


class ScopeRule(AlertRule):
    """A rule over each vendor's or queue's audits of the last `window_days` full UTC days."""

    window_days: WindowDays = 7
    min_audits: AuditCount = 200
    scopes: list[Literal["vendor", "queue"]] = Field(default_factory=lambda: ["vendor", "queue"], min_length=1)


class AccuracyRule(ScopeRule):
    """Accuracy significantly below target: the 95% interval's upper bound under it."""


class AhtRule(ScopeRule):
    """Mean handling time above target by more than `tolerance` (a fraction)."""

    tolerance: Annotated[float, Field(ge=0, le=10)] = 0.1


class StaleDataRule(AlertRule):
    """No audits imported for longer than `max_hours`."""

    max_hours: Annotated[float, Field(gt=0)] = 26.0


ALERT_RULES = ("escalation_overdue", "accuracy", "aht", "stale_data")


class Alerts(_Strict):
    """The SLA-breach monitor. A rule runs only when it is enabled and has a channel (its own or this one)."""

    channel: ChannelId | None = None
    owners: list[SlackId] = Field(default_factory=list)
    """Mentioned when an alert stays unacknowledged: user ids (U...) or user groups (S...)."""
    check_every_min: Minutes = 5
    acknowledge_emoji: list[Name] = Field(default_factory=lambda: ["eyes", "white_check_mark"], min_length=1)
    renotify_every_min: Minutes = 30
    renotify_max: Annotated[int, Field(ge=0, le=100)] = 3
    escalation_overdue: EscalationOverdueRule = Field(default_factory=EscalationOverdueRule)
    accuracy: AccuracyRule = Field(default_factory=AccuracyRule)
    aht: AhtRule = Field(default_factory=AhtRule)
    stale_data: StaleDataRule = Field(default_factory=StaleDataRule)

    def rule(self, name: str) -> AlertRule:
        return getattr(self, name)

    def channel_for(self, name: str) -> str | None:
        return self.rule(name).channel or self.channel

    def owners_for(self, name: str) -> list[str]:
        owners = self.rule(name).owners
        return self.owners if owners is None else owners

    def active_rules(self) -> list[str]:
        """The rules the monitor checks: enabled, with somewhere to post."""
        return [name for name in ALERT_RULES if self.rule(name).enabled and self.channel_for(name)]


class Calibration(_Strict):
    """Calibration sessions (`/qa calibrate`)."""

    default_items: Annotated[int, Field(ge=1, le=200)] = 20
    max_items: Annotated[int, Field(ge=1, le=500)] = 200
    lookback_days: WindowDays = 30
    """Items are drawn from audits of this many days back."""
    remind_before_h: Annotated[float, Field(gt=0)] = 24.0
    """Participants not finished are reminded this long before the deadline."""


class Rca(_Strict):
    """Root-cause analysis (`/qa errors`)."""

    repeat_min: Annotated[int, Field(ge=2, le=1000)] = 3
    """An agent who makes the same error category this many times in a period repeats it."""


class TeamConfig(_Strict):
    defaults: Defaults = Field(default_factory=Defaults)
    access: Access = Field(default_factory=Access)
    vendors: dict[Name, Vendor] = Field(default_factory=dict)
    agents: dict[Name, Agent] = Field(default_factory=dict)
    queues: dict[Name, NamedScope] = Field(default_factory=dict)
    policies: dict[Name, NamedScope] = Field(default_factory=dict)
    sources: dict[Name, Source] = Field(default_factory=dict)
    escalations: Escalations = Field(default_factory=Escalations)
    teams: dict[Name, Team] = Field(default_factory=dict)
    alerts: Alerts = Field(default_factory=Alerts)
    calibration: Calibration = Field(default_factory=Calibration)
    rca: Rca = Field(default_factory=Rca)

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
    if error["type"] == "string_pattern_mismatch" and where.endswith("post_at"):
        return f"{origin}: {where}: '{error['input']}' is not a 24-hour local time like \"08:30\""
    if error["type"] == "string_pattern_mismatch":
        return (f"{origin}: {where}: '{error['input']}' is not a Slack user or user group id "
                "(U..., W... or S...; in Slack: profile > More > Copy member ID)")
    message = error["msg"].removeprefix("Value error, ")
    shown = error.get("input")
    got = f" (got {shown!r})" if shown is not None and not isinstance(shown, dict) else ""
    return f"{origin}: {where}: {message}{got}"
