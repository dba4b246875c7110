"""How an escalation looks in Slack: filing and the repost job post it so, and every change updates it so."""

from __future__ import annotations

from bot.escalations.rules import escalation_summary
from bot.render.escalation_blocks import escalation_blocks
from bot.slack.tracked import TrackedMessage
from bot.store.records import Escalation

ESCALATION_MESSAGE: TrackedMessage[Escalation] = TrackedMessage(text=escalation_summary, blocks=escalation_blocks)
