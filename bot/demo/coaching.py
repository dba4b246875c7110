"""The demo's root-cause and coaching steps: `/qa errors vendor acme 30d`, then the agent who repeats the top
error most is coached through the real form, and a coaching recorded two weeks earlier gets its follow-up."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.coaching.follow_up import follow_up_due
from bot.coaching.rules import CoachingForm
from bot.coaching.service import record_coaching
from bot.kpi.periods import last_days
from bot.rca.service import terminal_errors
from bot.render.readable import blocks_as_text
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.standin import FakeSlack, SlackSender
from bot.store.db import session_scope

Echo = Callable[[str], None]
WAIT_SECONDS = 30
COACHED_DAYS_AGO = 14


def errors_and_coaching(runtime: Runtime, *, sender: SlackSender, slack: FakeSlack, user_id: str, now: datetime,
                        chart_path: Path, echo: Echo) -> None:
    echo("\n> /qa errors vendor acme 30d      (root-cause analysis)")
    delivery = sender.slash_command("errors vendor acme 30d", user_id=user_id)
    key = delivery.response_url.rsplit("/", 1)[1]
    calls = slack.wait_for(lambda calls: any(c.method == "response_url" and c.args["key"] == key for c in calls),
                           timeout=WAIT_SECONDS)
    reply = next(call for call in calls if call.method == "response_url" and call.args["key"] == key)
    echo(f"  acknowledged with HTTP {delivery.status} in {delivery.seconds * 1000:.0f} ms\n")
    echo(blocks_as_text(reply.args.get("blocks") or []))
    image = next((block for block in reply.args.get("blocks") or [] if block["type"] == "image"), None)
    if image:
        path = chart_path.with_name(f"{chart_path.stem}-errors{chart_path.suffix}")
        path.write_bytes(slack.files[image["slack_file"]["id"]])
        echo(f"The Pareto chart is saved at {path.resolve()}")
    with session_scope(runtime.engine) as session:
        view = terminal_errors(session, config=runtime.config, scopes={"vendor": "acme"},
                               period=last_days(30, now=now), category_text=None)
    if not view.repeats:
        echo("\n(nobody at Acme repeats an error in the last 30 days: the coaching demo is skipped)")
        return
    repeat = view.repeats[0]
    _coach_through_the_form(sender, slack, agent_id=repeat.agent_id, category=repeat.category, user_id=user_id,
                            echo=echo)
    _follow_up(runtime, slack, agent_id=repeat.agent_id, category=repeat.category, user_id=user_id, now=now,
               echo=echo)


def _coach_through_the_form(sender: SlackSender, slack: FakeSlack, *, agent_id: str, category: str, user_id: str,
                            echo: Echo) -> None:
    echo(f"\n> /qa coach {agent_id} \"{category}\"      ({agent_id} repeats it most; the form opens prefilled)")
    before = len(slack.calls_to("views.open"))
    sender.slash_command(f'coach {agent_id} "{category}"', user_id=user_id)
    opened = slack.wait_for_calls("views.open", before + 1, timeout=WAIT_SECONDS)[before].args["view"]
    view = opened if isinstance(opened, dict) else json.loads(opened)
    fields = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}
    state = {
        BlockId.COACHING_CATEGORY: {"type": "static_select", "selected_option": {"value": category}},
        BlockId.COACHING_AUDITS: {"type": "plain_text_input",
                                  "value": fields[BlockId.COACHING_AUDITS].get("initial_value", "")},
        BlockId.COACHING_NOTES: {"type": "plain_text_input", "value": "Walked through the context cues."},
        BlockId.COACHING_COACH: {"type": "users_select", "selected_user": user_id},
        BlockId.COACHING_FOLLOW_UP: {"type": "datepicker",
                                     "selected_date": fields[BlockId.COACHING_FOLLOW_UP]["initial_date"]},
    }
    posted = len(slack.calls_to("chat.postMessage"))
    answer = sender.view_submission(callback_id=CallbackId.COACHING_MODAL, user_id=user_id,
                                    values={block: {ActionId.FIELD_VALUE: element} for block, element in state.items()},
                                    private_metadata=view["private_metadata"], blocks=view["blocks"])
    if answer.body:
        echo(f"  the form answered: {answer.body}")
        return
    dm = slack.wait_for_calls("chat.postMessage", posted + 1, timeout=WAIT_SECONDS)[posted].args
    echo("  recorded; the coach is told by DM:\n")
    echo(blocks_as_text(dm.get("blocks") or []))


def _follow_up(runtime: Runtime, slack: FakeSlack, *, agent_id: str, category: str, user_id: str, now: datetime,
               echo: Echo) -> None:
    """A coaching of the same agent recorded two weeks ago (the service on a clock set back) is due today."""
    earlier = dataclasses.replace(runtime, clock=lambda: now - timedelta(days=COACHED_DAYS_AGO))
    record = record_coaching(earlier, viewer=Viewer(user_id, config=runtime.config, groups=runtime.groups),
                             form=CoachingForm(agent_id=agent_id, category=category, policy=None, audit_ids=[],
                                               notes="", coach_id=user_id, follow_up_on=now.date()))
    echo(f"\n> coaching follow-ups (a scheduled job, run now; {record.readable_id} was recorded "
         f"{COACHED_DAYS_AGO} days ago and is due today)")
    posted = len(slack.calls_to("chat.postMessage"))
    echo(f"  {follow_up_due(runtime, now=now)}\n")
    follow_up = slack.calls_to("chat.postMessage")[posted:]
    if follow_up:
        echo(blocks_as_text(follow_up[-1].args.get("blocks") or []))
