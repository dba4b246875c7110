"""Block Kit for escalations: the filing modal, the posted escalation and the list. Pure builders."""

from __future__ import annotations

import json
from datetime import datetime

from bot.escalations.rules import DESCRIPTION_MAX, TITLE_MAX
from bot.render.blocks import MAX_OPTIONS, form_input, mrkdwn, option, plain, section
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.store.records import Escalation, TrackedStatus
from bot.wording import duration, slack_time

SEVERITY_MEANING = {
    "P0": "Harm happening now: drop everything",
    "P1": "Serious and spreading: today",
    "P2": "Wrong but contained: this week",
    "P3": "Worth fixing: when there is time",
}


def escalation_modal(
    *, categories: list[str], vendors: list[str], queues: list[str], description: str = "",
    source_permalink: str | None = None,
) -> dict:
    """The filing form; `description` and the permalink come prefilled from `/qa escalate TEXT` or a message."""
    blocks = [
        form_input(BlockId.ESCALATION_TITLE, "Title", {"type": "plain_text_input", "max_length": TITLE_MAX}),
        form_input(BlockId.ESCALATION_CATEGORY, "Category", {
            "type": "static_select", "options": [option(c) for c in categories[:MAX_OPTIONS]]}),
        form_input(BlockId.ESCALATION_SEVERITY, "Severity", {
            "type": "static_select", "options": [option(s, m) for s, m in SEVERITY_MEANING.items()]}),
    ]
    if vendors:
        blocks.append(form_input(BlockId.ESCALATION_VENDOR, "Vendor", {
            "type": "static_select", "options": [option(v) for v in vendors[:MAX_OPTIONS]]}, optional=True))
    if queues:
        blocks.append(form_input(BlockId.ESCALATION_QUEUE, "Queue", {
            "type": "static_select", "options": [option(q) for q in queues[:MAX_OPTIONS]]}, optional=True))
    blocks += [
        form_input(BlockId.ESCALATION_ITEMS, "Affected items", {"type": "plain_text_input", "multiline": True},
               optional=True, hint="Item ids or URLs, one a line."),
        form_input(BlockId.ESCALATION_DESCRIPTION, "What happened", {
            "type": "plain_text_input", "multiline": True, "max_length": DESCRIPTION_MAX,
            **({"initial_value": description[:DESCRIPTION_MAX]} if description else {})}, optional=True),
        form_input(BlockId.ESCALATION_ASSIGNEE, "Assignee", {"type": "users_select"}, optional=True),
    ]
    return {
        "type": "modal", "callback_id": CallbackId.ESCALATION_MODAL, "title": plain("Escalate to QA"),
        "submit": plain("File escalation"), "close": plain("Cancel"), "blocks": blocks,
        "private_metadata": json.dumps({"permalink": source_permalink}),
    }


def escalation_blocks(escalation: Escalation) -> list[dict]:
    """The escalation as posted in its channel."""
    fields = [
        mrkdwn(f"*Severity*\n{escalation.severity}: {SEVERITY_MEANING[escalation.severity]}"),
        mrkdwn(f"*Category*\n{escalation.category}"),
        mrkdwn(f"*Status*\n{escalation.status}"),
        mrkdwn(f"*Reporter*\n<@{escalation.reporter_id}>"),
        mrkdwn(f"*Acknowledge by*\n{slack_time(escalation.acknowledge_due_at)}"),
        mrkdwn(f"*Resolve by*\n{slack_time(escalation.resolve_due_at)}"),
    ]
    if escalation.vendor or escalation.queue:
        fields.append(mrkdwn(f"*Vendor · queue*\n{escalation.vendor or '-'} · {escalation.queue or '-'}"))
    if escalation.assignee_id:
        fields.append(mrkdwn(f"*Assignee*\n<@{escalation.assignee_id}>"))
    blocks = [
        {"type": "header", "text": plain(f"{escalation.readable_id} · {escalation.title}"[:150])},
        {"type": "section", "fields": fields},
    ]
    if escalation.description:
        blocks.append({"type": "section", "text": mrkdwn(escalation.description[:3000])})
    if escalation.items:
        blocks.append({"type": "section", "text": mrkdwn(("*Affected items*\n" + "\n".join(
            f"• {item}" for item in escalation.items.splitlines()))[:3000])})
    if escalation.source_permalink:
        blocks.append({"type": "context", "elements": [mrkdwn(f"From <{escalation.source_permalink}|this message>")]})
    if escalation.status == TrackedStatus.RESOLVED.value:
        blocks.append({"type": "section", "text": mrkdwn(
            f"*Resolved* by <@{escalation.resolved_by}> {slack_time(escalation.resolved_at)} · root cause: "
            f"{escalation.root_cause}\n{escalation.resolution}"[:3000])})
    elif escalation.acknowledged_at is not None:
        blocks.append({"type": "context", "elements": [mrkdwn(
            f"Acknowledged by <@{escalation.acknowledged_by}> {slack_time(escalation.acknowledged_at)}")]})
    blocks.append({"type": "actions", "block_id": BlockId.ESCALATION_ACTIONS,
                   "elements": _buttons(escalation)})
    return blocks


def _buttons(escalation: Escalation) -> list[dict]:
    def button(action_id: str, text: str, style: str | None = None) -> dict:
        element = {"type": "button", "action_id": action_id, "text": plain(text), "value": str(escalation.id)}
        return {**element, "style": style} if style else element

    if escalation.status == TrackedStatus.RESOLVED.value:
        return [button(ActionId.ESCALATION_REOPEN, "Reopen")]
    buttons = [] if escalation.acknowledged_at else [button(ActionId.ESCALATION_ACKNOWLEDGE, "Acknowledge", "primary")]
    return buttons + [button(ActionId.ESCALATION_ASSIGN, "Assign to me"), button(ActionId.ESCALATION_RESOLVE, "Resolve")]


def resolution_modal(escalation: Escalation, *, root_causes: list[str]) -> dict:
    return {
        "type": "modal", "callback_id": CallbackId.RESOLUTION_MODAL,
        "title": plain(f"Resolve {escalation.readable_id}"[:24]),
        "submit": plain("Resolve"), "close": plain("Cancel"), "private_metadata": str(escalation.id),
        "blocks": [
            {"type": "section", "text": mrkdwn(f"*{escalation.title}*"[:3000])},
            form_input(BlockId.RESOLUTION_TEXT, "What was done", {
                "type": "plain_text_input", "multiline": True, "max_length": DESCRIPTION_MAX}),
            form_input(BlockId.RESOLUTION_ROOT_CAUSE, "Root cause", {
                "type": "static_select", "options": [option(c) for c in root_causes[:MAX_OPTIONS]]}),
        ],
    }



def escalations_list_blocks(escalations: list[Escalation], *, now: datetime, limit: int) -> list[dict]:
    """`/qa escalations`: one line each, with what it waits on and the time left (or overdue)."""
    lines = [f"• *{e.readable_id}* {e.severity} {e.status}: {e.title} · {_time_left(e, now)}" for e in escalations]
    return [section(f"*Open escalations* ({len(escalations)}{'+' if len(escalations) == limit else ''})"),
            section("\n".join(lines)),
            {"type": "context", "elements": [mrkdwn("Times are your local time.")]}]


def _time_left(escalation: Escalation, now: datetime) -> str:
    what, due = escalation.waiting_on()
    return f"{what} overdue by {duration(now - due)}" if now > due else f"{duration(due - now)} left for {what}"
