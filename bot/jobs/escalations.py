"""Posting escalations that were stored but never reached Slack (the API refused or was down)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.escalations.posting import ESCALATION_MESSAGE
from bot.slack.errors import SLACK_FAILURES
from bot.store.db import session_scope
from bot.store.escalations import unposted_escalations

logger = logging.getLogger(__name__)


def repost_unposted(*, engine: Engine, client: WebClient) -> int:
    """Try again for every unposted escalation; returns how many reached Slack. Safe to run any time."""
    with session_scope(engine) as session:
        pending = unposted_escalations(session)
    posted = 0
    for escalation in pending:
        try:
            answer = ESCALATION_MESSAGE.post(client, engine=engine, tracked=escalation)
        except SLACK_FAILURES:
            logger.exception("%s still cannot be posted to %s", escalation.readable_id, escalation.channel_id)
            continue
        client.chat_postMessage(channel=escalation.reporter_id,
                                text=f"{escalation.readable_id} is now posted in <#{answer['channel']}>.")
        posted += 1
    return posted
