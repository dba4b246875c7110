"""Coaching in Slack: `/qa coach AGENT ["category"]` and the Coach button open the form; `/qa coaching ...`
lists records; a follow-up's Close and Extend buttons. Listeners read the request and answer with what
bot/coaching/service.py returns."""

from __future__ import annotations

from slack_bolt import Ack, Respond

from bot.coaching import service
from bot.render.coaching_blocks import coaching_list_blocks, coaching_modal
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.command_text import quoted_part
from bot.slack.forms import COACHING_FIELDS, field_errors, read_coaching


def open_modal(runtime: Runtime, *, viewer: Viewer, trigger_id: str, text: str) -> None:
    """`text`: the agent, then maybe a category in quotes (`agent-7 "missed context"`)."""
    agent_text, category = quoted_part(text, usage='Try `/qa coach agent-7` or `/qa coach @name "missed context"`.')
    start = service.start_form(runtime, viewer=viewer, agent_text=agent_text, category_text=category)
    runtime.client.views_open(trigger_id=trigger_id, view=coaching_modal(
        agent_id=start.agent_id, categories=start.categories, policies=start.policies, category=start.category,
        audit_ids=start.audit_ids, coach_id=start.coach_id, follow_up_on=start.follow_up_on))


def handle_coach_button(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    """The Coach button of an agent scorecard: the same form."""
    ack()
    open_modal(runtime, viewer=viewer, trigger_id=body["trigger_id"], text=action["value"])


def handle_submission(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Checked before the form closes (problems go under their fields); stored and told after, so the DMs
    never hold up Slack's answer."""
    form = read_coaching(view)
    problems = service.coaching_problems(runtime, viewer=viewer, form=form)
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=COACHING_FIELDS, view=view,
                                                          fallback="notes"))
        return
    ack()
    service.record_coaching(runtime, viewer=viewer, form=form)


def list_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    found = service.coaching_list(runtime, viewer=viewer, text=text)
    respond(text=f"{found.title}: {len(found.records)} record(s)", response_type="ephemeral",
            blocks=coaching_list_blocks(found.title, found.records, found.effectiveness))


def handle_close(ack: Ack, action: dict, viewer: Viewer, respond: Respond, runtime: Runtime) -> None:
    ack()
    record = service.close(runtime, int(action["value"]), viewer=viewer)
    respond(text=f"{record.readable_id} closed." if record else "It was closed already.",
            response_type="ephemeral", replace_original=False)


def handle_extend(ack: Ack, action: dict, viewer: Viewer, respond: Respond, runtime: Runtime) -> None:
    ack()
    record = service.extend(runtime, int(action["value"]), viewer=viewer)
    respond(text=f"{record.readable_id}: the next follow-up is on {record.follow_up_on:%a %d %b %Y}." if record
            else "Nothing to extend: it is closed, or already waits for that day or later.",
            response_type="ephemeral", replace_original=False)

