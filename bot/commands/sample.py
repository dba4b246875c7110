"""`/qa sample SCOPE [margin]`: how many audits a scope needs against those it gets, seen by the requester only."""

from __future__ import annotations

from slack_bolt import Respond

from bot.render.sample_blocks import sample_blocks
from bot.render.sample_text import sample_summary
from bot.runtime import Runtime
from bot.sampling.service import DEFAULT_DROP_POINTS, visible_sample_plan
from bot.slack.access import Viewer
from bot.slack.command_text import parse_sample_text
from bot.slack.ids import COMMAND

USAGE = (f"Try `{COMMAND} sample vendor acme`, `{COMMAND} sample queue ads-review policy counterfeit`, or a drop "
         f"to detect in points at the end: `{COMMAND} sample vendor acme 1.5`.")


def sample_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    request = parse_sample_text(text, usage=USAGE, config=runtime.config)
    plan = visible_sample_plan(runtime, viewer=viewer, scopes=request.scopes,
                               drop_points=request.drop_points or DEFAULT_DROP_POINTS, or_whole=request.or_whole)
    respond(text=sample_summary(plan), blocks=sample_blocks(plan), response_type="ephemeral")
