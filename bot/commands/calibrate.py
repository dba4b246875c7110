"""Calibration in Slack: `/qa calibrate` (the request form), judging in a modal, `/qa calibration(s)`.

Listeners read the request and show what bot/calibration/service.py returns.
"""

from __future__ import annotations

from slack_bolt import Ack, Respond

from bot.calibration import service
from bot.errors import FormProblems
from bot.home.publishing import republish_homes
from bot.render.calibration_blocks import (
    calibrations_list_blocks,
    invitation_blocks,
    judge_view,
    message_view,
    progress_blocks,
    request_modal,
    results_blocks,
)
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.forms import JUDGEMENT_FIELDS, REQUEST_FIELDS, field_errors, judging_position, read_judgement, read_request


def open_modal(runtime: Runtime, *, viewer: Viewer, trigger_id: str) -> None:
    queues, policies = service.request_choices(runtime, viewer=viewer)
    runtime.client.views_open(trigger_id=trigger_id, view=request_modal(
        queues=queues, policies=policies, default_items=runtime.config.calibration.default_items,
        due=runtime.clock() + service.DEFAULT_DURATION))


def handle_request(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Every problem is shown next to its field before answering; the invitations go out after ack()."""
    try:
        requested = service.request_calibration(runtime, read_request(view), viewer=viewer)
    except FormProblems as problems:
        ack(response_action="errors", errors=field_errors(problems.problems, fields=REQUEST_FIELDS))
        return
    ack()
    calibration = requested.calibration
    service.invite(runtime, requested, invitation={
        "text": f"Calibration {calibration.readable_id}: please judge {requested.items} items",
        "blocks": invitation_blocks(calibration, items=requested.items)})


def handle_start(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Open the judging modal at the participant's first item not yet judged."""
    ack()
    step = service.start_judging(runtime, int(action["value"]), viewer=viewer)
    runtime.client.views_open(trigger_id=body["trigger_id"], view=_view(step))


def handle_judgement(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Keep the verdict and show the next item (or say it is done) in the same modal."""
    calibration_id, position = judging_position(view)
    verdict, comment = read_judgement(view)
    try:
        step = service.judge(runtime, calibration_id, position, viewer=viewer, verdict=verdict, comment=comment)
    except FormProblems as problems:
        ack(response_action="errors", errors=field_errors(problems.problems, fields=JUDGEMENT_FIELDS))
        return
    ack(response_action="update", view=_view(step))
    service.close_when_everyone_is_done(runtime, step)
    if step.finished:  # the session leaves the "waiting for your verdicts" of their Home
        republish_homes(runtime, shows_change=lambda person: person.user_id == viewer.user_id)


def _view(step: service.JudgingStep) -> dict:
    calibration = step.calibration
    if step.next_item is not None:
        return judge_view(calibration, step.next_item, total=step.total, done=step.done)
    if not step.closed:
        return message_view(calibration, f":white_check_mark: You have judged all {step.total} items of "
                                         f"{calibration.readable_id}. Thank you! The results go to "
                                         f"<#{calibration.results_channel}> when everyone is done or time is up.")
    return message_view(calibration, f"{calibration.readable_id} is closed; its results are in "
                                     f"<#{calibration.results_channel}>.")


def show_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    """`/qa calibration ID`: who is done while open, the results once closed."""
    shown = service.progress_or_results(runtime, text, viewer=viewer)
    calibration = shown.calibration
    if isinstance(shown, service.Progress):
        respond(text=f"{calibration.readable_id} progress", response_type="ephemeral",
                blocks=progress_blocks(calibration, shown.people, shown.judged, total=shown.total))
    elif shown.results is None:
        respond(text=f"{calibration.readable_id} is closed; its results are being worked out: try again in a few "
                     "minutes.", response_type="ephemeral")
    else:
        respond(text=f"{calibration.readable_id} results", response_type="ephemeral",
                blocks=results_blocks(calibration, shown.results, chart_file_id=shown.chart_file_id))


def list_command(respond: Respond, runtime: Runtime, *, viewer: Viewer) -> None:
    """`/qa calibrations`: recent sessions and their scores, so a trend shows."""
    calibrations, results = service.recent(runtime, viewer=viewer)
    respond(text="Recent calibration sessions", response_type="ephemeral",
            blocks=calibrations_list_blocks(calibrations, results))
