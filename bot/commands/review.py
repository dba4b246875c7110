"""`/qa review SCOPE [week|month|quarter|13w|PERIOD]`: the business review as a PDF in the requester's DM with the
bot, with a one-paragraph summary; the same summary answers the command, seen by the requester only."""

from __future__ import annotations

import re

from slack_bolt import Respond

from bot.review.posting import upload_review
from bot.review.service import visible_review, visible_team_review
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.command_text import parse_scoped_text
from bot.slack.ids import COMMAND

USAGE = (f"Try `{COMMAND} review vendor acme`, `{COMMAND} review vendor acme quarter`, "
         f"`{COMMAND} review queue shop-listings 13w` or `{COMMAND} review team manila month`.")
REVIEW_PERIOD_AT_END = re.compile(r"^(?P<rest>.*?)\s+(?P<period>week|month|quarter|\d+\s*w(?:eeks?)?)\s*$",
                                  re.IGNORECASE)
#: The other commands' periods (`30d`, `since 2026-10-01`, `a..b`), which bot/slack/command_text.py reads.
OTHER_PERIOD_AT_END = re.compile(r"(\d+\s*d(ays?)?|since\s+\S+|\S+\s*\.\.\s*\S+)\s*$", re.IGNORECASE)
DEFAULT_REVIEW_PERIOD = "week"
TEAM_AT_START = re.compile(r"^team\s+(?P<rest>\S.*)$", re.IGNORECASE)


def review_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    if team := TEAM_AT_START.match(text.strip()):
        name, period_text = _period_at_end(team.group("rest"))
        review = visible_team_review(runtime, viewer=viewer, team=name, period_text=period_text)
    else:
        scopes, period_text = review_request(text, runtime=runtime)
        review = visible_review(runtime, viewer=viewer, scopes=scopes, period_text=period_text)
    direct = runtime.client.conversations_open(users=viewer.user_id)["channel"]["id"]
    summary = upload_review(runtime, review=review, channel=direct)
    respond(text=f"{summary} The PDF and its tables (CSV files) are in your messages with me.", response_type="ephemeral")


def _period_at_end(text: str) -> tuple[str, str]:
    """(what comes before, the review period at the end or the previous week)."""
    if match := REVIEW_PERIOD_AT_END.match(text.strip()):
        return match.group("rest").strip(), match.group("period")
    return text.strip(), DEFAULT_REVIEW_PERIOD


def review_request(text: str, *, runtime: Runtime) -> tuple[dict[str, str], str]:
    """(kind -> name, the period as typed): `week`, `month`, `quarter` and `13w` at the end, or the other
    commands' periods (`30d`, `a..b`); the previous week when none is given."""
    if match := REVIEW_PERIOD_AT_END.match(text.strip()):
        return parse_scoped_text(match.group("rest"), usage=USAGE, config=runtime.config).scopes, match.group("period")
    request = parse_scoped_text(text, usage=USAGE, config=runtime.config)
    return request.scopes, request.period_text if OTHER_PERIOD_AT_END.search(text) else DEFAULT_REVIEW_PERIOD
