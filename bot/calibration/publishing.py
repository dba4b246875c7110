"""A calibration session's end: closing it to verdicts, working out its results, posting them with their chart.

Used when the last participant finishes (bot/commands/calibrate.py) and by the job that closes due
sessions and retries posts Slack refused (bot/jobs/calibrations.py).
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.calibration.results import CalibrationResults, build_results
from bot.render.calibration_blocks import results_blocks
from bot.render.charts import participant_chart
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.slack.files import upload_png
from bot.store.calibrations import (
    calibration_items,
    claim_close,
    comments_by_item,
    get_calibration,
    keep_chart,
    participants_of,
    results_settled,
    save_results,
    verdicts_by_item,
)
from bot.store.db import session_scope
from bot.store.records import CalibrationSession

logger = logging.getLogger(__name__)
CHANNEL_GONE = {"channel_not_found", "is_archived"}


def close_and_post(runtime: Runtime, *, calibration_id: int, now: datetime) -> bool:
    """Close the session to new verdicts, work out and keep the results, post them; False if it was closed."""
    with session_scope(runtime.engine) as session:
        if not claim_close(session, calibration_id=calibration_id, now=now):
            return False
    finish_closing(runtime, calibration_id=calibration_id, now=now)
    return True


def finish_closing(runtime: Runtime, *, calibration_id: int, now: datetime) -> None:
    """Work out and keep a closed session's results, then post them (again safe after a crash in between)."""
    with session_scope(runtime.engine) as session:  # after the close committed: no verdict can still arrive
        calibration = get_calibration(session, calibration_id=calibration_id)
        items = calibration_items(session, calibration_id=calibration_id)
        people = participants_of(session, calibration_id=calibration_id)
        results = build_results(
            item_ids={item.position: item.item_id for item in items},
            verdicts=verdicts_by_item(session, calibration_id=calibration_id),
            participants=[person.user_id for person in people],
            finished=sum(person.finished_at is not None for person in people),
            expert=calibration.expert_id, labels=calibration.label_list, seed=calibration.seed,
            comments=comments_by_item(session, calibration_id=calibration_id))
        save_results(session, calibration_id=calibration_id, results=results.to_json())
    publish_results(runtime, calibration=calibration, results=results, now=now, first_attempt=True)


def publish_results(runtime: Runtime, *, calibration: CalibrationSession, results: CalibrationResults,
                    now: datetime, first_attempt: bool) -> bool:
    """Post the results with their chart to the session's channel. If Slack refuses, tell the requester (once)
    and leave it to the job's next pass; a channel that is gone for good ends the attempts."""
    engine, client = runtime.engine, runtime.client
    chart_id = calibration.results_chart_file_id or results_chart(runtime, calibration, results)
    if chart_id and not calibration.results_chart_file_id:
        with session_scope(engine) as session:
            keep_chart(session, calibration_id=calibration.id, chart_file_id=chart_id)
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
                results_settled(session, calibration_id=calibration.id, now=now)
        if first_attempt or gone:
            _tell_requester(client, calibration, (
                f"{calibration.readable_id} is closed, but <#{calibration.results_channel}> no longer takes posts, so "
                f"its results are not posted. `/qa calibration {calibration.id}` shows them." if gone else
                f"{calibration.readable_id} is closed, but I could not post its results to "
                f"<#{calibration.results_channel}>: invite me there (`/invite @QA Ops Bot`) and I post them within "
                f"a few minutes. `/qa calibration {calibration.id}` shows them now."))
        return False
    with session_scope(engine) as session:
        results_settled(session, calibration_id=calibration.id, now=now)
    _tell_requester(client, calibration,
                    f"{calibration.readable_id} is closed; its results are in <#{calibration.results_channel}>.")
    return True


def _tell_requester(client: WebClient, calibration: CalibrationSession, text: str) -> None:
    try:
        client.chat_postMessage(channel=calibration.requester_id, text=text)
    except SLACK_FAILURES:
        logger.exception("could not tell %s about %s", calibration.requester_id, calibration.readable_id)


def results_chart(runtime: Runtime, calibration: CalibrationSession, results: CalibrationResults) -> str | None:
    """Upload the per-participant agreement chart (names from users.info); None if there is nothing to draw."""
    client = runtime.client
    rated = [(person.participant, person.rate) for person in results.by_participant if person.rate is not None]
    if not rated:
        return None
    reference = results.by_participant[0].compared_with
    try:
        names = {user: _display_name(client, user) for user, _ in rated}
        png = runtime.draw(participant_chart, f"{calibration.readable_id}: share of items matching {reference}",
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
