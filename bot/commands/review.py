"""`/qa review SCOPE [week|month|quarter|13w|PERIOD]`: the business review as a PDF in the requester's DM with the
bot, with a one-paragraph summary; the same summary answers the command, seen by the requester only."""

from __future__ import annotations

from slack_bolt import Respond

from bot.review.posting import upload_review
from bot.review.service import visible_review, visible_team_review
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.command_text import parse_review_text
from bot.slack.ids import COMMAND

USAGE = (f"Try `{COMMAND} review vendor acme`, `{COMMAND} review vendor acme quarter`, "
         f"`{COMMAND} review queue shop-listings 13w` or `{COMMAND} review team manila month`.")


def review_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    request = parse_review_text(text, usage=USAGE, config=runtime.config)
    if request.team is not None:
        review = visible_team_review(runtime, viewer=viewer, team=request.team, period_text=request.period_text)
    else:
        review = visible_review(runtime, viewer=viewer, scopes=request.scopes, period_text=request.period_text)
    direct = runtime.client.conversations_open(users=viewer.user_id)["channel"]["id"]
    summary = upload_review(runtime, review=review, channel=direct)
    respond(text=f"{summary} The PDF and its tables (CSV files) are in your messages with me.",
            response_type="ephemeral")
