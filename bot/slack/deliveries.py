"""Events Slack delivers again (X-Slack-Retry-Num) are handled once, on every replica.

Slack retries Events API deliveries it thinks were not acknowledged; it does not retry
slash commands or clicks. Each event id is recorded in the database on first sight;
a repeat is acknowledged and dropped.
"""

from __future__ import annotations

import logging

from slack_bolt import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.store.db import session_scope
from bot.store.deliveries import first_delivery

logger = logging.getLogger(__name__)


def once_per_event(body: dict, runtime: Runtime, next):  # noqa: A002  (Bolt's name for the chain)
    """Global middleware: acknowledge a repeated event without handling it again."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if event_id:
        try:
            with session_scope(runtime.engine) as session:
                first = first_delivery(session, key=f"event:{event_id}", now=runtime.clock())
        except SQLAlchemyError:  # the database is down: Slack still gets its 200; the listener says what failed
            logger.exception("could not record the delivery of event %s; handling it anyway", event_id)
            first = True
        if not first:
            logger.info("ignored a repeated delivery of event %s", event_id)
            return BoltResponse(status=200, body="")
    return next()
