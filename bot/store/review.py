"""Reading a business review's records: the escalations, alerts and calibration sessions of a period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.store.records import Alert, CalibrationSession, Escalation


def escalations_filed(session: Session, *, start: datetime, end: datetime) -> list[Escalation]:
    """Escalations filed in [start, end), oldest first."""
    query = select(Escalation).where(Escalation.created_at >= start, Escalation.created_at < end)
    return list(session.execute(query.order_by(Escalation.created_at, Escalation.id)).scalars())


def alerts_opened(session: Session, *, start: datetime, end: datetime) -> list[Alert]:
    """Alerts opened in [start, end), oldest first."""
    query = select(Alert).where(Alert.opened_at >= start, Alert.opened_at < end)
    return list(session.execute(query.order_by(Alert.opened_at, Alert.id)).scalars())


def calibrations_closed(session: Session, *, start: datetime, end: datetime) -> list[CalibrationSession]:
    """Calibration sessions closed in [start, end) with their results kept, oldest first."""
    query = select(CalibrationSession).where(CalibrationSession.closed_at >= start, CalibrationSession.closed_at < end,
                                             CalibrationSession.results.is_not(None))
    return list(session.execute(query.order_by(CalibrationSession.closed_at, CalibrationSession.id)).scalars())
