"""Telling a dispute's thread and filer that a re-audit ended it.

Re-imports run outside the bot (the terminal, a cron job), so they only mark the dispute superseded; the
bot's `dispute-supersessions` job shows it in Slack. Told once: marked after Slack took it, so a failure
is retried on the next pass rather than lost.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.disputes.posting import DISPUTE_MESSAGE
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.store.db import session_scope
from bot.store.disputes import get_audit, mark_superseded_told, untold_supersessions

logger = logging.getLogger(__name__)


def tell_supersessions(runtime: Runtime, *, now: datetime) -> str:
    with session_scope(runtime.engine) as session:
        ended = [(dispute, get_audit(session, audit_id=dispute.audit_id)) for dispute in untold_supersessions(session)]
    told = 0
    for dispute, audit in ended:
        verdict = f"*{audit.qa_decision}*" if audit is not None else "a new one"
        line = (f"superseded by a re-audit: QA's verdict on audit {dispute.audit_id} is now {verdict}, so this "
                "dispute is closed. File a new one within the window if you still disagree.")
        try:
            DISPUTE_MESSAGE.show_change(runtime.client, tracked=dispute, line=line)
            runtime.client.chat_postMessage(channel=dispute.filer_id, text=f"{dispute.readable_id}: {line}")
        except SLACK_FAILURES:
            logger.exception("could not tell %s's thread and filer that it was superseded", dispute.readable_id)
            continue
        with session_scope(runtime.engine) as session:
            mark_superseded_told(session, dispute_id=dispute.id, now=now)
        told += 1
    return f"{told} of {len(ended)} superseded dispute(s) told"
