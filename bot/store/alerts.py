"""Alerts in the store: opened once per rule and subject, changed by conditional updates.

Every change is one `UPDATE ... WHERE <still applies> RETURNING`, so two replicas, a
double click or a reaction plus a click change an alert exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from bot.store.db import upsert_insert
from bot.store.models import ImportRun
from bot.store.records import Alert, TrackedStatus

_UNRESOLVED = Alert.status != TrackedStatus.RESOLVED.value


def open_alert(session: Session, *, rule: str, subject: str, vendor: str | None, title: str, summary: str,
               breached_since: datetime, channel_id: str, now: datetime) -> Alert | None:
    """A new alert, or None when one for this rule and subject is already unresolved.

    The caller that opens it posts it (the post is claimed at once, see `claim_post`).
    """
    table = Alert.__table__
    statement = (upsert_insert(session.get_bind().dialect.name)(table)
                 .values(rule=rule, subject=subject, vendor=vendor, title=title, summary=summary,
                         breached_since=breached_since, status=TrackedStatus.OPEN.value, opened_at=now,
                         last_seen_at=now, channel_id=channel_id, reminders_sent=0, post_attempted_at=now)
                 .on_conflict_do_nothing().returning(table.c.id))
    row = session.execute(statement).first()
    return session.get(Alert, row.id) if row else None


def unresolved_alerts(session: Session) -> list[Alert]:
    """Open and acknowledged alerts, oldest first."""
    query = select(Alert).where(_UNRESOLVED).order_by(Alert.opened_at, Alert.id)
    return list(session.execute(query).scalars())


def count_unresolved_alerts(session: Session) -> dict[str, int]:
    """Alerts open and acknowledged (for /metrics): both statuses, zero when there are none."""
    counts = dict.fromkeys((TrackedStatus.OPEN.value, TrackedStatus.ACKNOWLEDGED.value), 0)
    query = select(Alert.status, func.count()).where(_UNRESOLVED).group_by(Alert.status)
    counts.update({status: count for status, count in session.execute(query)})
    return counts


def get_alert(session: Session, *, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id)


def find_alert_by_message(session: Session, *, channel_id: str, message_ts: str) -> Alert | None:
    query = select(Alert).where(Alert.channel_id == channel_id, Alert.message_ts == message_ts)
    return session.execute(query).scalars().first()


def claim_post(session: Session, *, alert_id: int, now: datetime, retry_after: timedelta) -> bool:
    """Claim posting an alert Slack has not shown yet; False while another attempt is under way or recent."""
    statement = (update(Alert)
                 .where(Alert.id == alert_id, Alert.message_ts.is_(None),
                        Alert.post_attempted_at.is_(None) | (Alert.post_attempted_at <= now - retry_after))
                 .values(post_attempted_at=now).returning(Alert.id))
    return session.execute(statement).first() is not None


def still_breached(session: Session, *, alert_id: int, summary: str, now: datetime) -> Alert | None:
    """The condition holds at `now`: keep the latest figures (for the message and `/qa alerts`)."""
    return _change(session, alert_id=alert_id, when=_UNRESOLVED, values={"summary": summary, "last_seen_at": now})


def _change(session: Session, *, alert_id: int, when, values: dict) -> Alert | None:
    statement = update(Alert).where(Alert.id == alert_id, when).values(**values).returning(Alert.id)
    if session.execute(statement).first() is None:
        return None
    alert = session.get(Alert, alert_id)
    session.refresh(alert)
    return alert


def acknowledge_alert(session: Session, *, alert_id: int, user_id: str, now: datetime) -> Alert | None:
    """Acknowledged by `user_id`, or None if it was not open (already acknowledged or resolved)."""
    return _change(session, alert_id=alert_id, when=Alert.status == TrackedStatus.OPEN.value,
                   values={"status": TrackedStatus.ACKNOWLEDGED.value, "acknowledged_at": now,
                           "acknowledged_by": user_id})


def resolve_alert(session: Session, *, alert_id: int, resolution: str, now: datetime) -> Alert | None:
    """Resolved because its condition cleared, or None if it already was."""
    return _change(session, alert_id=alert_id, when=_UNRESOLVED,
                   values={"status": TrackedStatus.RESOLVED.value, "resolved_at": now, "resolution": resolution})


def count_reminder(session: Session, *, alert_id: int, reminders_sent: int, now: datetime) -> bool:
    """Claim reminder number `reminders_sent + 1`; False if the alert moved on meanwhile."""
    statement = (update(Alert)
                 .where(Alert.id == alert_id, Alert.status == TrackedStatus.OPEN.value,
                        Alert.reminders_sent == reminders_sent)
                 .values(reminders_sent=reminders_sent + 1, last_reminded_at=now).returning(Alert.id))
    return session.execute(statement).first() is not None


def uncount_reminder(session: Session, *, alert_id: int, reminders_sent: int, last_reminded_at: datetime | None
                     ) -> None:
    """Give back a claimed reminder Slack refused, so it is sent on the next pass."""
    session.execute(update(Alert).where(Alert.id == alert_id, Alert.reminders_sent == reminders_sent + 1)
                    .values(reminders_sent=reminders_sent, last_reminded_at=last_reminded_at))


def last_import_with_audits(session: Session) -> datetime | None:
    """When the latest import that brought new or changed audits finished."""
    query = select(ImportRun.finished_at).where((ImportRun.inserted + ImportRun.updated) > 0)
    return session.execute(query.order_by(ImportRun.finished_at.desc()).limit(1)).scalar()
