"""The monitor's rules: from figures to breaches. Pure: the job hands in data and the clock.

Each breach names its rule and subject; the job keeps one alert per (rule, subject)
and resolves it when the breach is no longer reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from bot.alerts.config import AccuracyRule, AhtRule, ShiftRule, StaleDataRule
from bot.disputes.rules import dispute_summary
from bot.escalations.rules import escalation_summary
from bot.kpi.scorecard import Counts, Targets, wilson
from bot.spc.limits import Baseline, Rule, fit_baseline, span
from bot.spc.shift import CusumParams, EwmaParams, ShiftParams, WesternElectricParams, detect_shifts
from bot.store.records import Dispute, DisputeStatus, Escalation
from bot.wording import duration, interval, percent, seconds, slack_time

ESCALATION_OVERDUE, ACCURACY, AHT, STALE_DATA = "escalation_overdue", "accuracy", "aht", "stale_data"
SHIFT = "shift"
DISPUTE_OVERDUE = "dispute_overdue"
_STEPS = {"acknowledgement": "acknowledge", "resolution": "resolve"}


@dataclass(frozen=True)
class Breach:
    rule: str
    subject: str
    """Stable across runs for the same condition: 'vendor:Acme BPO', 'ESC-12:acknowledge', 'imports'."""
    title: str
    summary: str
    """What breached and by how much, in Slack mrkdwn."""
    since: datetime
    vendor: str | None = None
    days: ScopeDays | None = None
    """For a shift: the scope's days, baseline then watched, for a chart of the days around it."""


@dataclass(frozen=True)
class ScopeFigures:
    """One vendor's or queue's counts over the rule's window, with the name people know it by."""

    kind: str
    value: str
    """As in the data (the alert's subject)."""
    label: str
    targets: Targets
    counts: Counts


def overdue_escalations(escalations: Iterable[Escalation], *, now: datetime) -> list[Breach]:
    """Escalations past the deadline they are waiting on: acknowledgement while open, then resolution."""
    breaches = []
    for escalation in escalations:
        waiting = escalation.waiting_on()
        if waiting is None or now <= waiting[1]:
            continue
        what, due = waiting
        breaches.append(Breach(
            rule=ESCALATION_OVERDUE, subject=f"{escalation.readable_id}:{_STEPS[what]}",
            title=f"{escalation.readable_id} {what} overdue",
            summary=(f"*{escalation_summary(escalation)}*\n{what.capitalize()} is {duration(now - due)} past its "
                     f"{escalation.severity} deadline ({slack_time(due)})."
                     + (f" Assigned to <@{escalation.assignee_id}>." if escalation.assignee_id else "")),
            since=due, vendor=escalation.vendor,
        ))
    return breaches


def overdue_disputes(disputes: Iterable[Dispute], *, now: datetime) -> list[Breach]:
    """Open disputes past [disputes].decide_within_h."""
    return [Breach(
        rule=DISPUTE_OVERDUE, subject=dispute.readable_id, title=f"{dispute.readable_id} decision overdue",
        summary=(f"*{dispute_summary(dispute)}*\nThe decision is {duration(now - dispute.decide_due_at)} past its "
                 f"deadline ({slack_time(dispute.decide_due_at)})."
                 + (f" Taken by <@{dispute.assignee_id}>." if dispute.assignee_id else " Nobody has taken it.")),
        since=dispute.decide_due_at, vendor=dispute.vendor,
    ) for dispute in disputes if dispute.status == DisputeStatus.OPEN.value and now > dispute.decide_due_at]


def accuracy_breaches(figures: Iterable[ScopeFigures], *, rule: AccuracyRule, now: datetime) -> list[Breach]:
    """Scopes whose accuracy interval lies wholly under target, on at least `min_audits` audits."""
    breaches = []
    for scope in figures:
        accuracy = wilson(scope.counts.correct, scope.counts.audits)
        if accuracy is None or scope.counts.audits < rule.min_audits or accuracy.high >= scope.targets.accuracy:
            continue
        short = (scope.targets.accuracy - accuracy.value) * 100
        breaches.append(Breach(
            rule=ACCURACY, subject=f"{scope.kind}:{scope.value}",
            title=f"{scope.label} accuracy below target",
            summary=(f"*{scope.label}* ({scope.kind}): accuracy {interval(accuracy)} over the last "
                     f"{rule.window_days} full days, {short:.1f} points under its {percent(scope.targets.accuracy)} "
                     f"target ({scope.counts.audits:,} audits; even the interval's top is under target)."),
            since=now, vendor=scope.value if scope.kind == "vendor" else None,
        ))
    return breaches


@dataclass(frozen=True)
class ScopeDays:
    """One vendor's or queue's daily counts over a shift rule's baseline days and then its watched days.

    The watched days are the last `watch_days`, or, while a shift alert is open for the scope, every day from the
    alert's start on: its baseline stays the `baseline_days` before the drop.
    """

    kind: str
    value: str
    label: str
    days: tuple[date, ...]
    """Every day, none missing: a day without audits counts 0."""
    audits: tuple[int, ...]
    correct: tuple[int, ...]
    target: float | None = None
    """Its accuracy target, for the chart of a shift (None: no chart)."""


def shift_params(rule: ShiftRule) -> ShiftParams:
    """The detector [alerts.shift] configures."""
    if rule.method == "cusum":
        return CusumParams(shift=rule.shift_points / 100, arl0_days=rule.arl0_days, dispersion=rule.dispersion)
    if rule.method == "ewma":
        return EwmaParams(lam=rule.ewma_lambda, width=rule.ewma_width, dispersion=rule.dispersion)
    return WesternElectricParams(rules=tuple(Rule(number) for number in sorted(set(rule.rules))))


