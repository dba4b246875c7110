"""Escalations in Slack: `/qa escalate [text]` and the message shortcut open the filing form; its buttons
acknowledge, take, resolve and reopen; `/qa escalations [open|mine|vendor NAME]` lists them.

Listeners read the request and answer with what bot/escalations/service.py returns. The form opens
straight after ack(), within Slack's 3 seconds of the trigger; bad input is answered next to its field
and nothing is stored.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, Respond
from slack_sdk.errors import SlackApiError

from bot.errors import AccessDenied
from bot.escalations import service
from bot.render.escalation_blocks import escalation_modal, escalations_list_blocks, resolution_modal
from bot.runtime import Runtime
from bot.slack.access import Viewer, refuse_outsiders
from bot.slack.forms import (
    ESCALATION_FIELDS,
    RESOLUTION_FIELDS,
    field_errors,
    read_form,
    read_resolution,
    resolving,
    source_permalink,
)

logger = logging.getLogger(__name__)


def open_modal(runtime: Runtime, *, viewer: Viewer, trigger_id: str, text: str,
               source_permalink: str | None = None) -> None:
    vendors, queues = service.form_choices(runtime, viewer=viewer)
    runtime.client.views_open(trigger_id=trigger_id, view=escalation_modal(
        categories=runtime.config.escalations.categories, vendors=vendors, queues=queues, description=text,
        source_permalink=source_permalink))


def handle_shortcut(ack: Ack, shortcut: dict, viewer: Viewer, runtime: Runtime) -> None:
    """The "Escalate to QA" message shortcut: the same form, with the message's text and link."""
    ack()
    message, channel = shortcut.get("message", {}), shortcut.get("channel", {}).get("id")
    try:
        link = runtime.client.chat_getPermalink(channel=channel, message_ts=message["ts"])["permalink"]
    except SlackApiError:
        logger.exception("no permalink for the message being escalated")
        link = None
    open_modal(runtime, viewer=viewer, trigger_id=shortcut["trigger_id"], text=message.get("text", ""),
               source_permalink=link)


def handle_submission(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    form = read_form(view)
    problems, channel = service.filing_problems(runtime, form)
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=ESCALATION_FIELDS))
        return
    ack()
    service.file_escalation(runtime, form, reporter_id=viewer.user_id, channel=channel,
                            source_permalink=source_permalink(view))


def list_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    found = service.open_escalations(runtime, viewer=viewer, text=text)
    if not found:
        respond(text="No open escalations here.", response_type="ephemeral")
        return
    respond(text=f"{len(found)} open escalations", response_type="ephemeral",
            blocks=escalations_list_blocks(found, now=runtime.clock(), limit=service.LIST_LIMIT))


def handle_acknowledge(ack: Ack, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    service.acknowledge(runtime, int(action["value"]), viewer=viewer)


def handle_assign(ack: Ack, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    service.take(runtime, int(action["value"]), viewer=viewer)


def handle_resolve_button(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    refuse_outsiders(viewer, "an escalation")
    escalation = service.closable(runtime, int(action["value"]), viewer=viewer, verb="resolve")
    runtime.client.views_open(trigger_id=body["trigger_id"],
                      view=resolution_modal(escalation, root_causes=runtime.config.escalations.root_causes))


def handle_resolution(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    resolution, root_cause = read_resolution(view)
    problems = service.resolution_problems(runtime, resolution=resolution, root_cause=root_cause)
    try:
        escalation = service.closable(runtime, resolving(view), viewer=viewer, verb="resolve")
    except AccessDenied as refusal:  # answered in the modal: a view submission has no response_url
        problems["resolution"] = str(refusal)
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=RESOLUTION_FIELDS))
        return
    ack()
    service.resolve(runtime, escalation, viewer=viewer, resolution=resolution, root_cause=root_cause)


def handle_reopen(ack: Ack, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    service.reopen(runtime, int(action["value"]), viewer=viewer)
