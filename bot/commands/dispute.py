"""Disputes in Slack: `/qa dispute AUDIT_ID [reason]` and the Dispute button open the filing form; the posted
dispute's Uphold QA, Overturn and Assign to me buttons. Listeners read the request and answer with what
bot/disputes/service.py returns."""

from __future__ import annotations

from slack_bolt import Ack, Respond

from bot.disputes import auditor_service, service
from bot.errors import QabotError
from bot.render.dispute_blocks import (
    auditor_blocks,
    auditors_blocks,
    decision_modal,
    dispute_modal,
    disputes_list_blocks,
)
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.forms import DECISION_FIELDS, DISPUTE_FIELDS, field_errors, read_decision, read_dispute


def open_modal(runtime: Runtime, *, viewer: Viewer, trigger_id: str, text: str) -> None:
    start = service.start_form(runtime, viewer=viewer, text=text)
    runtime.client.views_open(trigger_id=trigger_id, view=dispute_modal(start.audit, labels=start.labels,
                                                                        reason=start.reason))


def list_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    found = service.visible_disputes(runtime, viewer=viewer, text=text)
    respond(text=f"{found.title}: {len(found.disputes)}", response_type="ephemeral",
            blocks=disputes_list_blocks(found.title, found.disputes, now=runtime.clock(), breakdown=found.breakdown))


def auditor_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    figures, period = auditor_service.auditor_view(runtime, viewer=viewer, text=text)
    respond(text=f"Auditor {figures.auditor_id}", response_type="ephemeral", blocks=auditor_blocks(
        figures, period=period, target=runtime.config.disputes.auditor_overturn_target))


def auditors_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    ranking, period = auditor_service.auditors_view(runtime, viewer=viewer, text=text)
    respond(text=f"{len(ranking)} auditors", response_type="ephemeral", blocks=auditors_blocks(
        ranking, period=period, target=runtime.config.disputes.auditor_overturn_target))


def handle_dispute_button(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    """The Dispute button next to an error a scorecard lists: the same form."""
    ack()
    open_modal(runtime, viewer=viewer, trigger_id=body["trigger_id"], text=action["value"])


def handle_submission(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    """Checked before the form closes; stored, posted and the filer told after."""
    form = read_dispute(view)
    problems = service.filing_form_problems(runtime, viewer=viewer, form=form)
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=DISPUTE_FIELDS))
        return
    ack()
    service.file_dispute(runtime, viewer=viewer, form=form)


def handle_uphold(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    _open_decision(ack, body, action, viewer, runtime, overturn=False)


def handle_overturn(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    _open_decision(ack, body, action, viewer, runtime, overturn=True)


def _open_decision(ack: Ack, body: dict, action: dict, viewer: Viewer, runtime: Runtime, *, overturn: bool) -> None:
    ack()
    dispute, labels = service.deciding(runtime, int(action["value"]), viewer=viewer)
    runtime.client.views_open(trigger_id=body["trigger_id"],
                              view=decision_modal(dispute, overturn=overturn, labels=labels))


def handle_decision(ack: Ack, view: dict, viewer: Viewer, runtime: Runtime) -> None:
    decision = read_decision(view)
    service.may_decide(runtime, decision.dispute_id, viewer=viewer)  # refusals come back inside the form
    problems = {}
    if decision.overturn and not decision.final_label:
        problems["final_label"] = "Choose the final verdict."
    if not decision.note:
        problems["note"] = "Say why, for the filer and the auditor."
    if problems:
        ack(response_action="errors", errors=field_errors(problems, fields=DECISION_FIELDS))
        return
    ack()
    decided = service.decide_dispute(runtime, decision.dispute_id, viewer=viewer, overturn=decision.overturn,
                                     note=decision.note, final_label=decision.final_label)
    if decided is None:
        raise QabotError("Someone decided that dispute a moment before you; its thread says how.")


def handle_assign(ack: Ack, action: dict, viewer: Viewer, runtime: Runtime) -> None:
    ack()
    service.take(runtime, int(action["value"]), viewer=viewer)
