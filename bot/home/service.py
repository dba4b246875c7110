"""The figures of a person's Home tab, narrowed to what they may see (bot/slack/access.py).

QA staff get every vendor's week, open alerts, overdue escalations and the calibrations waiting for
them; a vendor's members get their vendor's week, their own escalations, their vendor's open disputes
and coaching coming due; anyone else gets nothing from the database. Returns figures and records;
bot/render/home_blocks.py words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.config import TeamConfig
from bot.kpi.periods import Period
from bot.kpi.scopes import named, targets_for
from bot.kpi.scorecard import (
    AhtStatus,
    Change,
    Counts,
    Estimate,
    Status,
    accuracy_change,
    accuracy_status,
    aht_status,
    wilson,
)
from bot.slack.access import Viewer
from bot.store.alerts import unresolved_alerts
from bot.store.calibrations import open_calibrations, participants_of
from bot.store.coaching import list_coaching
from bot.store.disputes import list_disputes
from bot.store.escalations import list_escalations
from bot.store.kpi import counts_by, distinct_values
from bot.store.records import (
    Alert,
    CalibrationSession,
    CoachingRecord,
    CoachingStatus,
    Dispute,
    DisputeStatus,
    Escalation,
)

WEEK_DAYS = 7
#: Coaching whose follow-up falls within this many days counts as due.
COACHING_DUE_WITHIN = timedelta(days=7)
#: Worst first: a vendor significantly below target before one merely below, and so on.
STATUS_ORDER = (Status.SIGNIFICANTLY_BELOW, Status.BELOW, Status.MEETS, Status.NO_DATA)


class Audience(StrEnum):
    QA_STAFF = "qa staff"
    VENDOR = "vendor"
    OUTSIDER = "outsider"


@dataclass(frozen=True)
class VendorWeek:
    """One vendor over the last full week, against its targets and the week before."""

    label: str
    counts: Counts
    accuracy: Estimate | None
    accuracy_target: float
    status: Status
    change: Change | None
    aht_mean_s: float | None
    aht_target_s: float
    aht_status: AhtStatus


@dataclass(frozen=True)
class Home:
    audience: Audience
    week: Period
    now: datetime
    vendors: list[VendorWeek] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    overdue_escalations: list[Escalation] = field(default_factory=list)
    calibrations: list[CalibrationSession] = field(default_factory=list)
    """Open sessions the person takes part in and has not finished judging."""
    own_escalations: list[Escalation] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    coaching_due: list[CoachingRecord] = field(default_factory=list)
    qa_staff: list[str] = field(default_factory=list)
    """Whom an outsider asks for access: the config's QA staff (users and user groups)."""


def last_full_week(now: datetime) -> Period:
    """The seven full UTC days before today: a week whose figures no longer move during the day."""
    yesterday = now.astimezone(UTC).date() - timedelta(days=1)
    return Period(yesterday - timedelta(days=WEEK_DAYS - 1), yesterday)


def home_for(session: Session, *, config: TeamConfig, viewer: Viewer, now: datetime) -> Home:
    """Everything `viewer`'s Home tab shows at `now`."""
    week = last_full_week(now)
    if viewer.qa_staff:
        return Home(Audience.QA_STAFF, week, now,
                    vendors=vendor_weeks(session, config=config, week=week),
                    alerts=unresolved_alerts(session),
                    overdue_escalations=[escalation for escalation in list_escalations(session, limit=None)
                                         if _overdue(escalation, now)],
                    calibrations=waiting_calibrations(session, user_id=viewer.user_id))
    if viewer.vendors:
        stored = [value for value in distinct_values(session, column="vendor") if viewer.works_for(value)]
        stored += [name for key in viewer.vendors for name in _configured_names(config, key)]
        return Home(Audience.VENDOR, week, now,
                    vendors=vendor_weeks(session, config=config, week=week, only=viewer.vendor_spellings),
                    own_escalations=[escalation for escalation in list_escalations(
                        session, involving=viewer.user_id, limit=None)  # none naming another vendor
                        if escalation.vendor is None or viewer.works_for(escalation.vendor)],
                    disputes=list_disputes(session, statuses=[DisputeStatus.OPEN.value], vendors=stored, limit=None),
                    coaching_due=list_coaching(session, vendors=stored, statuses=[CoachingStatus.OPEN.value],
                                               due_by=now.astimezone(UTC).date() + COACHING_DUE_WITHIN))
    return Home(Audience.OUTSIDER, week, now, qa_staff=list(config.access.qa_staff))


def vendor_weeks(session: Session, *, config: TeamConfig, week: Period,
                 only: frozenset[str] | None = None) -> list[VendorWeek]:
    """Every vendor (or those spelt as in `only`) over `week`, worst first; two sums over the roll-ups.

    Values in the data that one config entry names (its name, key, aliases) count as one vendor; configured
    vendors without audits are listed with no data."""
    now_counts = _by_vendor(session, config=config, week=week, only=only)
    before_counts = _by_vendor(session, config=config, week=week.previous(), only=only)
    for key, vendor in config.vendors.items():
        if only is None or key.casefold() in only:
            now_counts.setdefault(vendor.display_name(key), Counts())
    weeks = [_vendor_week(config, label, counts, before_counts.get(label)) for label, counts in now_counts.items()]
    return sorted(weeks, key=_worst_first)


def waiting_calibrations(session: Session, *, user_id: str) -> list[CalibrationSession]:
    """Open sessions `user_id` was invited to and has not finished judging."""
    return [calibration for calibration in open_calibrations(session)
            if any(p.user_id == user_id and p.finished_at is None
                   for p in participants_of(session, calibration_id=calibration.id))]


def _by_vendor(session: Session, *, config: TeamConfig, week: Period, only: frozenset[str] | None
               ) -> dict[str, Counts]:
    totals: dict[str, Counts] = {}
    for value, counts in counts_by(session, scope={}, column="vendor", first_day=week.first_day,
                                   last_day=week.last_day):
        if only is None or value.casefold() in only:
            label = named("vendor", value, config=config).label
            totals[label] = totals.get(label, Counts()) + counts
    return totals


def _vendor_week(config: TeamConfig, label: str, counts: Counts, before: Counts | None) -> VendorWeek:
    targets = targets_for(named("vendor", label, config=config), config=config)
    accuracy = wilson(counts.correct, counts.audits)
    aht = counts.handle_time_sum / counts.timed if counts.timed else None
    return VendorWeek(
        label=label, counts=counts, accuracy=accuracy, accuracy_target=targets.accuracy,
        status=accuracy_status(accuracy, targets.accuracy),
        change=accuracy_change(accuracy, wilson(before.correct, before.audits) if before else None),
        aht_mean_s=aht, aht_target_s=targets.aht_s,
        aht_status=aht_status(aht, target_s=targets.aht_s))


def _worst_first(week: VendorWeek) -> tuple:
    gap = week.accuracy.value - week.accuracy_target if week.accuracy else 0.0
    return STATUS_ORDER.index(week.status), gap, week.label


def _configured_names(config: TeamConfig, key: str) -> list[str]:
    """The ways the config writes a vendor: records typed in Slack may carry any of them."""
    vendor = config.vendors[key]
    return [key, vendor.display_name(key), *vendor.aliases]


def _overdue(escalation: Escalation, now: datetime) -> bool:
    waiting = escalation.waiting_on()
    return waiting is not None and now > waiting[1]
