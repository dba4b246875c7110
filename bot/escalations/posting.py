"""Putting a stored escalation into its channel: the one way both filing and the repost job do it."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.escalations.rules import escalation_summary
from bot.render.escalation_blocks import escalation_blocks
from bot.store.db import session_scope
from bot.store.escalations import set_message
from bot.store.models import Escalation


def post_escalation(client: WebClient, *, engine: Engine, escalation: Escalation) -> dict:
    """Post it and remember where; Slack's errors propagate (the escalation stays stored, unposted)."""
    answer = client.chat_postMessage(channel=escalation.channel_id, text=escalation_summary(escalation),
                                     blocks=escalation_blocks(escalation), unfurl_links=False)
    with session_scope(engine) as session:
        set_message(session, escalation_id=escalation.id, channel_id=answer["channel"], message_ts=answer["ts"])
    return answer
