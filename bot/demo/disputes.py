"""The demo's dispute step: an Acme team lead contests one of Acme's latest errors through the real form, a QA
lead overturns it with the real buttons, and Acme's scorecard is shown before and after."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from bot.kpi.periods import last_days
from bot.render.readable import blocks_as_text
from bot.runtime import Runtime
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.standin import FakeSlack, SlackSender
from bot.store.db import session_scope
from bot.store.kpi import latest_errors

Echo = Callable[[str], None]
WAIT_SECONDS = 30
DEMO_ACME_LEAD = "UDEMOACME01"


def dispute_and_overturn(runtime: Runtime, *, sender: SlackSender, slack: FakeSlack, qa_lead: str, now: datetime,
                         echo: Echo) -> None:
    audit = _latest_acme_error(runtime, now)
    if audit is None:
        echo("\n(no recent Acme errors: the dispute demo is skipped)")
        return
    echo(f"\n> /qa dispute {audit.audit_id}      (as Acme's team lead {DEMO_ACME_LEAD}: QA said "
         f"{audit.qa_decision}, the agent {audit.agent_decision})")
    before = _accuracy_line(sender, slack, qa_lead)
    view = _opened(slack, lambda: sender.slash_command(f"dispute {audit.audit_id}", user_id=DEMO_ACME_LEAD))
    field = {"type": "static_select", "selected_option": {"value": audit.agent_decision}}
    answer = sender.view_submission(
        callback_id=CallbackId.DISPUTE_MODAL, user_id=DEMO_ACME_LEAD, private_metadata=view["private_metadata"],
        blocks=view["blocks"], values={
            BlockId.DISPUTE_LABEL: {ActionId.FIELD_VALUE: field},
            BlockId.DISPUTE_REASON: {ActionId.FIELD_VALUE: {"type": "plain_text_input",
                                                            "value": "The agent's label fits this content."}},
            BlockId.DISPUTE_EVIDENCE: {ActionId.FIELD_VALUE: {"type": "plain_text_input", "value": ""}}})
    if answer.body:
        echo(f"  the form answered: {answer.body} (the dispute demo stops here)")
        return
    posted = slack.wait_for(lambda calls: any(c.method == "chat.postMessage" and "DSP-" in json.dumps(c.args)
                                              for c in calls), timeout=WAIT_SECONDS)
    post = next(c.args for c in posted if c.method == "chat.postMessage" and "DSP-" in json.dumps(c.args))
    echo("  posted to the disputes channel:\n")
    echo(blocks_as_text(post.get("blocks") or []))
    dispute_id = re.search(r"DSP-(\d+)", json.dumps(post)).group(1)
    decision = _opened(slack, lambda: sender.block_action(action_id=ActionId.DISPUTE_OVERTURN, value=dispute_id,
                                                          user_id=qa_lead))
    sender.view_submission(
        callback_id=CallbackId.DISPUTE_DECISION_MODAL, user_id=qa_lead, private_metadata=decision["private_metadata"],
        values={BlockId.DECISION_LABEL: {ActionId.FIELD_VALUE: field},
                BlockId.DECISION_NOTE: {ActionId.FIELD_VALUE: {"type": "plain_text_input",
                                                               "value": "Agreed: QA misread the policy."}}})
    slack.wait_for(lambda calls: any(c.method == "chat.postMessage" and "overturned by" in c.args.get("text", "")
                                     for c in calls), timeout=WAIT_SECONDS)
    echo(f"> Overturn      (as the QA lead: final verdict {audit.agent_decision})")
    echo(f"  Acme's accuracy, last 7 days, before: {before}")
    echo(f"  Acme's accuracy, last 7 days, after:  {_accuracy_line(sender, slack, qa_lead)}")


def _latest_acme_error(runtime: Runtime, now: datetime):
    """One of the demo's Acme agents' latest errors (the demo data names them man-acme-NNN and ceb-acme-NNN)."""
    period = last_days(3, now=now)
    agents = [f"{site}-acme-{number:03d}" for site in ("man", "ceb") for number in range(1, 71)]
    with session_scope(runtime.engine) as session:
        errors = latest_errors(session, agent_ids=agents, first_day=period.first_day, last_day=period.last_day,
                               limit=1)
    return errors[0] if errors else None


def _opened(slack: FakeSlack, press: Callable[[], object]) -> dict:
    before = len(slack.calls_to("views.open"))
    press()
    view = slack.wait_for_calls("views.open", before + 1, timeout=WAIT_SECONDS)[before].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def _accuracy_line(sender: SlackSender, slack: FakeSlack, user_id: str) -> str:
    delivery = sender.slash_command("vendor acme 7d", user_id=user_id)
    key = delivery.response_url.rsplit("/", 1)[1]
    calls = slack.wait_for(lambda calls: any(c.method == "response_url" and c.args["key"] == key for c in calls),
                           timeout=WAIT_SECONDS)
    reply = next(c.args for c in calls if c.method == "response_url" and c.args["key"] == key)
    fields = next(block["fields"] for block in reply["blocks"] if block.get("fields"))
    texts = {f["text"].split("\n")[0]: f["text"].split("\n", 1)[1] for f in fields}
    disputes = texts.get("*Disputes*", "no disputes").replace("\n", ", ")
    return f"{texts['*Accuracy*']} · {disputes}"
