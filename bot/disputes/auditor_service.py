"""QA's own quality, for Slack (`/qa auditor ID [period]`, `/qa auditors [period]`): QA staff only, never vendors."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from bot.calibration.results import CalibrationResults
from bot.disputes.auditors import AuditorFigures, auditor_figures, ranked
from bot.errors import QabotError
from bot.kpi.periods import Period, parse_period
from bot.kpi.scopes import suggest
from bot.runtime import Runtime
from bot.slack.access import Viewer, require
from bot.slack.command_text import parse_qa_text
from bot.store.calibrations import recent_calibrations
from bot.store.db import session_scope
from bot.store.disputes import auditor_vendor_counts, disputes_against

CALIBRATIONS_READ = 200
ONLY_QA = "Auditors' figures are for QA staff only."


def auditor_view(runtime: Runtime, *, viewer: Viewer, text: str) -> tuple[AuditorFigures, Period]:
    """One auditor's figures over the period (QabotError naming the closest auditor ids for an unknown one)."""
    require(viewer.qa_staff, viewer, f"auditor {text}".strip(), ONLY_QA)
    request = parse_qa_text(f"auditor {text}")
    if not request.name:
        raise QabotError("Say which auditor: `/qa auditor AUDITOR_ID [period]` (the audits' auditor_id).")
    period = parse_period(request.period_text, now=runtime.clock())
    with session_scope(runtime.engine) as session:
        counts = auditor_vendor_counts(session, first_day=period.first_day, last_day=period.last_day,
                                       auditor_id=request.name)
        disputes = disputes_against(session, first_day=period.first_day, last_day=period.last_day,
                                    auditor_id=request.name)
        if not counts and not disputes:
            known = {auditor for auditor, *_ in auditor_vendor_counts(
                session, first_day=period.first_day - timedelta(days=90), last_day=period.last_day)}
            close = suggest(request.name, {auditor: auditor for auditor in known})
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QabotError(f"No audits by auditor '{request.name}' {period.describe()}.{hint}")
        calibration = _calibration(session, runtime, request.name, period)
    return auditor_figures(request.name, by_vendor=[(vendor, audits, wrong) for _, vendor, audits, wrong in counts],
                           disputes=disputes, target=runtime.config.disputes.auditor_overturn_target,
                           calibration=calibration), period


def auditors_view(runtime: Runtime, *, viewer: Viewer, text: str) -> tuple[list[AuditorFigures], Period]:
    """Every auditor of the period, highest overturn rate first."""
    require(viewer.qa_staff, viewer, "auditors", ONLY_QA)
    period = parse_period(text.strip() or "30d", now=runtime.clock())
    with session_scope(runtime.engine) as session:
        counts: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for auditor, vendor, audits, wrong in auditor_vendor_counts(session, first_day=period.first_day,
                                                                    last_day=period.last_day):
            counts[auditor].append((vendor, audits, wrong))
        disputes = defaultdict(list)
        for dispute in disputes_against(session, first_day=period.first_day, last_day=period.last_day):
            disputes[dispute.auditor_id].append(dispute)
    target = runtime.config.disputes.auditor_overturn_target
    return ranked(auditor_figures(auditor, by_vendor=counts.get(auditor, []), disputes=disputes.get(auditor, []),
                                  target=target) for auditor in set(counts) | set(disputes)), period


def _calibration(session: Session, runtime: Runtime, auditor_id: str, period: Period) -> tuple[int, int] | None:
    """(judged, agreed) in the calibration sessions closed in the period, for an auditor linked to a Slack user."""
    linked = runtime.config.auditors.get(auditor_id)
    if linked is None:
        return None
    start = datetime.combine(period.first_day, time.min, tzinfo=UTC)
    end = start + timedelta(days=period.days)
    judged = agreed = 0
    for calibration in recent_calibrations(session, limit=CALIBRATIONS_READ):
        if calibration.results and calibration.closed_at and start <= calibration.closed_at < end:
            for person in CalibrationResults.from_json(calibration.results).by_participant:
                if person.participant == linked.slack_user:
                    judged, agreed = judged + person.judged, agreed + person.agreed
    return (judged, agreed) if judged else None
