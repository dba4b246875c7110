"""`[alerts]`: the SLA-breach monitor and its rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bot.config_types import AuditCount, ChannelId, Minutes, Name, SlackId, Strict, WindowDays


class AlertRule(Strict):
    """What every monitor rule may set; channel and owners fall back to [alerts]."""

    enabled: bool = True
    channel: ChannelId | None = None
    owners: list[SlackId] | None = None


class EscalationOverdueRule(AlertRule):
    """An escalation past its acknowledgement or resolution deadline ([escalations.sla])."""


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


class ShiftRule(AlertRule):
    """A sustained drop in a vendor's or queue's accuracy against its own baseline (bot/spc/shift.py).

    Each check replays the last `watch_days` full UTC days through the detector, against the `baseline_days`
    before them; while a shift alert is open for the scope, its baseline stays the `baseline_days` before the
    drop's estimated start and the detector replays every day from that start on, so the alert resolves only when
    the detector comes back down against the accuracy before the drop. The defaults are the setting chosen by
    measurement (bench/alerts.py; README "Shift alerts, measured"); `shift_points` and `arl0_days` tune the CUSUM,
    `ewma_lambda` and `ewma_width` the EWMA, `rules` the Western Electric rules.
    """

    method: Literal["cusum", "ewma", "western_electric"] = "cusum"
    baseline_days: Annotated[int, Field(ge=14, le=365)] = 56
    watch_days: Annotated[int, Field(ge=7, le=90)] = 28
    min_audits: AuditCount = 5600
    """In the baseline: fewer give no alert. 5,600 is about 100 audits a day over the default 8 weeks: under
    that the default CUSUM pages on stable scopes more than once per 100 vendor-weeks (1.1 to 1.3 at 4 to 50 a
    day; bench/alerts.py, `by_low_volume`). Set it lower to watch smaller scopes knowing that."""
    scopes: list[Literal["vendor", "queue"]] = Field(default_factory=lambda: ["vendor", "queue"], min_length=1)
    shift_points: Annotated[float, Field(gt=0, le=50)] = 3.0
    arl0_days: Annotated[float, Field(ge=30, le=100_000)] = 1500.0
    """The CUSUM's in-control average run length, in days, its threshold is computed for: the days between
    false alerts on a stable scope whose days vary binomially. Real baselines vary more from day to day and the
    limits allow for it only as far as 8 weeks can estimate it, so false alerts come more often: about every 860
    days at 1,500 (0.81 per 100 vendor-weeks at 500 audits a day, measured in bench/alerts.py)."""
    ewma_lambda: Annotated[float, Field(gt=0, le=1)] = 0.2
    ewma_width: Annotated[float, Field(gt=0, le=10)] = 3.5
    rules: list[Literal[1, 2, 3, 4]] = Field(default_factory=lambda: [1, 2, 3, 4], min_length=1)
    dispersion: bool = True
    """Widen the limits by the baseline's day-to-day variation beyond binomial (CUSUM and EWMA)."""


class StaleDataRule(AlertRule):
    """No audits imported for longer than `max_hours`."""

    max_hours: Annotated[float, Field(gt=0)] = 26.0


class DisputeOverdueRule(AlertRule):
    """A dispute not decided within [disputes].decide_within_h."""


ALERT_RULES = ("escalation_overdue", "dispute_overdue", "accuracy", "shift", "aht", "stale_data")


class Alerts(Strict):
    """The SLA-breach monitor. A rule runs only when it is enabled and has a channel (its own or this one)."""

    channel: ChannelId | None = None
    owners: list[SlackId] = Field(default_factory=list)
    """Mentioned when an alert stays unacknowledged: user ids (U...) or user groups (S...)."""
    check_every_min: Minutes = 5
    acknowledge_emoji: list[Name] = Field(default_factory=lambda: ["eyes", "white_check_mark"], min_length=1)
    renotify_every_min: Minutes = 30
    renotify_max: Annotated[int, Field(ge=0, le=100)] = 3
    escalation_overdue: EscalationOverdueRule = Field(default_factory=EscalationOverdueRule)
    dispute_overdue: DisputeOverdueRule = Field(default_factory=DisputeOverdueRule)
    accuracy: AccuracyRule = Field(default_factory=AccuracyRule)
    shift: ShiftRule = Field(default_factory=ShiftRule)
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
