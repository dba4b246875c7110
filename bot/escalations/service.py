"""Escalations, for the Slack listeners and the repost job alike: filing, acknowledging, assigning,
resolving, reopening and listing, each checked against who may (bot/slack/access.py).

Filing stores first, then posts to the routed channel, then tells the reporter by DM; if
posting fails the escalation stays stored, unposted (the repost job tries again), and the
reporter is told. Every change updates the posted message and says so in its thread.
"""

from __future__ import annotations

import logging
from functools import partial

from slack_sdk.errors import SlackApiError

from bot.errors import QabotError
from bot.escalations.posting import ESCALATION_MESSAGE
from bot.escalations.rules import EscalationForm, clean_items, deadlines, form_problems, route
from bot.runtime import Runtime
from bot.slack.access import Viewer, is_member, may_close_escalation, refuse_outsiders, require
from bot.slack.reactions import ReactionAcknowledgement
from bot.store import escalations as store
from bot.store.db import session_scope
from bot.store.kpi import distinct_values
from bot.store.records import Escalation
from bot.wording import slack_time

logger = logging.getLogger(__name__)
LIST_LIMIT = 20
LIST_USAGE = "Use `/qa escalations`, `/qa escalations mine` or `/qa escalations vendor NAME`."


def form_choices(runtime: Runtime, *, viewer: Viewer) -> tuple[list[str], list[str]]:
    """The vendors and queues the filing form offers (members only)."""
    refuse_outsiders(viewer, "escalate")
    with session_scope(runtime.engine) as session:
        vendors = sorted({vendor.display_name(key) for key, vendor in runtime.config.vendors.items()}
                         | set(distinct_values(session, column="vendor")))
        queues = distinct_values(session, column="queue")
    return vendors, queues


def filing_problems(runtime: Runtime, form: EscalationForm) -> tuple[dict[str, str], str | None]:
    """What is wrong with the form, by field, and the channel it routes to."""
    config = runtime.config.escalations
    problems = form_problems(form, config=config)
    channel = route(form, config=config)
    if channel is None and not problems:
        problems["category"] = ("No channel takes escalations like this yet: QA admins set "
                                "[escalations].default_channel or a route in config/qabot.toml.")
    return problems, channel


def file_escalation(runtime: Runtime, form: EscalationForm, *, reporter_id: str, channel: str,
                    source_permalink: str | None) -> Escalation:
    """Store, post and tell the reporter (see the module docstring for a post that fails)."""
    now, client = runtime.clock(), runtime.client
    acknowledge_by, resolve_by = deadlines(form.severity, now=now, config=runtime.config.escalations)
    with session_scope(runtime.engine) as session:
        escalation = store.create_escalation(session, now=now, escalation=Escalation(
            title=form.title, category=form.category, severity=form.severity, vendor=form.vendor, queue=form.queue,
            items=clean_items(form.items), description=form.description, reporter_id=reporter_id,
            assignee_id=form.assignee_id, created_at=now, acknowledge_due_at=acknowledge_by,
            resolve_due_at=resolve_by, channel_id=channel, source_permalink=source_permalink,
        ))
    try:
        posted = ESCALATION_MESSAGE.post(client, engine=runtime.engine, tracked=escalation)
    except SlackApiError:
        logger.exception("%s is stored but could not be posted to %s", escalation.readable_id, channel)
        client.chat_postMessage(channel=reporter_id, text=(
            f"{escalation.readable_id} is saved, but I could not post it to <#{channel}>. Nothing you typed "
            "is lost: the bot tries again every few minutes; QA admins can see why in the log."))
        return escalation
    link = client.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])["permalink"]
    client.chat_postMessage(channel=reporter_id, text=(
        f"Filed {escalation.readable_id} ({escalation.severity}): <{link}|{escalation.title}>. "
        f"Acknowledge by {slack_time(acknowledge_by)}, resolve by {slack_time(resolve_by)}."))
    return escalation


def acknowledge(runtime: Runtime, escalation_id: int, *, viewer: Viewer, how: str = "") -> None:
    refuse_outsiders(viewer, "an escalation")
    with session_scope(runtime.engine) as session:
        changed = store.acknowledge(session, escalation_id=escalation_id, user_id=viewer.user_id, now=runtime.clock())
    _show(runtime, changed, f"Acknowledged by <@{viewer.user_id}>{how}.")


