"""One place that turns errors into answers: the bot's own errors say what to fix; others apologise.

Every listener is registered through `answered(...)`, so whatever happens inside it, Slack's
request is answered with HTTP 200 once, and the person gets one answer:
- a view submission not yet acknowledged gets its answer inside the modal (an error under its
  first input, so nothing typed is lost; or an updated view when the form has no input);
- anything else is acknowledged, then answered through the request's response_url, or in a DM
  where there is none (view submissions after ack, events).
No exception reaches Bolt from a listener: when one does after ack() in a listener thread,
Bolt (1.x) sets the acknowledgement back to none and answers Slack 404 after 3 seconds.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.kwargs_injection.args import Args
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.errors import ConfigError, QabotError
from bot.render.blocks import notice_view

#: What a failed Web API call raises: Slack's refusal, a malformed request, or the network.
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError)

APOLOGY = ("Sorry, something went wrong on my side and I couldn't answer. "
           "It has been logged; please try again in a minute.")
CONFIG_PROBLEM = "The bot's configuration has a problem; QA admins can see it with `qabot config check`."
#: Listener arguments that are Bolt's own; any other name is looked up in the request context.
_BOLT_ARGUMENTS = frozenset(inspect.signature(Args.__init__).parameters) - {"self", "kwargs"}


def register(app: App) -> None:
    """Errors raised outside listeners (in a middleware) are logged; Bolt answers them with HTTP 500."""
    app.error(log_error)


def log_error(error: Exception, body: dict, logger: logging.Logger) -> None:
    message_for(error, logger=logger, what=_what(body))


def message_for(error: Exception, *, logger: logging.Logger, what: str) -> str:
    """What to tell the person; unexpected errors are logged with their traceback."""
    if isinstance(error, ConfigError):
        logger.error("configuration problem: %s", error)
        return CONFIG_PROBLEM
    if isinstance(error, QabotError):
        return str(error)
    logger.exception("unexpected error handling %s", what, exc_info=error)
    return APOLOGY


def answered(listener: Callable[..., None]) -> Callable[[Args], None]:
    """`listener` as Bolt runs it, with its own arguments, answered exactly once whatever it raises."""
    names = inspect.getfullargspec(listener).args

    def run(args: Args) -> None:
        try:
            listener(**{name: getattr(args, name) if name in _BOLT_ARGUMENTS else args.context.get(name)
                        for name in names})
        except Exception as error:  # every error is answered here, once
            _answer(args, message_for(error, logger=args.logger, what=_what(args.body)))

    run.__name__, run.__qualname__, run.__module__, run.__doc__ = (
        listener.__name__, listener.__qualname__, listener.__module__, listener.__doc__)
    return run


def _answer(args: Args, text: str) -> None:
    body = args.body
    if args.ack.response is None and body.get("type") == "view_submission":
        block_id = _first_input(body.get("view") or {})
        if block_id:
            args.ack(response_action="errors", errors={block_id: text})
        else:
            args.ack(response_action="update", view=notice_view(text))
        return
    if args.ack.response is None:
        args.ack()
    try:
        if args.respond is not None and args.respond.response_url:
            args.respond(text=text, response_type="ephemeral", replace_original=False)
        elif user_id := _user_of(body):
            args.client.chat_postMessage(channel=user_id, text=text)
    except SLACK_FAILURES:
        args.logger.exception("could not tell the user about the error")


def _first_input(view: dict) -> str | None:
    return next((block["block_id"] for block in view.get("blocks") or []
                 if block.get("type") == "input" and block.get("block_id")), None)


def _user_of(body: dict) -> str | None:
    user = body.get("user") or (body.get("event") or {}).get("user") or body.get("user_id")
    return user.get("id") if isinstance(user, dict) else user


def _what(body: dict) -> str:
    return (body.get("command") or (body.get("view") or {}).get("callback_id")
            or (body.get("event") or {}).get("type") or body.get("type") or "a request")
