"""How every listener runs: acknowledged at once, answered exactly once.

- `acknowledge_at_once` (a global middleware) acknowledges slash commands, buttons and shortcuts in
  the thread that answers Slack, before their listener is even scheduled: the acknowledgement never
  waits for a listener thread, nor behind the queries and blocks of other requests. Forms (view
  submissions) are acknowledged by their listener, which may answer with errors; Bolt acknowledges
  events itself, also before their listener runs.
- `answered(listener)` runs the listener with the arguments it names. Whatever it raises, Slack's
  request is answered with HTTP 200 once and the person gets one answer: a form not yet acknowledged
  gets it inside the form (under its first input, so nothing typed is lost; or an updated view when
  the form has no input); anything else through the request's response_url, or by DM where there is
  none (after a form closed; events). No exception reaches Bolt: when one does after ack() in a
  listener thread, Bolt (1.x) sets the acknowledgement back to none and answers Slack 404 after 3 s.
"""

from __future__ import annotations

import contextvars
import inspect
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from slack_bolt import Ack
from slack_bolt.kwargs_injection.args import Args

from bot.render.blocks import notice_view
from bot.slack.errors import SLACK_FAILURES, message_for, outcome_of, what_was_asked
from bot.slack.observed import finish_request

#: Listener arguments that are Bolt's own; any other name is looked up in the request context.
_BOLT_ARGUMENTS = frozenset(inspect.signature(Args.__init__).parameters) - {"self", "kwargs"}
LISTENER_THREADS = 32


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, counting the work in flight so that a stop (or a test) can wait for it. Each
    listener runs in a copy of the submitting thread's context, so its log lines name the request."""

    def __init__(self, max_workers: int = LISTENER_THREADS):
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._in_flight = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        with self._changed:
            self._in_flight += 1
        try:
            future = super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future | None) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once no listener runs or waits to run; False if some still do after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout=timeout)


def acknowledge_at_once(body: dict, ack: Ack, next) -> None:  # noqa: A002  (Bolt's name for the chain)
    if body.get("command") or body.get("type") in ("block_actions", "message_action", "shortcut"):
        ack()
    next()


def answered(listener: Callable[..., None]) -> Callable[[Args], None]:
    """`listener` as Bolt runs it, with its own arguments, answered exactly once whatever it raises."""
    names = inspect.getfullargspec(listener).args

    def run(args: Args) -> None:
        outcome = "ok"
        try:
            listener(**{name: getattr(args, name) if name in _BOLT_ARGUMENTS else args.context.get(name)
                        for name in names})
        except Exception as error:  # every error is answered here, once
            outcome = outcome_of(error)
            _answer(args, message_for(error, logger=args.logger, what=what_was_asked(args.body)))
        finally:
            finish_request(args.context, outcome)

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
