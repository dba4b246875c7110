"""Block Kit for calibration sessions: the request form, the judging modal, invitations, progress, results."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime

from bot.calibration.results import CalibrationResults
from bot.render.blocks import MAX_OPTIONS, form_input, mrkdwn, notice_view, option, plain, section
from bot.slack.ids import COMMAND, ActionId, BlockId, CallbackId
from bot.store.records import CalibrationItem, CalibrationParticipant, CalibrationSession, CalibrationStatus
from bot.wording import percent, slack_time

RADIO_OPTIONS = 10  # Slack's limit for radio buttons; more labels get a select menu
COMMENTS_SHOWN = 3
KAPPA_NOTE = ("When one label is far more common than the others (most content is fine), kappa and alpha "
              "can be low while raw agreement is high; AC1 corrects for chance without that effect. Read them "
              "side by side.")


def scope_text(calibration: CalibrationSession) -> str:
    parts = [f"queue {calibration.queue}" if calibration.queue else "", f"policy {calibration.policy}"
             if calibration.policy else ""]
    return " · ".join(part for part in parts if part)


def request_modal(*, queues: list[str], policies: list[str], default_items: int, due: datetime) -> dict:
    def select(values: list[str]) -> dict:
        return {"type": "static_select", "options": [option(v) for v in values[:MAX_OPTIONS]]}

    blocks = [
        form_input(BlockId.CALIBRATION_QUEUE, "Queue", select(queues), optional=True) if queues else None,
        form_input(BlockId.CALIBRATION_POLICY, "Policy", select(policies), optional=True) if policies else None,
        form_input(BlockId.CALIBRATION_COUNT, "Number of items", {
            "type": "plain_text_input", "initial_value": str(default_items)}, optional=True,
            hint="Drawn from recent audits, half of them ones where agent and QA disagreed."),
        form_input(BlockId.CALIBRATION_ITEMS, "Or these items", {"type": "plain_text_input", "multiline": True},
                   optional=True, hint="Item ids, one a line: used instead of a draw."),
        form_input(BlockId.CALIBRATION_PEOPLE, "Participants", {"type": "multi_users_select"}, optional=True),
        form_input(BlockId.CALIBRATION_GROUPS, "Participant user groups", {"type": "plain_text_input"},
                   optional=True, hint="User group ids (S...), separated by commas."),
        form_input(BlockId.CALIBRATION_EXPERT, "Expert (reference verdict)", {"type": "users_select"}, optional=True,
                   hint="Without an expert, each participant is compared with the majority of the others."),
        form_input(BlockId.CALIBRATION_DUE, "Judging ends", {
            "type": "datetimepicker", "initial_date_time": int(due.timestamp())}),
        form_input(BlockId.CALIBRATION_CHANNEL, "Post the results in", {"type": "channels_select"}),
    ]
    return {"type": "modal", "callback_id": CallbackId.CALIBRATION_MODAL, "title": plain("Calibration session"),
            "submit": plain("Start session"), "close": plain("Cancel"), "blocks": [b for b in blocks if b]}


def invitation_blocks(calibration: CalibrationSession, *, items: int, reminder: bool = False) -> list[dict]:
    lead = (f":hourglass: Reminder: {calibration.readable_id} closes {slack_time(calibration.due_at)} and you "
            "have items left." if reminder else
            f"<@{calibration.requester_id}> asks you to judge {items} items for calibration session "
            f"*{calibration.readable_id}* ({scope_text(calibration)}).")
    return [
        section(f"{lead}\nJudge each item on its own, as you would at work: you will not see the agent's, QA's "
                f"or anyone else's verdict. You can stop and come back; judging ends {slack_time(calibration.due_at)}."),
        {"type": "actions", "block_id": BlockId.CALIBRATION_ACTIONS, "elements": [
            {"type": "button", "action_id": ActionId.CALIBRATION_START, "value": str(calibration.id),
             "style": "primary", "text": plain("Start judging" if not reminder else "Continue judging")}]},
    ]


def judge_view(calibration: CalibrationSession, item: CalibrationItem, *, total: int, done: int) -> dict:
    """One item: what it is, the label choices, a comment. Never the agent's or others' verdicts."""
    details = [f"*Item* `{item.item_id}`" if not item.item_id.startswith("http") else f"*Item* <{item.item_id}>"]
    details += [f"*Queue* {item.queue}"] if item.queue else []
    details += [f"*Policy* {item.policy}"] if item.policy else []
    blocks = [
        {"type": "context", "elements": [mrkdwn(f"{calibration.readable_id} · item {done + 1} of {total}")]},
        section("\n".join(details) + (f"\n{item.notes}" if item.notes else "")),
        form_input(BlockId.CALIBRATION_VERDICT, "Your verdict", {
            "type": "radio_buttons" if len(calibration.label_list) <= RADIO_OPTIONS else "static_select",
            "options": [{"text": plain(label[:75]), "value": str(index)}  # an index: labels may be long
                        for index, label in enumerate(calibration.label_list[:MAX_OPTIONS])]}),
        form_input(BlockId.CALIBRATION_COMMENT, "Comment", {"type": "plain_text_input", "multiline": True,
                                                            "max_length": 500}, optional=True),
    ]
    last = done + 1 == total
    return {"type": "modal", "callback_id": CallbackId.CALIBRATION_JUDGE, "title": plain(calibration.readable_id),
            "submit": plain("Finish" if last else "Next item"), "close": plain("Stop for now"), "blocks": blocks,
            "private_metadata": json.dumps({"session": calibration.id, "position": item.position})}


def message_view(calibration: CalibrationSession, text: str) -> dict:
    return notice_view(text, title=calibration.readable_id)


def progress_blocks(calibration: CalibrationSession, participants: Sequence[CalibrationParticipant],
                    judged: dict[str, int], *, total: int) -> list[dict]:
    lines = []
    for person in participants:
        count = judged.get(person.user_id, 0)
        state = (":white_check_mark: done" if person.finished_at else
                 f":hourglass_flowing_sand: {count} of {total}" if person.started_at or count else ":zzz: not started")
        expert = " (expert)" if person.user_id == calibration.expert_id else ""
        lines.append(f"• <@{person.user_id}>{expert}: {state}")
    finished = sum(1 for p in participants if p.finished_at)
    return [
        section(f"*{calibration.readable_id}* ({scope_text(calibration)}) · {total} items · judging ends "
                f"{slack_time(calibration.due_at)} · {finished} of {len(participants)} done"),
        section("\n".join(lines)[:3000]),
    ]


def _undefined(results: CalibrationResults) -> bool:
    return all(math.isnan(f.value) for f in results.figures)


def _quote(text: str) -> str:
    flat = " ".join(text.split()).replace("_", " ")
    return flat if len(flat) <= 140 else flat[:139] + "…"


def _figure(value: float) -> str:
    return "not defined" if math.isnan(value) else f"{value:.2f}"


def results_blocks(calibration: CalibrationSession, results: CalibrationResults, *,
                   chart_file_id: str | None) -> list[dict]:
    fields = [mrkdwn(f"*{f.name}*\n{_figure(f.value)}" + ("" if math.isnan(f.low) else
                                                        f" (95% CI {_figure(f.low)} to {_figure(f.high)})"))
              for f in results.figures]
    people = [f"• <@{p.participant}>: {percent(p.rate, 0)} of {p.judged} items match {p.compared_with}"
              if p.rate is not None else f"• <@{p.participant}>: nothing to compare" for p in results.by_participant]
    split = [f"• `{item.item_id}`: " + ", ".join(f"{label} {n}" for label, n in item.spread)
             + (f" · expert: *{results.expert_verdicts[item.item_id]}*" if item.item_id in results.expert_verdicts
                else "")
             + "".join(f"\n      _{_quote(text)}_ (<@{who}>)" for who, text in
                       results.comments.get(item.item_id, [])[:COMMENTS_SHOWN])
             for item in results.split]
    blocks = [
        {"type": "header", "text": plain(f"{calibration.readable_id} results · {scope_text(calibration)}"[:150])},
        {"type": "context", "elements": [mrkdwn(
            f"{results.items_judged} of {results.items} items judged · {results.verdicts} verdicts · "
            f"{results.finished} of {results.participants + (1 if calibration.expert_id else 0)} participants finished"
            + (f" · expert <@{calibration.expert_id}>, the reference, is left out of the room's figures"
               if calibration.expert_id else ""))]},
        {"type": "section", "fields": fields} if results.split or not _undefined(results) else
        section("No item got verdicts from two participants, so agreement cannot be measured."),
        {"type": "context", "elements": [mrkdwn(KAPPA_NOTE)]},
        section(("*Each participant*\n" + "\n".join(people))[:3000]) if people else None,
        section(("*Items that split the room* (candidates for policy clarification)\n" + "\n".join(split))[:3000])
        if split else None if _undefined(results) else section("*Every item was judged alike.*"),
    ]
    if chart_file_id:
        blocks.append({"type": "image", "slack_file": {"id": chart_file_id},
                       "alt_text": f"Agreement of each participant in {calibration.readable_id}"})
    return [b for b in blocks if b]


def calibrations_list_blocks(sessions: Sequence[CalibrationSession],
                             results: dict[int, CalibrationResults]) -> list[dict]:
    if not sessions:
        return [section(f"No calibration sessions yet. Start one with `{COMMAND} calibrate`.")]
    lines = []
    for calibration in sessions:
        found = results.get(calibration.id)
        if calibration.status == CalibrationStatus.OPEN.value or found is None:
            state = f"open until {slack_time(calibration.due_at)}"
        else:
            figures = {f.name: f.value for f in found.figures}
            ac1, kappa, agreement = (figures[name] for name in ("Gwet's AC1", "Fleiss' kappa", "percent agreement"))
            state = (f"AC1 {_figure(ac1)} · kappa {_figure(kappa)} · agreement "
                     f"{'not defined' if math.isnan(agreement) else percent(agreement, 0)}")
        lines.append(f"• *{calibration.readable_id}* {slack_time(calibration.created_at)} · "
                     f"{scope_text(calibration)} · {state}")
    return [section("*Recent calibration sessions*\n" + "\n".join(lines)),
            {"type": "context", "elements": [mrkdwn(f"`{COMMAND} calibration ID` shows one in full.")]}]
