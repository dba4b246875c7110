"""`/qa ...`: help, and the vendor / agent / queue / policy scorecards with their chart.

Slack allows 3 seconds for an answer, so each listener acks first; the query, the
chart and the upload follow. Replies go through response_url, seen by the
requester only, which works in channels the bot is not in and in DMs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.commands import alerts, calibrate, escalate
from bot.commands.scorecard import resolve_scopes, scorecard_for
from bot.errors import QabotError, UnknownScopeError
from bot.kpi.periods import parse_period
from bot.kpi.scopes import SCOPE_KINDS, ResolvedScope
from bot.kpi.scorecard import Scorecard
from bot.render.blocks import help_blocks, scorecard_blocks, scorecard_summary, share_value
from bot.render.charts import trend_chart
from bot.services import Services
from bot.slack.access import Viewer, authorise, not_visible, refuse_outsiders, viewer_for
from bot.slack.errors import SLACK_FAILURES
from bot.slack.files import upload_png
from bot.slack.ids import COMMAND
from bot.store.audits import data_version
from bot.store.db import session_scope
from bot.store.kpi import vendors_of_agents

logger = logging.getLogger(__name__)
SCORECARD_KINDS = tuple(SCOPE_KINDS)[:4]  # vendor, agent, queue, policy; market and site are for the terminal
DEFAULT_PERIOD = "7d"
_PERIOD_AT_END = re.compile(r"^(?P<name>.*?)\s*(?P<period>\b\d+\s*d(?:ays?)?|\bsince\s+\S+|\S+\s*\.\.\s*\S+)?\s*$",
                            re.IGNORECASE)
_MENTION = re.compile(r"^<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True)
class QaRequest:
    subcommand: str
    name: str
    period_text: str


def parse_qa_text(text: str) -> QaRequest:
    """`vendor Acme BPO 30d` -> ('vendor', 'Acme BPO', '30d')."""
    subcommand, _, rest = text.strip().partition(" ")
    match = _PERIOD_AT_END.match(rest.strip())
    name, period = (match.group("name"), match.group("period")) if match else (rest, None)
    return QaRequest(subcommand.lower(), name.strip(), (period or DEFAULT_PERIOD).strip())


def handle_qa(ack: Ack, command: dict, respond: Respond, client: WebClient, services: Services) -> None:
    ack()
    request = parse_qa_text(command.get("text", ""))
    if request.subcommand == "escalate":
        escalate.open_modal(client, services, user_id=command["user_id"], trigger_id=command["trigger_id"],
                            text=command.get("text", "").strip()[len("escalate"):].strip())
        return
    if request.subcommand == "calibrate":
        calibrate.open_modal(client, services, user_id=command["user_id"], trigger_id=command["trigger_id"])
        return
    if request.subcommand == "calibration":
        calibrate.show_command(respond, client, services, user_id=command["user_id"],
                               text=command.get("text", "").strip()[len("calibration"):])
        return
    if request.subcommand == "calibrations":
        calibrate.list_command(respond, services, user_id=command["user_id"])
        return
    if request.subcommand == "alerts":
        alerts.list_command(respond, services, user_id=command["user_id"], now=services.clock())
        return
    if request.subcommand == "escalations":
        escalate.list_command(respond, services, user_id=command["user_id"],
                              text=command.get("text", "").strip()[len("escalations"):], now=services.clock())
        return
    if request.subcommand in ("", "help"):
        respond(text="How to use /qa", blocks=help_blocks(), response_type="ephemeral")
        return
    if request.subcommand not in SCORECARD_KINDS:
        respond(text=f"I don't know `{request.subcommand}`.", response_type="ephemeral",
                blocks=help_blocks(f"I don't know `{COMMAND} {request.subcommand}`. This is what I can do:"))
        return
    if not request.name:
        raise QabotError(f"Say which {request.subcommand}: `{COMMAND} {request.subcommand} NAME [period]`.")
    scopes = {request.subcommand: _agent_id(request.name, services) if request.subcommand == "agent" else request.name}
    send_scorecard(respond, client, services, user_id=command["user_id"], scopes=scopes,
                   period_text=request.period_text, shared=False)


def handle_share(ack: Ack, body: dict, action: dict, respond: Respond, client: WebClient, services: Services) -> None:
    """Post the scorecard the requester is looking at into the channel, after checking again."""
    ack()
    request = json.loads(action["value"])
    send_scorecard(respond, client, services, user_id=body["user"]["id"], scopes=request["scopes"],
                   period_text=request["period"], shared=True, chart_file_id=request.get("chart"))


def send_scorecard(
    respond: Respond,
    client: WebClient,
    services: Services,
    *,
    user_id: str,
    scopes: dict[str, str],
    period_text: str,
    shared: bool,
    chart_file_id: str | None = None,
) -> None:
    period = parse_period(period_text, now=services.clock())
    viewer = viewer_for(user_id, config=services.config, groups=services.groups)
    refuse_outsiders(viewer, ", ".join(f"{kind} {name}" for kind, name in scopes.items()))
    with session_scope(services.engine) as session:
        with services.computing:
            allowed = _allowed_scopes(session, services, viewer=viewer, scopes=scopes)
            key = (tuple((scope.kind, scope.label, scope.values) for scope in allowed), period.first_day,
                   period.last_day, data_version(session))

        def compute() -> Scorecard:
            with services.computing:
                return scorecard_for(session, config=services.config, resolved=allowed, period=period, detail=True)

        card = services.scorecards.get(key, compute)  # waiting for another request's card holds no slot
    about_people = any(scope.kind == "agent" for scope in allowed)
    if shared and about_people:
        raise QabotError("Agent scorecards are only shown to you; they can't be shared in a channel.")
    if shared:  # figures of individual agents never go to a channel
        card = dataclasses.replace(card, breakdowns=[b for b in card.breakdowns if b.kind != "agent"])
    if card.accuracy is not None and chart_file_id is None:
        chart_file_id = _chart_or_none(client, card, services)
    blocks = scorecard_blocks(
        card, chart_file_id=chart_file_id, private=about_people,
        share_value=None if about_people or shared else share_value(
            scopes={scope.kind: scope.label for scope in allowed}, period_text=period_text,
            chart_file_id=chart_file_id),
    )
    if shared:
        respond(text=scorecard_summary(card), blocks=blocks, response_type="in_channel", replace_original=False,
                delete_original=False)
        logger.info("user %s shared %s", user_id, card.label)
    else:
        respond(text=scorecard_summary(card), blocks=blocks, response_type="ephemeral")


def _allowed_scopes(session: Session, services: Services, *, viewer: Viewer, scopes: dict[str, str]
                    ) -> list[ResolvedScope]:
    """The scopes asked for, resolved and narrowed to what the viewer may see (AccessDenied otherwise)."""
    try:
        resolved = resolve_scopes(session, config=services.config, scopes=scopes)
    except UnknownScopeError as error:
        if viewer.qa_staff:
            raise
        raise not_visible(viewer, error.kind, error.name) from None  # no suggestions from others' data

    def vendors_of_agent(scope: ResolvedScope) -> list[str]:
        return vendors_of_agents(session, agent_ids=scope.values)

    def resolve_vendor(key: str) -> ResolvedScope:
        return resolve_scopes(session, config=services.config, scopes={"vendor": key})[0]

    return authorise(viewer, resolved, config=services.config, vendors_of_agent=vendors_of_agent,
                     resolve_vendor=resolve_vendor)


def _chart_or_none(client: WebClient, card: Scorecard, services: Services) -> str | None:
    """The chart's file id; if drawing or uploading fails, the figures go out without it."""
    try:
        return services.charts.file_id(card, lambda card: upload_chart(client, card, services.draw))
    except (*SLACK_FAILURES, TimeoutError, BrokenProcessPool):
        logger.exception("the chart for %s could not be drawn or uploaded; sending the scorecard without it",
                         card.label)
        return None


def upload_chart(client: WebClient, card: Scorecard, draw: Callable[..., bytes]) -> str:
    """The scorecard's trend chart, uploaded for its image block."""
    name = f"{card.label}-accuracy-{card.period.first_day}-{card.period.last_day}"
    return upload_png(client, draw(trend_chart, card), name=name, title=f"{card.label} daily accuracy")


def _agent_id(text: str, services: Services) -> str:
    """An agent typed as an id, or as a Slack mention linked in the config's [agents]."""
    mention = _MENTION.match(text.strip())
    if not mention:
        return text
    user = mention.group("user")
    for agent_id, agent in services.config.agents.items():
        if agent.slack_user == user:
            return agent_id
    raise QabotError(f"<@{user}> is not linked to an agent id. QA leads can link them in config/qabot.toml: "
                     f"`[agents.AGENT_ID]` with `slack_user = \"{user}\"`. Or type the agent id.")
