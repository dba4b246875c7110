"""How a dispute looks in Slack: filing posts it so, and every change updates it so."""

from __future__ import annotations

from bot.disputes.rules import dispute_summary
from bot.render.dispute_blocks import dispute_blocks
from bot.slack.tracked import TrackedMessage
from bot.store.records import Dispute

DISPUTE_MESSAGE: TrackedMessage[Dispute] = TrackedMessage(text=dispute_summary, blocks=dispute_blocks)
