"""Publishing the Home tab (views.publish): when the person opens it, and again after a change they made."""

from __future__ import annotations

import logging

from bot.home.service import home_for
from bot.render.home_blocks import home_view
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.errors import SLACK_FAILURES
from bot.store.db import session_scope

logger = logging.getLogger(__name__)


def publish_home(runtime: Runtime, *, viewer: Viewer, force: bool = False) -> bool:
    """Publish `viewer`'s Home unless this process did so within the minute (or `force`); True if published."""
    now = runtime.clock()
    if not runtime.homes.claim(viewer.user_id, now=now, force=force):
        return False
    try:
        with session_scope(runtime.engine) as session, runtime.computing:
            home = home_for(session, config=runtime.config, viewer=viewer, now=now)
        runtime.client.views_publish(user_id=viewer.user_id, view=home_view(home))
    except Exception:
        runtime.homes.forget(viewer.user_id)  # not published after all: the next open tries again
        raise
    return True


def republish_home(runtime: Runtime, *, viewer: Viewer) -> None:
    """After an acknowledgement or a verdict: the person's open Home shows the change at once.

    Only for those whose Home this process has published; Slack shows anyone else a fresh one when they open it.
    A failure is logged, never answered: what the person did has been done."""
    if not runtime.homes.shown_to(viewer.user_id):
        return
    try:
        publish_home(runtime, viewer=viewer, force=True)
    except SLACK_FAILURES:
        logger.exception("could not republish the Home tab of %s", viewer.user_id)
