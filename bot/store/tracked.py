"""Rows that have a Slack message of their own (escalations, alerts, disputes): where that message is."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from bot.store.records import Alert, Dispute, Escalation


def set_message(session: Session, *, table: type[Escalation] | type[Alert] | type[Dispute], row_id: int, channel_id: str,
                message_ts: str) -> None:
    session.execute(update(table).where(table.id == row_id).values(channel_id=channel_id, message_ts=message_ts))
