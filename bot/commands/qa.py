"""`/qa ...`: one table of subcommands; the scorecards (vendor, agent, queue, policy) and their Share button.

Slack allows 3 seconds for an answer: the acknowledgement goes first (bot/slack/listeners.py),
the figures, the chart and the upload follow. Replies go through response_url, seen by the
requester only, which works in channels the bot is not in and in DMs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack, Respond

from bot.commands import alerts, calibrate, coach, dispute, errors, escalate, review, sample
from bot.errors import QabotError
from bot.kpi.scopes import SLACK_SCORECARD_KINDS
from bot.kpi.service import visible_scorecard
from bot.render.blocks import help_blocks, scorecard_blocks, scorecard_summary, share_value
from bot.runtime import Runtime
from bot.slack.access import Viewer, may_coach_someone
from bot.slack.command_text import agent_id_from, parse_qa_text, words_after_subcommand
from bot.slack.files import scorecard_chart
from bot.slack.ids import COMMAND

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QaCall:
    """One `/qa` request, as every subcommand takes it."""

    text: str
    viewer: Viewer
    trigger_id: str
    respond: Respond
    runtime: Runtime

    @property
    def words(self) -> str:
        return words_after_subcommand(self.text)


def _help(call: QaCall) -> None:
    call.respond(text="How to use /qa", blocks=help_blocks(), response_type="ephemeral")


def _scorecard(call: QaCall) -> None:
    request = parse_qa_text(call.text)
    if not request.name:
        raise QabotError(f"Say which {request.subcommand}: `{COMMAND} {request.subcommand} NAME [period]`.")
    name = agent_id_from(request.name, config=call.runtime.config) if request.subcommand == "agent" else request.name
    send_scorecard(call.respond, call.runtime, viewer=call.viewer, scopes={request.subcommand: name},
                   period_text=request.period_text, shared=False)


#: `/qa WORD ...` -> what answers it. A new subcommand is one line here.
SUBCOMMANDS: dict[str, Callable[[QaCall], None]] = {
    "": _help,
    "help": _help,
    **{kind: _scorecard for kind in SLACK_SCORECARD_KINDS},
    "escalate": lambda call: escalate.open_modal(call.runtime, viewer=call.viewer, trigger_id=call.trigger_id,
                                                 text=call.words),
    "escalations": lambda call: escalate.list_command(call.respond, call.runtime, viewer=call.viewer,
                                                      text=call.words),
    "errors": lambda call: errors.errors_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "review": lambda call: review.review_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "sample": lambda call: sample.sample_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "coach": lambda call: coach.open_modal(call.runtime, viewer=call.viewer, trigger_id=call.trigger_id,
                                           text=call.words),
    "coaching": lambda call: coach.list_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "dispute": lambda call: dispute.open_modal(call.runtime, viewer=call.viewer, trigger_id=call.trigger_id,
                                               text=call.words),
    "disputes": lambda call: dispute.list_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "auditor": lambda call: dispute.auditor_command(call.respond, call.runtime, viewer=call.viewer, text=call.words),
    "auditors": lambda call: dispute.auditors_command(call.respond, call.runtime, viewer=call.viewer,
                                                      text=call.words),
    "alerts": lambda call: alerts.list_command(call.respond, call.runtime, viewer=call.viewer),
    "calibrate": lambda call: calibrate.open_modal(call.runtime, viewer=call.viewer, trigger_id=call.trigger_id),
    "calibration": lambda call: calibrate.show_command(call.respond, call.runtime, viewer=call.viewer,
                                                       text=call.words),
    "calibrations": lambda call: calibrate.list_command(call.respond, call.runtime, viewer=call.viewer),
}


def handle_qa(ack: Ack, command: dict, viewer: Viewer, respond: Respond, runtime: Runtime) -> None:
    ack()
    call = QaCall(text=command.get("text", ""), viewer=viewer, trigger_id=command["trigger_id"],
                  respond=respond, runtime=runtime)
    subcommand = parse_qa_text(call.text).subcommand
    answer = SUBCOMMANDS.get(subcommand)
    if answer is None:
        respond(text=f"I don't know `{subcommand}`.", response_type="ephemeral",
                blocks=help_blocks(f"I don't know `{COMMAND} {subcommand}`. This is what I can do:"))
        return
    answer(call)


def handle_share(ack: Ack, action: dict, viewer: Viewer, respond: Respond, runtime: Runtime) -> None:
    """Post the scorecard the requester is looking at into the channel, after checking again."""
    ack()
    request = json.loads(action["value"])
    send_scorecard(respond, runtime, viewer=viewer, scopes=request["scopes"],
                   period_text=request["period"], shared=True, chart_file_id=request.get("chart"))


def send_scorecard(respond: Respond, runtime: Runtime, *, viewer: Viewer, scopes: dict[str, str],
                   period_text: str, shared: bool, chart_file_id: str | None = None) -> None:
    visible = visible_scorecard(runtime, viewer=viewer, scopes=scopes, period_text=period_text, shared=shared)
    card = visible.card
    if card.accuracy is not None and chart_file_id is None:
        chart_file_id = scorecard_chart(runtime.client, card, charts=runtime.charts, draw=runtime.draw)
    offer_share = not (visible.about_people or shared)
    agents = [scope.label for scope in visible.scopes if scope.kind == "agent"]
    blocks = scorecard_blocks(
        card, chart_file_id=chart_file_id, private=visible.about_people,
        coach_agent=agents[0] if len(agents) == 1 and not shared and may_coach_someone(viewer) else None,
        disputable=not shared and runtime.config.disputes.takes_disputes,
        share_value=share_value(scopes={scope.kind: scope.label for scope in visible.scopes},
                                period_text=period_text, chart_file_id=chart_file_id) if offer_share else None,
    )
    if shared:
        respond(text=scorecard_summary(card), blocks=blocks, response_type="in_channel", replace_original=False,
                delete_original=False)
        logger.info("user %s shared %s", viewer.user_id, card.label)
    else:
        respond(text=scorecard_summary(card), blocks=blocks, response_type="ephemeral")
