"""Calibration sessions over time: reminders before the deadline, results when everyone is done or time is up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.calibration.results import CalibrationResults, build_results
from bot.jobs.context import JobContext
from bot.render.calibration_blocks import invitation_blocks, results_blocks
from bot.render.chart_processes import draw_here
from bot.render.charts import participant_chart
from bot.slack.errors import SLACK_FAILURES
from bot.slack.files import upload_png
from bot.store.calibrations import (
    calibration_items,
    claim_close,
    claim_reminder,
    claim_results_post,
    closed_without_results,
    comments_by_item,
    get_calibration,
    keep_chart,
    open_calibrations,
    participants_of,
    results_settled,
    save_results,
    unfinished_count,
    unposted_results,
    verdicts_by_item,
)
from bot.store.db import session_scope
from bot.store.models import CalibrationSession

logger = logging.getLogger(__name__)
POST_RETRY_AFTER = timedelta(minutes=5)
CHANNEL_GONE = {"channel_not_found", "is_archived"}


def close_and_post(engine: Engine, client: WebClient, *, session_id: int, now: datetime,
                   draw: Callable[..., bytes] = draw_here) -> bool:
    """Close the session to new verdicts, work out and keep the results, post them; False if it was closed."""
    with session_scope(engine) as session:
        if not claim_close(session, session_id=session_id, now=now):
            return False
    finish_closing(engine, client, session_id=session_id, now=now, draw=draw)
    return True


def finish_closing(engine: Engine, client: WebClient, *, session_id: int, now: datetime,
                   draw: Callable[..., bytes] = draw_here) -> None:
    """Work out and keep a closed session's results, then post them (again safe after a crash in between)."""
    with session_scope(engine) as session:  # after the close committed: no verdict can still arrive
        calibration = get_calibration(session, session_id=session_id)
        items = calibration_items(session, session_id=session_id)
        people = participants_of(session, session_id=session_id)
        results = build_results(
            item_ids={item.position: item.item_id for item in items},
            verdicts=verdicts_by_item(session, session_id=session_id),
            participants=[person.user_id for person in people],
            finished=sum(person.finished_at is not None for person in people),
            expert=calibration.expert_id, labels=calibration.label_list, seed=calibration.seed,
            comments=comments_by_item(session, session_id=session_id))
        save_results(session, session_id=session_id, results=results.to_json())
    publish_results(engine, client, calibration=calibration, results=results, now=now, first_attempt=True, draw=draw)


def publish_results(engine: Engine, client: WebClient, *, calibration: CalibrationSession,
                    results: CalibrationResults, now: datetime, first_attempt: bool,
                    draw: Callable[..., bytes] = draw_here) -> bool:
    """Post the results with their chart to the session's channel. If Slack refuses, tell the requester (once)
    and leave it to the job's next pass; a channel that is gone for good ends the attempts."""
    chart_id = calibration.results_chart_file_id or results_chart(client, calibration, results, draw=draw)
    if chart_id and not calibration.results_chart_file_id:
        with session_scope(engine) as session:
            keep_chart(session, session_id=calibration.id, chart_file_id=chart_id)
        calibration.results_chart_file_id = chart_id
    try:
        client.chat_postMessage(channel=calibration.results_channel, text=f"{calibration.readable_id} results",
                                unfurl_links=False, blocks=results_blocks(calibration, results, chart_file_id=chart_id))
    except SLACK_FAILURES as error:
        logger.exception("the results of %s could not be posted to %s", calibration.readable_id,
                         calibration.results_channel)
        gone = isinstance(error, SlackApiError) and error.response.get("error") in CHANNEL_GONE
        if gone:
            with session_scope(engine) as session:
                results_settled(session, session_id=calibration.id, now=now)
        if first_attempt or gone:
            _tell_requester(client, calibration, (
                f"{calibration.readable_id} is closed, but <#{calibration.results_channel}> no longer takes posts, so "
                f"its results are not posted. `/qa calibration {calibration.id}` shows them." if gone else
                f"{calibration.readable_id} is closed, but I could not post its results to "
                f"<#{calibration.results_channel}>: invite me there (`/invite @QA Ops Bot`) and I post them within "
                f"a few minutes. `/qa calibration {calibration.id}` shows them now."))
        return False
    with session_scope(engine) as session:
        results_settled(session, session_id=calibration.id, now=now)
    _tell_requester(client, calibration,
                    f"{calibration.readable_id} is closed; its results are in <#{calibration.results_channel}>.")
    return True