def shift_breaches(scopes: Sequence[ScopeDays], *, rule: ShiftRule) -> list[Breach]:
    """Scopes whose accuracy has dropped against their own baseline, by the configured detector.

    Each scope's first `baseline_days` are its baseline and the rest are watched (see `ScopeDays`). The detector
    runs over the watched days from scratch on every check, so the answer depends only on the data; an alarm that
    resolved within those days has restarted the detector. Scopes that share their days (all those without an open
    alert) go through the detector together, the others in groups by their first day. Scopes whose baseline gives
    no limits, or has fewer than `min_audits`, are skipped.
    """
    by_window: dict[tuple[date, date], list[tuple[ScopeDays, Baseline]]] = {}
    for scope in scopes:
        audits = np.array(scope.audits[:rule.baseline_days])
        errors = audits - np.array(scope.correct[:rule.baseline_days])
        baseline = fit_baseline(audits=audits, successes=errors)
        if baseline is not None and baseline.audits >= rule.min_audits and len(scope.days) > rule.baseline_days:
            by_window.setdefault((scope.days[0], scope.days[-1]), []).append((scope, baseline))
    breaches = []
    for watched in by_window.values():
        breaches += _window_breaches(watched, rule=rule)
    return breaches


def _window_breaches(watched: list[tuple[ScopeDays, Baseline]], *, rule: ShiftRule) -> list[Breach]:
    """`shift_breaches` for scopes over the same days."""
    days = watched[0][0].days[rule.baseline_days:]
    audits = np.array([scope.audits[rule.baseline_days:] for scope, _ in watched])
    errors = audits - np.array([scope.correct[rule.baseline_days:] for scope, _ in watched])
    shifts = detect_shifts(shift_params(rule), baselines=[baseline for _, baseline in watched], days=days,
                           audits=audits, errors=errors)
    breaches = []
    for (scope, baseline), shift, scope_audits, scope_errors in zip(watched, shifts, audits, errors, strict=True):
        if shift is None:
            continue
        since = days.index(shift.started)
        recent = int(scope_audits[since:].sum())
        accuracy = wilson(recent - int(scope_errors[since:].sum()), recent)
        before = scope.days[:rule.baseline_days]
        breaches.append(Breach(
            rule=SHIFT, subject=f"{scope.kind}:{scope.value}",
            title=f"{scope.label} accuracy dropped",
            summary=(f"*{scope.label}* ({scope.kind}): accuracy dropped to {interval(accuracy) if accuracy else 'n/a'} "
                     f"from {span(shift.started, shift.started)} on (the estimated start; {recent:,} audits), against "
                     f"{percent(1 - baseline.centre)} over its baseline ({span(before[0], before[-1])}, "
                     f"{baseline.audits:,} audits). {shift.fired}."),
            since=datetime.combine(shift.started, time.min, tzinfo=UTC),
            vendor=scope.value if scope.kind == "vendor" else None, days=scope,
        ))
    return breaches


def aht_breaches(figures: Iterable[ScopeFigures], *, rule: AhtRule, now: datetime) -> list[Breach]:
    """Scopes whose mean handling time is over target by more than the tolerance, on enough timed audits."""
    breaches = []
    for scope in figures:
        timed = scope.counts.timed
        if timed < rule.min_audits:
            continue
        mean = scope.counts.handle_time_sum / timed
        if mean <= scope.targets.aht_s * (1 + rule.tolerance):
            continue
        over = mean / scope.targets.aht_s - 1
        breaches.append(Breach(
            rule=AHT, subject=f"{scope.kind}:{scope.value}",
            title=f"{scope.label} handling time above target",
            summary=(f"*{scope.label}* ({scope.kind}): mean handling time {seconds(mean)} over the last "
                     f"{rule.window_days} full days, {percent(over, 0)} above its {seconds(scope.targets.aht_s)} target "
                     f"({timed:,} timed audits; tolerance {percent(rule.tolerance, 0)})."),
            since=now, vendor=scope.value if scope.kind == "vendor" else None,
        ))
    return breaches


def stale_data(last_import: datetime | None, *, rule: StaleDataRule, now: datetime) -> list[Breach]:
    """No import brought audits for longer than `max_hours` (or none ever did)."""
    if last_import is None:
        return [Breach(rule=STALE_DATA, subject="imports", title="No audits imported yet",
                       summary="No import has brought any audits yet. Run `qabot import FILE` (see the README).",
                       since=now)]
    limit = timedelta(hours=rule.max_hours)
    if now - last_import <= limit:
        return []
    return [Breach(rule=STALE_DATA, subject="imports", title="No new audits",
                   summary=(f"The last import with new or changed audits finished {slack_time(last_import)}, "
                            f"{duration(now - last_import)} ago; the limit is {duration(limit)}. "
                            "Check the export and the import job."),
                   since=last_import + limit)]


def cleared(rule: str, subject: str) -> str:
    """Why an alert's condition no longer holds, for its resolved message."""
    if rule == DISPUTE_OVERDUE:
        return f"{subject} was decided."
    if rule == ESCALATION_OVERDUE:
        escalation, step = subject.split(":")
        return f"{escalation} was {'acknowledged or resolved' if step == 'acknowledge' else 'resolved'}."
    return {
        ACCURACY: "accuracy is no longer significantly below target over the window (or too few audits to say).",
        SHIFT: ("the drop in accuracy is over: the shift detector came back down, against the baseline before the "
                "drop (or too few audits to say)."),
        AHT: "mean handling time is back within the target's tolerance (or too few timed audits to say).",
        STALE_DATA: "new audits were imported.",
    }[rule]
