"""Calibration in Slack: `/qa calibrate` (the request form), judging in a modal, `/qa calibration(s)`."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.calibration.draw import Candidate, draw_items
from bot.calibration.results import CalibrationResults
from bot.calibration.rules import request_problems, too_few_judges
from bot.errors import AccessDenied, QabotError
from bot.jobs.calibrations import close_and_post, results_chart
from bot.render.calibration_blocks import (
    calibrations_list_blocks,
    invitation_blocks,
    judge_view,
    message_view,
    progress_blocks,
    request_modal,
    results_blocks,
)
from bot.services import Services
from bot.slack.access import Viewer, viewer_for
from bot.slack.errors import SLACK_FAILURES
from bot.slack.forms import (
    JUDGEMENT_FIELDS,
    REQUEST_FIELDS,
    field_errors,
    judging_position,
    read_judgement,
    read_request,
)
from bot.slack.ids import COMMAND, CallbackId
from bot.store.calibrations import (
    calibration_candidates,
    calibration_items,
    create_calibration,
    decision_labels,
    get_calibration,
    judged_counts,
    judged_positions,
    mark_finished,
    mark_started,
    open_for_judging,
    participants_of,
    recent_calibrations,
    record_verdict,
    unfinished_count,
)
from bot.store.db import session_scope
from bot.store.kpi import distinct_values
from bot.store.models import Audit, CalibrationItem, CalibrationSession, CalibrationStatus
from bot.wording import slack_time

logger = logging.getLogger(__name__)
DEFAULT_DURATION = timedelta(days=2)
LIST_LIMIT = 10


def _qa_staff(services: Services, user_id: str, asked: str) -> Viewer:
    viewer = viewer_for(user_id, config=services.config, groups=services.groups)
    if not viewer.qa_staff:
        logger.info("refused %s: %s", user_id, asked)
        raise AccessDenied("Only QA staff can run calibration sessions; ask a QA lead to add you to "
                           "[access].qa_staff in config/qabot.toml.")
    return viewer


def open_modal(client: WebClient, services: Services, *, user_id: str, trigger_id: str) -> None:
    _qa_staff(services, user_id, "calibrate")
    with session_scope(services.engine) as session:
        queues = distinct_values(session, column="queue")
        policies = distinct_values(session, column="policy")
    client.views_open(trigger_id=trigger_id, view=request_modal(
        queues=queues, policies=policies, default_items=services.config.calibration.default_items,
        due=services.clock() + DEFAULT_DURATION))


def handle_request(ack: Ack, body: dict, view: dict, client: WebClient, services: Services) -> None:
    """Check the form, expand the groups and draw the items before answering, so every problem is shown next
    to its field (quick, bounded queries); the invitations go out after ack()."""
    form = read_request(view)
    requester = body["user"]["id"]
    now, settings = services.clock(), services.config.calibration
    problems = request_problems(form, now=now, config=settings)
    if not viewer_for(requester, config=services.config, groups=services.groups).qa_staff:
        problems = {"people": "Only QA staff can run calibration sessions."}
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=REQUEST_FIELDS))
        return
    people, problem = _participants(services, form.people, form.groups, expert=form.expert)
    if problem:
        ack(response_action="errors", errors=field_errors({"people": problem}, fields=REQUEST_FIELDS))
        return
    queues = [form.queue] if form.queue else None
    policies = [form.policy] if form.policy else None
    since = now - timedelta(days=settings.lookback_days)
    seed = secrets.randbelow(2**31)
    with session_scope(services.engine) as session:
        if form.item_ids:
            drawn = [Candidate(item_id, None, form.queue, form.policy, False) for item_id in form.item_ids]
        else:
            disagreed, agreed = calibration_candidates(session, queues=queues, policies=policies, since=since,
                                                       until=now)
            drawn = draw_items([_candidate(a, True) for a in disagreed] + [_candidate(a, False) for a in agreed],
                               count=int(form.count_text), seed=seed)
        labels = sorted({*decision_labels(session, queues=queues, policies=policies, since=since),
                         *services.config.defaults.no_violation_labels})
        if not drawn or len(labels) < 2:
            ack(response_action="errors", errors=field_errors({"queue": (
                f"No audits of this scope in the last {settings.lookback_days} days to draw from; pick another "
                "scope or list item ids." if not drawn else
                f"This scope's audits use only the label {labels[0]}; a verdict needs at least two to choose "
                "from. Pick a wider scope.")}, fields=REQUEST_FIELDS))
            return
        calibration = create_calibration(session, participants=people, items=[
            CalibrationItem(item_id=c.item_id, audit_id=c.audit_id, queue=c.queue, policy=c.policy, notes=c.notes,
                            agent_qa_disagreed=c.disagreed) for c in drawn],
            calibration=CalibrationSession(
                requester_id=requester, queue=form.queue, policy=form.policy, labels="\n".join(labels),
                expert_id=form.expert, results_channel=form.channel, due_at=form.due_at, seed=seed, created_at=now))
    ack()
    unreachable = []
    for user_id in people:
        try:
            client.chat_postMessage(channel=user_id, text=f"Calibration {calibration.readable_id}: please judge "
                                    f"{len(drawn)} items", blocks=invitation_blocks(calibration, items=len(drawn)))
        except SLACK_FAILURES:
            logger.exception("could not invite %s to %s", user_id, calibration.readable_id)
            unreachable.append(user_id)
    missed = (f" I could not message {', '.join(f'<@{u}>' for u in unreachable)}: send them the id."
              if unreachable else "")
    client.chat_postMessage(channel=requester, text=(
        f"Started {calibration.readable_id}: {len(drawn)} items for {len(people)} participants, judging ends "
        f"{slack_time(calibration.due_at)}. `{COMMAND} calibration {calibration.id}` shows who is done.{missed}"))


def _participants(services: Services, people: list[str], groups: list[str], *, expert: str | None
                  ) -> tuple[list[str], str | None]:
    """Everyone invited (people, the groups' members, the expert), or what is wrong with them."""
    members = []
    for group in groups:
        try:
            members += services.groups.members(group)
        except SLACK_FAILURES:
            logger.exception("could not read user group %s", group)
            return [], f"{group}: I cannot read this user group. Check its id (S...) or leave it out."
    invited = list(dict.fromkeys([*people, *members, *([expert] if expert else [])]))
    return invited, too_few_judges(invited, expert=expert)


def _candidate(audit: Audit, disagreed: bool) -> Candidate:
    return Candidate(audit.item_id, audit.audit_id, audit.queue, audit.policy, disagreed,
                     notes=f"Market: {audit.market}" if audit.market else "")


def handle_start(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    """Open the judging modal at the participant's first item not yet judged."""
    ack()
    user_id, session_id = body["user"]["id"], int(action["value"])
    with session_scope(services.engine) as session:
        calibration = _participants_session(session, session_id, user_id)
        view = _next_view(session, calibration, user_id)
        if calibration.status == CalibrationStatus.OPEN.value:
            mark_started(session, session_id=session_id, user_id=user_id, now=services.clock())
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_judgement(ack: Ack, body: dict, view: dict, client: WebClient, services: Services) -> None:
    """Keep the verdict and show the next item (or say it is done) in the same modal."""
    user_id = body["user"]["id"]
    session_id, position = judging_position(view)
    now = services.clock()
    everyone = False
    with session_scope(services.engine) as session:
        calibration = _participants_session(session, session_id, user_id)
        if not open_for_judging(session, session_id=session_id):  # holds off closing until we commit
            ack(response_action="update", view=_closed_view(calibration))
            return
        label, comment = read_judgement(view, calibration.label_list)
        if label is None:
            ack(response_action="errors",
                errors=field_errors({"verdict": "Pick one of the verdicts."}, fields=JUDGEMENT_FIELDS))
            return
        record_verdict(session, session_id=session_id, position=position, user_id=user_id, label=label,
                       comment=comment, now=now)
        next_view = _next_view(session, calibration, user_id)
        if next_view.get("callback_id") != CallbackId.CALIBRATION_JUDGE:
            mark_finished(session, session_id=session_id, user_id=user_id, now=now)
            everyone = unfinished_count(session, session_id=session_id) == 0
    ack(response_action="update", view=next_view)
    if everyone:
        close_and_post(services.engine, client, session_id=session_id, now=now, draw=services.draw)


def _participants_session(session: Session, session_id: int, user_id: str) -> CalibrationSession:
    calibration = get_calibration(session, session_id=session_id)
    if calibration is None or user_id not in {p.user_id for p in participants_of(session, session_id=session_id)}:
        raise AccessDenied(f"You are not a participant of CAL-{session_id}.")
    return calibration


def _next_view(session: Session, calibration: CalibrationSession, user_id: str) -> dict:
    if calibration.status != CalibrationStatus.OPEN.value:
        return _closed_view(calibration)
    items = calibration_items(session, session_id=calibration.id)
    done = judged_positions(session, session_id=calibration.id, user_id=user_id)
    remaining = [item for item in items if item.position not in done]
    if not remaining:
        return message_view(calibration, f":white_check_mark: You have judged all {len(items)} items of "
                                         f"{calibration.readable_id}. Thank you! The results go to "
                                         f"<#{calibration.results_channel}> when everyone is done or time is up.")
    return judge_view(calibration, remaining[0], total=len(items), done=len(done))


def _closed_view(calibration: CalibrationSession) -> dict:
    return message_view(calibration, f"{calibration.readable_id} is closed; its results are in "
                                     f"<#{calibration.results_channel}>.")


def show_command(respond: Respond, client: WebClient, services: Services, *, user_id: str, text: str) -> None:
    """`/qa calibration ID`: who is done while open, the results once closed."""
    number = text.strip().upper().removeprefix("CAL-")
    if not number.isdigit():
        raise QabotError(f"Say which session: `{COMMAND} calibration 12` (`{COMMAND} calibrations` lists them).")
    with session_scope(services.engine) as session:
        calibration = get_calibration(session, session_id=int(number))
        people = participants_of(session, session_id=int(number)) if calibration else []
        viewer = viewer_for(user_id, config=services.config, groups=services.groups)
        if calibration is None or not (viewer.qa_staff or user_id == calibration.requester_id
                                       or user_id in {p.user_id for p in people}):
            raise QabotError(f"No calibration session CAL-{number} that you can see.")
        if calibration.status == CalibrationStatus.OPEN.value:
            blocks = progress_blocks(calibration, people, judged_counts(session, session_id=calibration.id),
                                     total=len(calibration_items(session, session_id=calibration.id)))
            respond(text=f"{calibration.readable_id} progress", blocks=blocks, response_type="ephemeral")
            return
    if calibration.results is None:
        respond(text=f"{calibration.readable_id} is closed; its results are being worked out: try again in a few "
                     "minutes.", response_type="ephemeral")
        return
    results = CalibrationResults.from_json(calibration.results)
    chart = calibration.results_chart_file_id or results_chart(client, calibration, results, draw=services.draw)
    respond(text=f"{calibration.readable_id} results", response_type="ephemeral",
            blocks=results_blocks(calibration, results, chart_file_id=chart))


def list_command(respond: Respond, services: Services, *, user_id: str) -> None:
    """`/qa calibrations`: recent sessions and their scores, so a trend shows."""
    _qa_staff(services, user_id, "calibrations")
    with session_scope(services.engine) as session:
        sessions = recent_calibrations(session, limit=LIST_LIMIT)
    results = {s.id: CalibrationResults.from_json(s.results) for s in sessions if s.results}
    respond(text="Recent calibration sessions", response_type="ephemeral",
            blocks=calibrations_list_blocks(sessions, results))

