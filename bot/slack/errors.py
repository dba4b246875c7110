"""One place that turns errors into words: the bot's own errors say what to fix; others apologise.

Listeners never let an error reach Bolt (bot/slack/listeners.py answers it); what is left for Bolt's
own handler are errors in a middleware, which it answers with HTTP 500 after they are logged here.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.errors import ConfigError, QabotError

#: What a failed Web API call raises: Slack's refusal, a malformed request, or the network.
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError)

APOLOGY = ("Sorry, something went wrong on my side and I couldn't answer. "
           "It has been logged; please try again in a minute.")
CONFIG_PROBLEM = "The bot's configuration has a problem; QA admins can see it with `qabot config check`."


def register(app: App) -> None:
    """Errors raised outside listeners (in a middleware) are logged; Bolt answers them with HTTP 500."""
    app.error(log_error)


def log_error(error: Exception, body: dict, logger: logging.Logger) -> None:
    message_for(error, logger=logger, what=what_was_asked(body))


def message_for(error: Exception, *, logger: logging.Logger, what: str) -> str:
    """What to tell the person; unexpected errors are logged with their traceback."""
    if isinstance(error, ConfigError):
        logger.error("configuration problem: %s", error)
        return CONFIG_PROBLEM
    if isinstance(error, QabotError):
        return str(error)
    logger.exception("unexpected error handling %s", what, exc_info=error)
    return APOLOGY


def outcome_of(error: Exception) -> str:
    """How a request that raised `error` ended, for /metrics: user_error when the person was told what to fix,
    error when they got an apology (or were told the configuration has a problem)."""
    return "user_error" if isinstance(error, QabotError) and not isinstance(error, ConfigError) else "error"


def what_was_asked(body: dict) -> str:
    return (body.get("command") or (body.get("view") or {}).get("callback_id")
            or (body.get("event") or {}).get("type") or body.get("type") or "a request")
