"""Posting escalations that were stored but never reached Slack (the API refused or was down)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy import Engine

from bot.render.escalation_blocks import escalation_blocks
from bot.store.db import session_scope
from bot.store.escalations import set_message, unposted_escalations

logger = logging.getLogger(__name__)


def repost_unposted(*, engine: Engine, client: WebClient) -> int:
    """Try again for every unposted escalation; returns how many reached Slack. Safe to run any time."""
    with session_scope(engine) as session:
        pending = unposted_escalations(session)
    posted = 0
    for escalation in pending:
        try:
            answer = client.chat_postMessage(channel=escalation.channel_id, blocks=escalation_blocks(escalation),
                                             text=f"{escalation.readable_id}: {escalation.title}", unfurl_links=False)
        except (SlackApiError, SlackRequestError, OSError):
            logger.exception("%s still cannot be posted to %s", escalation.readable_id, escalation.channel_id)
            continue
        with session_scope(engine) as session:
            set_message(session, escalation_id=escalation.id, channel_id=answer["channel"], message_ts=answer["ts"])
        client.chat_postMessage(channel=escalation.reporter_id,
                                text=f"{escalation.readable_id} is now posted in <#{answer['channel']}>.")
        posted += 1
    return posted
