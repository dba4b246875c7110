"""Calibration sessions, for the Slack listeners: requesting one (checked, items drawn, invitations sent),
judging item by item, progress and results. Closing and posting results: bot/calibration/publishing.py.

Only QA staff run sessions; participants (and the requester) see theirs (bot/slack/access.py).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from bot.calibration.draw import Candidate, draw_items
from bot.calibration.publishing import close_and_post, results_chart
from bot.calibration.results import CalibrationResults
from bot.calibration.rules import CalibrationRequest, request_problems, too_few_judges
from bot.errors import FormProblems, QabotError
from bot.runtime import Runtime
from bot.slack.access import Viewer, log_refusal, may_see_calibration, require, require_qa_staff
from bot.slack.errors import SLACK_FAILURES
from bot.slack.ids import COMMAND
from bot.store import calibrations as store
from bot.store.db import session_scope
from bot.store.kpi import distinct_values
from bot.store.models import Audit
from bot.store.records import CalibrationItem, CalibrationParticipant, CalibrationSession, CalibrationStatus
from bot.wording import slack_time

logger = logging.getLogger(__name__)
DEFAULT_DURATION = timedelta(days=2)
LIST_LIMIT = 10


@dataclass(frozen=True)
class Requested:
    calibration: CalibrationSession
    people: list[str]
    items: int


@dataclass(frozen=True)
class JudgingStep:
    """Where a participant is: the next item to judge, or none left (or the session closed)."""

    calibration: CalibrationSession
    next_item: CalibrationItem | None
    total: int
    done: int
    closed: bool = False
    """The session takes no more verdicts."""
    everyone_done: bool = False
    """This verdict was the last one of the last participant."""

    @property
    def finished(self) -> bool:
        return self.next_item is None


@dataclass(frozen=True)
class Progress:
    calibration: CalibrationSession
    people: list[CalibrationParticipant]
    judged: dict[str, int]
    total: int


@dataclass(frozen=True)
class Results:
    calibration: CalibrationSession
    results: CalibrationResults | None
    """None while they are being worked out (a close in progress)."""
    chart_file_id: str | None


def request_choices(runtime: Runtime, *, viewer: Viewer) -> tuple[list[str], list[str]]:
    """The queues and policies the request form offers (QA staff only)."""
    require_qa_staff(viewer, "calibrate")
    with session_scope(runtime.engine) as session:
        return distinct_values(session, column="queue"), distinct_values(session, column="policy")


def request_calibration(runtime: Runtime, form: CalibrationRequest, *, viewer: Viewer) -> Requested:
    """Check the form, expand the groups, draw the items and store the session (FormProblems otherwise);
    quick, bounded queries, so the form can still show every problem next to its field."""
    now, config = runtime.clock(), runtime.config.calibration
    problems = request_problems(form, now=now, config=config)
    if not viewer.qa_staff:
        log_refusal(viewer, "calibrate")
        problems = {"people": "Only QA staff can run calibration sessions."}
    if problems:
        raise FormProblems(problems)
    people = _participants(runtime, form.people, form.groups, expert=form.expert)
    queues = [form.queue] if form.queue else None
    policies = [form.policy] if form.policy else None
    since = now - timedelta(days=config.lookback_days)
    seed = secrets.randbelow(2**31)
    with session_scope(runtime.engine) as session:
        if form.item_ids:
            drawn = [Candidate(item_id, None, form.queue, form.policy, False) for item_id in form.item_ids]
        else:
            disagreed, agreed = store.calibration_candidates(session, queues=queues, policies=policies, since=since,
                                                             until=now)
            drawn = draw_items([_candidate(a, True) for a in disagreed] + [_candidate(a, False) for a in agreed],
                               count=int(form.count_text), seed=seed)
        labels = sorted({*store.decision_labels(session, queues=queues, policies=policies, since=since),
                         *runtime.config.defaults.no_violation_labels})
        if not drawn or len(labels) < 2:
            raise FormProblems({"queue": (
                f"No audits of this scope in the last {config.lookback_days} days to draw from; pick another "
                "scope or list item ids." if not drawn else
                f"This scope's audits use only the label {labels[0]}; a verdict needs at least two to choose "
                "from. Pick a wider scope.")})
        calibration = store.create_calibration(session, participants=people, items=[
            CalibrationItem(item_id=c.item_id, audit_id=c.audit_id, queue=c.queue, policy=c.policy, notes=c.notes,
                            agent_qa_disagreed=c.disagreed) for c in drawn],
            calibration=CalibrationSession(
                requester_id=viewer.user_id, queue=form.queue, policy=form.policy, labels="\n".join(labels),
                expert_id=form.expert, results_channel=form.channel, due_at=form.due_at, seed=seed, created_at=now))
    return Requested(calibration, people, len(drawn))


def invite(runtime: Runtime, requested: Requested, *, invitation: dict) -> None:
    """Send each participant `invitation` (a message's text and blocks), then tell the requester who was missed."""
    calibration, client = requested.calibration, runtime.client
    unreachable = []
    for user_id in requested.people:
        try:
            client.chat_postMessage(channel=user_id, **invitation)
        except SLACK_FAILURES:
            logger.exception("could not invite %s to %s", user_id, calibration.readable_id)
            unreachable.append(user_id)
    missed = (f" I could not message {', '.join(f'<@{u}>' for u in unreachable)}: send them the id."
              if unreachable else "")
    client.chat_postMessage(channel=calibration.requester_id, text=(
        f"Started {calibration.readable_id}: {requested.items} items for {len(requested.people)} participants, "
        f"judging ends {slack_time(calibration.due_at)}. `{COMMAND} calibration {calibration.id}` shows who is "
        f"done.{missed}"))


def _participants(runtime: Runtime, people: list[str], groups: list[str], *, expert: str | None) -> list[str]:
    """Everyone invited (people, the groups' members, the expert); FormProblems if they cannot be."""
    members = []
    for group in groups:
        try:
            members += runtime.groups.members(group)
        except SLACK_FAILURES:
            logger.exception("could not read user group %s", group)
            raise FormProblems({"people": f"{group}: I cannot read this user group. Check its id (S...) or "
                                          "leave it out."}) from None
    invited = list(dict.fromkeys([*people, *members, *([expert] if expert else [])]))
    problem = too_few_judges(invited, expert=expert)
    if problem:
        raise FormProblems({"people": problem})
    return invited


def _candidate(audit: Audit, disagreed: bool) -> Candidate:
    return Candidate(audit.item_id, audit.audit_id, audit.queue, audit.policy, disagreed,
                     notes=f"Market: {audit.market}" if audit.market else "")


def start_judging(runtime: Runtime, calibration_id: int, *, viewer: Viewer) -> JudgingStep:
    """The participant's first item not yet judged; the session notes they started."""
    with session_scope(runtime.engine) as session:
        calibration = _participants_session(session, calibration_id, viewer)
        step = _next_step(session, calibration, viewer.user_id)
        if calibration.status == CalibrationStatus.OPEN.value:
            store.mark_started(session, calibration_id=calibration_id, user_id=viewer.user_id, now=runtime.clock())
    return step


def judge(runtime: Runtime, calibration_id: int, position: int, *, viewer: Viewer, verdict: int | None,
          comment: str) -> JudgingStep:
    """Keep the verdict (`verdict`: its place among the session's labels) and say what comes next; a session
    closed meanwhile takes no verdict (FormProblems when none was picked)."""
    now = runtime.clock()
    with session_scope(runtime.engine) as session:
        calibration = _participants_session(session, calibration_id, viewer)
        if not store.open_for_judging(session, calibration_id=calibration_id):  # holds off closing until we commit
            return JudgingStep(calibration, None, 0, 0, closed=True)
        labels = calibration.label_list
        if verdict is None or verdict >= len(labels):
            raise FormProblems({"verdict": "Pick one of the verdicts."})
        store.record_verdict(session, calibration_id=calibration_id, position=position, user_id=viewer.user_id,
                             label=labels[verdict], comment=comment, now=now)
        step = _next_step(session, calibration, viewer.user_id)
        if step.finished:
            store.mark_finished(session, calibration_id=calibration_id, user_id=viewer.user_id, now=now)
            unfinished = store.unfinished_count(session, calibration_id=calibration_id)
            step = dataclasses.replace(step, everyone_done=unfinished == 0)
    return step


def close_when_everyone_is_done(runtime: Runtime, step: JudgingStep) -> None:
    """After the last participant's last verdict: close the session and post its results."""
    if step.everyone_done:
        close_and_post(runtime, calibration_id=step.calibration.id, now=runtime.clock())


def _participants_session(session: Session, calibration_id: int, viewer: Viewer) -> CalibrationSession:
    calibration = store.get_calibration(session, calibration_id=calibration_id)
    participants = {p.user_id for p in store.participants_of(session, calibration_id=calibration_id)}
    require(calibration is not None and viewer.user_id in participants, viewer, f"judging CAL-{calibration_id}",
            f"You are not a participant of CAL-{calibration_id}.")
    return calibration


def _next_step(session: Session, calibration: CalibrationSession, user_id: str) -> JudgingStep:
    if calibration.status != CalibrationStatus.OPEN.value:
        return JudgingStep(calibration, None, 0, 0, closed=True)
    items = store.calibration_items(session, calibration_id=calibration.id)
    done = store.judged_positions(session, calibration_id=calibration.id, user_id=user_id)
    remaining = [item for item in items if item.position not in done]
    return JudgingStep(calibration, remaining[0] if remaining else None, total=len(items), done=len(done))


def progress_or_results(runtime: Runtime, text: str, *, viewer: Viewer) -> Progress | Results:
    """`/qa calibration ID`: who is done while open, the results (with their chart) once closed."""
    number = text.strip().upper().removeprefix("CAL-")
    if not number.isdigit():
        raise QabotError(f"Say which session: `{COMMAND} calibration 12` (`{COMMAND} calibrations` lists them).")
    with session_scope(runtime.engine) as session:
        calibration = store.get_calibration(session, calibration_id=int(number))
        people = store.participants_of(session, calibration_id=int(number)) if calibration else []
        require(calibration is not None and may_see_calibration(
            viewer, requester_id=calibration.requester_id, participant_ids={p.user_id for p in people}),
            viewer, f"CAL-{number}", f"No calibration session CAL-{number} that you can see.")
        if calibration.status == CalibrationStatus.OPEN.value:
            return Progress(calibration, people, store.judged_counts(session, calibration_id=calibration.id),
                            total=len(store.calibration_items(session, calibration_id=calibration.id)))
    if calibration.results is None:
        return Results(calibration, None, None)
    results = CalibrationResults.from_json(calibration.results)
    chart = calibration.results_chart_file_id or results_chart(runtime, calibration, results)
    return Results(calibration, results, chart)


def recent(runtime: Runtime, *, viewer: Viewer) -> tuple[list[CalibrationSession], dict[int, CalibrationResults]]:
    """Recent sessions and their scores, so a trend shows (QA staff only)."""
    require_qa_staff(viewer, "calibrations")
    with session_scope(runtime.engine) as session:
        calibrations = store.recent_calibrations(session, limit=LIST_LIMIT)
    return calibrations, {c.id: CalibrationResults.from_json(c.results) for c in calibrations if c.results}
