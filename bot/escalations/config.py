"""`[escalations]`: categories, root causes, SLA clocks per severity, and where each escalation is posted."""

from __future__ import annotations

from pydantic import Field

from bot.config_types import ChannelId, Minutes, Name, Strict

SEVERITIES = ("P0", "P1", "P2", "P3")
DEFAULT_ROOT_CAUSES = (
    "policy gap", "policy misapplied", "training gap", "tooling defect", "capacity / backlog", "vendor process",
    "not an error",
)
DEFAULT_ESCALATION_CATEGORIES = (
    "missed violation", "wrong enforcement", "IP rights complaint", "policy unclear",
    "tool or system issue", "vendor SLA",
)


class SlaRule(Strict):
    """How long an escalation of one severity may wait for acknowledgement and for resolution."""

    acknowledge_min: Minutes
    resolve_min: Minutes


class SlaRules(Strict):
    P0: SlaRule = SlaRule(acknowledge_min=15, resolve_min=4 * 60)
    P1: SlaRule = SlaRule(acknowledge_min=60, resolve_min=24 * 60)
    P2: SlaRule = SlaRule(acknowledge_min=4 * 60, resolve_min=3 * 24 * 60)
    P3: SlaRule = SlaRule(acknowledge_min=24 * 60, resolve_min=7 * 24 * 60)


class Route(Strict):
    """Escalations matching any listed vendor, queue or category go to `channel` (first match wins)."""

    channel: ChannelId
    vendors: list[Name] = Field(default_factory=list)
    queues: list[Name] = Field(default_factory=list)
    categories: list[Name] = Field(default_factory=list)


class Escalations(Strict):
    categories: list[Name] = Field(default_factory=lambda: list(DEFAULT_ESCALATION_CATEGORIES), min_length=1)
    root_causes: list[Name] = Field(default_factory=lambda: list(DEFAULT_ROOT_CAUSES), min_length=1)
    acknowledge_emoji: list[Name] = Field(default_factory=lambda: ["eyes", "white_check_mark"], min_length=1)
    """Reacting with one of these on an escalation's message acknowledges it."""
    sla: SlaRules = Field(default_factory=SlaRules)
    routes: list[Route] = Field(default_factory=list)
    default_channel: ChannelId | None = None
    """Where escalations no route matches go; without it they are refused with a clear message."""
