"""`/qa escalate [text]`, the filing modal's submission, and `/qa escalations [open|mine|vendor NAME]`.

The modal opens straight after ack(), within Slack's 3 seconds of the trigger. On
submit, bad input is answered next to its field and nothing is stored; good input is
stored first, then posted to the routed channel, then the reporter gets a DM. If
posting fails the escalation stays stored, unposted, and the reporter is told.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import AccessDenied, QabotError
from bot.escalations.posting import ESCALATION_MESSAGE
from bot.escalations.rules import clean_items, deadlines, form_problems, route
from bot.render.blocks import mrkdwn, section
from bot.render.escalation_blocks import (
    escalation_modal,
    resolution_modal,
)
from bot.services import Services
from bot.slack.access import Viewer, refuse_outsiders, viewer_for
from bot.slack.forms import (
    ESCALATION_FIELDS,
    RESOLUTION_FIELDS,
    field_errors,
    read_form,
    read_resolution,
    resolving,
    source_permalink,
)
from bot.slack.reactions import ReactionAcknowledgement
from bot.store.db import session_scope
from bot.store.escalations import (
    acknowledge,
    assign,
    create_escalation,
    find_by_message,
    get_escalation,
    list_escalations,
    reopen,
    resolve,
)
from bot.store.kpi import distinct_values
from bot.store.models import Escalation
from bot.wording import duration, slack_time

logger = logging.getLogger(__name__)
LIST_LIMIT = 20


def open_modal(client: WebClient, services: Services, *, user_id: str, trigger_id: str, text: str,
               source_permalink: str | None = None) -> None:
    refuse_outsiders(viewer_for(user_id, config=services.config, groups=services.groups), "escalate")
    with session_scope(services.engine) as session:
        vendors = sorted({vendor.display_name(key) for key, vendor in services.config.vendors.items()}
                         | set(distinct_values(session, column="vendor")))
        queues = distinct_values(session, column="queue")
    client.views_open(trigger_id=trigger_id, view=escalation_modal(
        categories=services.config.escalations.categories, vendors=vendors, queues=queues, description=text,
        source_permalink=source_permalink))


def handle_shortcut(ack: Ack, shortcut: dict, client: WebClient, services: Services) -> None:
    """The "Escalate to QA" message shortcut: the same form, with the message's text and link."""
    ack()
    message, channel = shortcut.get("message", {}), shortcut.get("channel", {}).get("id")
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=message["ts"])["permalink"]
    except SlackApiError:
        logger.exception("no permalink for the message being escalated")
        link = None
    open_modal(client, services, user_id=shortcut["user"]["id"], trigger_id=shortcut["trigger_id"],
               text=message.get("text", ""), source_permalink=link)


def reaction_acknowledgement(client: WebClient, services: Services) -> ReactionAcknowledgement[Escalation]:
    """An acknowledgement emoji on an escalation's message acknowledges it, as the button does: any member may."""
    return ReactionAcknowledgement(emoji=services.config.escalations.acknowledge_emoji, find=find_by_message,
                                   may_acknowledge=lambda viewer, _escalation: viewer.qa_staff or bool(viewer.vendors),
                                   acknowledge=partial(_acknowledge, client, services))


def _acknowledge(client: WebClient, services: Services, escalation_id: int, *, viewer: Viewer, how: str) -> None:
    with session_scope(services.engine) as session:
        changed = acknowledge(session, escalation_id=escalation_id, user_id=viewer.user_id, now=services.clock())
    if changed:
        ESCALATION_MESSAGE.show_change(client, tracked=changed, line=f"Acknowledged by <@{viewer.user_id}>{how}.")


def handle_submission(ack: Ack, body: dict, view: dict, client: WebClient, services: Services) -> None:
    form = read_form(view)
    config = services.config.escalations
    problems = form_problems(form, config=config)
    channel = route(form, config=config)
    if channel is None and not problems:
        problems["category"] = ("No channel takes escalations like this yet: QA admins set "
                                "[escalations].default_channel or a route in config/qabot.toml.")
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=ESCALATION_FIELDS))
        return
    ack()
    now = services.clock()
    acknowledge_by, resolve_by = deadlines(form.severity, now=now, config=config)
    reporter = body["user"]["id"]
    with session_scope(services.engine) as session:
        escalation = create_escalation(session, now=now, escalation=Escalation(
            title=form.title, category=form.category, severity=form.severity, vendor=form.vendor, queue=form.queue,
            items=clean_items(form.items), description=form.description, reporter_id=reporter,
            assignee_id=form.assignee_id, created_at=now, acknowledge_due_at=acknowledge_by,
            resolve_due_at=resolve_by, channel_id=channel,
            source_permalink=source_permalink(view),
        ))
    try:
        posted = ESCALATION_MESSAGE.post(client, engine=services.engine, tracked=escalation)
    except SlackApiError:
        logger.exception("%s is stored but could not be posted to %s", escalation.readable_id, channel)
        client.chat_postMessage(channel=reporter, text=(
            f"{escalation.readable_id} is saved, but I could not post it to <#{channel}>. Nothing you typed "
            "is lost: the bot tries again every few minutes; QA admins can see why in the log."))
        return
    link = client.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])["permalink"]
    client.chat_postMessage(channel=reporter, text=(
        f"Filed {escalation.readable_id} ({escalation.severity}): <{link}|{escalation.title}>. "
        f"Acknowledge by {slack_time(acknowledge_by)}, resolve by {slack_time(resolve_by)}."))


