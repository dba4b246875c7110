"""Who you can be in the sandbox, and its channels: the demo's people, plus someone in no access list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import TeamConfig
from bot.demo.disputes import DEMO_ACME_LEAD
from bot.demo.scenario import (
    DEMO_CALIBRATION_CHANNEL,
    DEMO_PARTICIPANTS,
    DEMO_USER,
    demo_config,
    with_demo_channels,
)

SANDBOX_OUTSIDER = "USANDBOXOUT"
SANDBOX_ESCALATION_CHANNEL = "C0DEMOESC"


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    role: str


PEOPLE = (
    Person(DEMO_USER, "Quinn (QA lead)", "QA lead: sees every scope"),
    Person(DEMO_ACME_LEAD, "Ada (Acme BPO lead)", "vendor member: sees Acme BPO only"),
    *(Person(user_id, name, "QA reviewer: calibration participant") for user_id, name in DEMO_PARTICIPANTS.items()),
    Person(SANDBOX_OUTSIDER, "Olly (outsider)", "in no access list: refused"),
)


def sandbox_config(config: TeamConfig) -> TeamConfig:
    """The demo's config: its people, a team with a morning post, alert and escalation channels when unset."""
    config = with_demo_channels(demo_config(config))
    if config.escalations.default_channel is None:
        config = config.model_copy(update={"escalations": config.escalations.model_copy(
            update={"default_channel": SANDBOX_ESCALATION_CHANNEL})})
    return config


def configured_channels(config: TeamConfig) -> dict[str, str]:
    """Channel id -> name, for every channel the config posts to (the page lists these, then DMs)."""
    channels: dict[str, str] = {}
    for key, team in config.teams.items():
        channels[team.channel] = f"{key}-team"
    escalations = config.escalations
    if escalations.default_channel:
        channels[escalations.default_channel] = "escalations"
    for number, route in enumerate(escalations.routes, start=1):
        channels.setdefault(route.channel, f"escalations-{number}")
    if config.alerts.channel:
        channels[config.alerts.channel] = "qa-alerts"
    channels.setdefault(DEMO_CALIBRATION_CHANNEL, "calibration")
    if config.disputes.channel:
        channels.setdefault(config.disputes.channel, "disputes")
    return channels
