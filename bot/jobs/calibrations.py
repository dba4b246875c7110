"""Calibration sessions over time: reminders before the deadline, results when everyone is done or time is up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.calibration.publishing import close_and_post, finish_closing, publish_results
from bot.calibration.results import CalibrationResults
from bot.render.calibration_blocks import invitation_blocks
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.store.calibrations import (
    calibration_items,
    claim_reminder,
    claim_results_post,
    closed_without_results,
    open_calibrations,
    participants_of,
    unfinished_count,
    unposted_results,
)
from bot.store.db import session_scope
from bot.store.records import CalibrationSession

logger = logging.getLogger(__name__)
POST_RETRY_AFTER = timedelta(minutes=5)


def remind_at(calibration: CalibrationSession, *, remind_before: timedelta) -> datetime:
    """`remind_before` the end, or halfway through a session no longer than that."""
    length = calibration.due_at - calibration.created_at
    return calibration.created_at + length / 2 if length <= remind_before else calibration.due_at - remind_before


def check_calibrations(runtime: Runtime, *, now: datetime) -> str:
    """Close sessions that are due or complete; remind the unfinished once; post results Slack refused."""
    remind_before = timedelta(hours=runtime.config.calibration.remind_before_h)
    closed = reminded = 0
    with session_scope(runtime.engine) as session:
        sessions = open_calibrations(session)
        unposted = unposted_results(session)
        interrupted = closed_without_results(session, before=now - POST_RETRY_AFTER)
    for calibration in interrupted:  # a process stopped between closing and keeping the results
        with session_scope(runtime.engine) as session:
            mine = claim_results_post(session, calibration_id=calibration.id, now=now, retry_after=POST_RETRY_AFTER)
        if mine:
            finish_closing(runtime, calibration_id=calibration.id, now=now)
    for calibration in unposted:
        with session_scope(runtime.engine) as session:
            mine = claim_results_post(session, calibration_id=calibration.id, now=now, retry_after=POST_RETRY_AFTER)
        if mine:
            publish_results(runtime, calibration=calibration, now=now, first_attempt=False,
                            results=CalibrationResults.from_json(calibration.results))
    for calibration in sessions:
        with session_scope(runtime.engine) as session:
            complete = unfinished_count(session, calibration_id=calibration.id) == 0
        if now >= calibration.due_at or complete:
            closed += close_and_post(runtime, calibration_id=calibration.id, now=now)
        elif now >= remind_at(calibration, remind_before=remind_before):
            reminded += _remind(runtime, calibration, now=now)
    return f"{closed} session(s) closed, {reminded} reminder(s) sent, {len(sessions) - closed} open"


def _remind(runtime: Runtime, calibration: CalibrationSession, *, now: datetime) -> int:
    with session_scope(runtime.engine) as session:
        if not claim_reminder(session, calibration_id=calibration.id, now=now):
            return 0
        unfinished = [p.user_id for p in participants_of(session, calibration_id=calibration.id) if p.finished_at is None]
        items = len(calibration_items(session, calibration_id=calibration.id))
    sent = 0
    for user_id in unfinished:
        try:
            runtime.client.chat_postMessage(channel=user_id, text=f"Reminder: {calibration.readable_id} closes soon",
                                            blocks=invitation_blocks(calibration, items=items, reminder=True))
            sent += 1
        except SLACK_FAILURES:
            logger.exception("could not remind %s of %s", user_id, calibration.readable_id)
    return sent