def reaction_acknowledgement(runtime: Runtime) -> ReactionAcknowledgement[Escalation]:
    """An acknowledgement emoji on an escalation's message acknowledges it, as the button does: any member may."""
    return ReactionAcknowledgement(emoji=runtime.config.escalations.acknowledge_emoji, find=store.find_by_message,
                                   may_acknowledge=lambda viewer, _escalation: is_member(viewer),
                                   acknowledge=partial(acknowledge, runtime))


def take(runtime: Runtime, escalation_id: int, *, viewer: Viewer) -> None:
    """Assign the escalation to the person who clicked."""
    refuse_outsiders(viewer, "an escalation")
    with session_scope(runtime.engine) as session:
        changed = store.assign(session, escalation_id=escalation_id, assignee_id=viewer.user_id,
                               actor_id=viewer.user_id, now=runtime.clock())
    _show(runtime, changed, f"Assigned to <@{viewer.user_id}>.")


def closable(runtime: Runtime, escalation_id: int, *, viewer: Viewer, verb: str) -> Escalation:
    """The escalation, if this user may resolve or reopen it; AccessDenied saying who may."""
    with session_scope(runtime.engine) as session:
        escalation = store.get_escalation(session, escalation_id=escalation_id)
    if escalation is None:
        raise QabotError(f"ESC-{escalation_id} does not exist (any more).")
    require(may_close_escalation(viewer, assignee_id=escalation.assignee_id, reporter_id=escalation.reporter_id),
            viewer, f"to {verb} {escalation.readable_id}",
            f"Only the assignee, the reporter or QA staff can {verb} {escalation.readable_id}.")
    return escalation


def resolution_problems(runtime: Runtime, *, resolution: str, root_cause: str | None) -> dict[str, str]:
    problems = {}
    if not resolution:
        problems["resolution"] = "Say what was done, so the next person can learn from it."
    if root_cause not in runtime.config.escalations.root_causes:
        problems["root_cause"] = "Choose a root cause."
    return problems


def resolve(runtime: Runtime, escalation: Escalation, *, viewer: Viewer, resolution: str, root_cause: str) -> None:
    with session_scope(runtime.engine) as session:
        changed = store.resolve(session, escalation_id=escalation.id, user_id=viewer.user_id, resolution=resolution,
                                root_cause=root_cause, now=runtime.clock())
    _show(runtime, changed, f"Resolved by <@{viewer.user_id}> ({root_cause}): {resolution}")


def reopen(runtime: Runtime, escalation_id: int, *, viewer: Viewer) -> None:
    refuse_outsiders(viewer, "an escalation")
    escalation = closable(runtime, escalation_id, viewer=viewer, verb="reopen")
    with session_scope(runtime.engine) as session:
        changed = store.reopen(session, escalation_id=escalation.id, user_id=viewer.user_id, now=runtime.clock())
    _show(runtime, changed, f"Reopened by <@{viewer.user_id}>.")


def open_escalations(runtime: Runtime, *, viewer: Viewer, text: str) -> list[Escalation]:
    """`open` (default), `mine`, or `vendor NAME`; vendor members see their vendors' escalations, and under
    `mine` whatever they filed or were given."""
    refuse_outsiders(viewer, "escalations")
    word, _, rest = text.strip().partition(" ")
    word = word.lower() or "open"
    if word not in ("open", "mine", "vendor") or (word == "vendor" and not rest.strip()):
        raise QabotError(LIST_USAGE)
    vendors_config = runtime.config.vendors
    vendors = None if viewer.qa_staff or word == "mine" else tuple(
        spelling for key in viewer.vendors for spelling in (key, vendors_config[key].display_name(key)))
    if word == "vendor":
        wanted = rest.strip().casefold()
        matches = [vendor.display_name(key) for key, vendor in vendors_config.items()
                   if wanted in vendor.spellings(key)] or [rest.strip()]
        vendors = tuple(v for v in matches if vendors is None or v in vendors)
    with session_scope(runtime.engine) as session:
        return store.list_escalations(session, involving=viewer.user_id if word == "mine" else None,
                                      vendors=vendors, limit=LIST_LIMIT)


def _show(runtime: Runtime, changed: Escalation | None, line: str) -> None:
    """Update the posted message and say what changed in its thread (nothing changed: a double click)."""
    if changed:
        ESCALATION_MESSAGE.show_change(runtime.client, tracked=changed, line=line)
