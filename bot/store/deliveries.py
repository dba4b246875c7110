"""Remembering which Slack deliveries were handled (idempotency across retries and replicas)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from bot.store.db import upsert_insert
from bot.store.models import SlackDelivery

KEEP = timedelta(days=2)


def first_delivery(session: Session, *, key: str, now: datetime) -> bool:
    """True the first time `key` is seen; False for every repeat, whichever replica saw it first."""
    insert = upsert_insert(session.get_bind().dialect.name)
    table = SlackDelivery.__table__
    statement = insert(table).values(key=key, received_at=now).on_conflict_do_nothing().returning(table.c.key)
    return session.execute(statement).first() is not None


def forget_old_deliveries(session: Session, *, now: datetime) -> int:
    """Slack retries within minutes; keys older than two days only take space."""
    return session.execute(delete(SlackDelivery).where(SlackDelivery.received_at < now - KEEP)).rowcount
