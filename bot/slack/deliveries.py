"""Recognising a delivery Slack sends again (X-Slack-Retry-Num), after ack() so it costs no latency."""

from __future__ import annotations

import logging

from bot.services import Services
from bot.store.db import session_scope
from bot.store.deliveries import first_delivery

logger = logging.getLogger(__name__)


def delivery_key(body: dict) -> str | None:
    """What identifies one delivery of a request: the event id, or the trigger id of a command or click."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


def is_repeat(services: Services, body: dict) -> bool:
    """True when this exact delivery was already handled here or on another replica."""
    key = delivery_key(body)
    if key is None:
        return False
    with session_scope(services.engine) as session:
        first = first_delivery(session, key=key, now=services.clock())
    if not first:
        logger.info("ignored a repeated delivery of %s", key)
    return not first