def list_command(respond: Respond, services: Services, *, user_id: str, text: str, now: datetime) -> None:
    """`open` (default), `mine`, or `vendor NAME`."""
    viewer = viewer_for(user_id, config=services.config, groups=services.groups)
    refuse_outsiders(viewer, "escalations")
    word, _, rest = text.strip().partition(" ")
    word = word.lower() or "open"
    if word not in ("open", "mine", "vendor") or (word == "vendor" and not rest.strip()):
        raise QabotError("Use `/qa escalations`, `/qa escalations mine` or `/qa escalations vendor NAME`.")
    # Vendor members see their vendors' escalations, and under `mine` whatever they filed or were given.
    vendors = None if viewer.qa_staff or word == "mine" else tuple(
        spelling for key in viewer.vendors for spelling in (key, services.config.vendors[key].display_name(key)))
    if word == "vendor":
        wanted = rest.strip().casefold()
        matches = [vendor.display_name(key) for key, vendor in services.config.vendors.items()
                   if wanted in vendor.spellings(key)] or [rest.strip()]
        vendors = tuple(v for v in matches if vendors is None or v in vendors)
    with session_scope(services.engine) as session:
        found = list_escalations(session, involving=user_id if word == "mine" else None, vendors=vendors,
                                 limit=LIST_LIMIT)
    if not found:
        respond(text="No open escalations here.", response_type="ephemeral")
        return
    lines = [f"• *{e.readable_id}* {e.severity} {e.status}: {e.title} · {_time_left(e, now)}" for e in found]
    respond(text=f"{len(found)} open escalations", response_type="ephemeral",
            blocks=[section(f"*Open escalations* ({len(found)}{'+' if len(found) == LIST_LIMIT else ''})"),
                    section("\n".join(lines)),
                    {"type": "context", "elements": [mrkdwn("Times are your local time.")]}])


def _time_left(escalation: Escalation, now: datetime) -> str:
    what, due = escalation.waiting_on()
    return f"{what} overdue by {duration(now - due)}" if now > due else f"{duration(due - now)} left for {what}"


def may_close(escalation: Escalation, *, viewer: Viewer) -> bool:
    """Only the assignee, QA staff and the reporter may resolve or reopen."""
    return viewer.qa_staff or viewer.user_id in (escalation.assignee_id, escalation.reporter_id)


def handle_acknowledge(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    ack()
    _acknowledge(client, services, int(action["value"]), viewer=_member(body, services), how="")


def handle_assign(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    ack()
    user = _member(body, services)
    with session_scope(services.engine) as session:
        changed = assign(session, escalation_id=int(action["value"]), assignee_id=user.user_id,
                         actor_id=user.user_id, now=services.clock())
    if changed:
        ESCALATION_MESSAGE.show_change(client, tracked=changed, line=f"Assigned to <@{user.user_id}>.")


def handle_resolve_button(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    ack()
    escalation = _closable(services, int(action["value"]), _member(body, services), "resolve")
    client.views_open(trigger_id=body["trigger_id"],
                      view=resolution_modal(escalation, root_causes=services.config.escalations.root_causes))


def handle_resolution(ack: Ack, body: dict, view: dict, client: WebClient, services: Services) -> None:
    resolution, root_cause = read_resolution(view)
    problems = {}
    if not resolution:
        problems["resolution"] = "Say what was done, so the next person can learn from it."
    if root_cause not in services.config.escalations.root_causes:
        problems["root_cause"] = "Choose a root cause."
    user = viewer_for(body["user"]["id"], config=services.config, groups=services.groups)
    try:
        escalation = _closable(services, resolving(view), user, "resolve")
    except AccessDenied as refusal:  # answered in the modal: a view submission has no response_url
        problems["resolution"] = str(refusal)
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=RESOLUTION_FIELDS))
        return
    ack()
    with session_scope(services.engine) as session:
        changed = resolve(session, escalation_id=escalation.id, user_id=user.user_id, resolution=resolution,
                          root_cause=root_cause, now=services.clock())
    if changed:
        ESCALATION_MESSAGE.show_change(client, tracked=changed,
                                       line=f"Resolved by <@{user.user_id}> ({root_cause}): {resolution}")


def handle_reopen(ack: Ack, body: dict, action: dict, client: WebClient, services: Services) -> None:
    ack()
    user = _member(body, services)
    escalation = _closable(services, int(action["value"]), user, "reopen")
    with session_scope(services.engine) as session:
        changed = reopen(session, escalation_id=escalation.id, user_id=user.user_id, now=services.clock())
    if changed:
        ESCALATION_MESSAGE.show_change(client, tracked=changed, line=f"Reopened by <@{user.user_id}>.")


def _closable(services: Services, escalation_id: int, user: Viewer, verb: str) -> Escalation:
    """The escalation, if this user may resolve or reopen it; AccessDenied saying who may."""
    with session_scope(services.engine) as session:
        escalation = get_escalation(session, escalation_id=escalation_id)
    if escalation is None:
        raise QabotError(f"ESC-{escalation_id} does not exist (any more).")
    if not may_close(escalation, viewer=user):
        raise AccessDenied(f"Only the assignee, the reporter or QA staff can {verb} {escalation.readable_id}.")
    return escalation


def _member(body: dict, services: Services) -> Viewer:
    viewer = viewer_for(body["user"]["id"], config=services.config, groups=services.groups)
    refuse_outsiders(viewer, "an escalation")
    return viewer
