"""One place that turns errors into answers: the bot's own errors say what to fix; others apologise."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.errors import ConfigError, QabotError

#: What a failed Web API call raises: Slack's refusal, a malformed request, or the network.
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError)

APOLOGY = ("Sorry, something went wrong on my side and I couldn't answer. "
           "It has been logged; please try again in a minute.")


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(error: Exception, body: dict, respond, logger: logging.Logger) -> None:
    if isinstance(error, ConfigError):
        logger.error("configuration problem: %s", error)
        text = "The bot's configuration has a problem; QA admins can see it with `qabot config check`."
    elif isinstance(error, QabotError):
        text = str(error)
    else:
        logger.exception("unexpected error handling %s", body.get("command") or body.get("type"), exc_info=error)
        text = APOLOGY
    if respond is None:
        return
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception:
        logger.exception("could not tell the user about the error")