def _tell_requester(client: WebClient, calibration: CalibrationSession, text: str) -> None:
    try:
        client.chat_postMessage(channel=calibration.requester_id, text=text)
    except SLACK_FAILURES:
        logger.exception("could not tell %s about %s", calibration.requester_id, calibration.readable_id)


def results_chart(client: WebClient, calibration: CalibrationSession, results: CalibrationResults, *,
                  draw: Callable[..., bytes] = draw_here) -> str | None:
    """Upload the per-participant agreement chart (names from users.info); None if there is nothing to draw."""
    rated = [(person.participant, person.rate) for person in results.by_participant if person.rate is not None]
    if not rated:
        return None
    reference = results.by_participant[0].compared_with
    try:
        names = {user: _display_name(client, user) for user, _ in rated}
        png = draw(participant_chart, f"{calibration.readable_id}: share of items matching {reference}",
                   [(names[user], rate) for user, rate in rated])
        return upload_png(client, png, name=f"{calibration.readable_id}-agreement",
                          title=f"{calibration.readable_id} agreement by participant")
    except (*SLACK_FAILURES, TimeoutError, BrokenProcessPool):
        logger.exception("the chart of %s could not be drawn or uploaded; posting without it",
                         calibration.readable_id)
        return None


def _display_name(client: WebClient, user_id: str) -> str:
    try:
        user = client.users_info(user=user_id)["user"]
    except SLACK_FAILURES:
        logger.exception("users.info failed for %s; the chart shows the id", user_id)
        return user_id
    return user.get("real_name") or user.get("name") or user_id


def remind_at(calibration: CalibrationSession, *, remind_before: timedelta) -> datetime:
    """`remind_before` the end, or halfway through a session no longer than that."""
    length = calibration.due_at - calibration.created_at
    return calibration.created_at + length / 2 if length <= remind_before else calibration.due_at - remind_before


def check_calibrations(context: JobContext, *, now: datetime) -> str:
    """Close sessions that are due or complete; remind the unfinished once; post results Slack refused."""
    remind_before = timedelta(hours=context.config.calibration.remind_before_h)
    closed = reminded = 0
    with session_scope(context.engine) as session:
        sessions = open_calibrations(session)
        unposted = unposted_results(session)
        interrupted = closed_without_results(session, before=now - POST_RETRY_AFTER)
    for calibration in interrupted:  # a process stopped between closing and keeping the results
        with session_scope(context.engine) as session:
            mine = claim_results_post(session, session_id=calibration.id, now=now, retry_after=POST_RETRY_AFTER)
        if mine:
            finish_closing(context.engine, context.client, session_id=calibration.id, now=now, draw=context.draw)
    for calibration in unposted:
        with session_scope(context.engine) as session:
            mine = claim_results_post(session, session_id=calibration.id, now=now, retry_after=POST_RETRY_AFTER)
        if mine:
            publish_results(context.engine, context.client, calibration=calibration, now=now, first_attempt=False,
                            draw=context.draw,
                            results=CalibrationResults.from_json(calibration.results))
    for calibration in sessions:
        with session_scope(context.engine) as session:
            complete = unfinished_count(session, session_id=calibration.id) == 0
        if now >= calibration.due_at or complete:
            closed += close_and_post(context.engine, context.client, session_id=calibration.id, now=now,
                                     draw=context.draw)
        elif now >= remind_at(calibration, remind_before=remind_before):
            reminded += _remind(context, calibration, now=now)
    return f"{closed} session(s) closed, {reminded} reminder(s) sent, {len(sessions) - closed} open"


def _remind(context: JobContext, calibration: CalibrationSession, *, now: datetime) -> int:
    with session_scope(context.engine) as session:
        if not claim_reminder(session, session_id=calibration.id, now=now):
            return 0
        unfinished = [p.user_id for p in participants_of(session, session_id=calibration.id) if p.finished_at is None]
        items = len(calibration_items(session, session_id=calibration.id))
    sent = 0
    for user_id in unfinished:
        try:
            context.client.chat_postMessage(channel=user_id, text=f"Reminder: {calibration.readable_id} closes soon",
                                            blocks=invitation_blocks(calibration, items=items, reminder=True))
            sent += 1
        except SLACK_FAILURES:
            logger.exception("could not remind %s of %s", user_id, calibration.readable_id)
    return sent
