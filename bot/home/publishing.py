"""Publishing the Home tab (views.publish): when the person opens it, at most once a minute (whichever replica
Slack asks), and again at once after a change that shows on it, for everyone who has it open."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.home.service import home_for
from bot.render.home_blocks import home_view
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.errors import SLACK_FAILURES
from bot.store.db import session_scope
from bot.store.home import claim_home, forget_home, homes_published_since

logger = logging.getLogger(__name__)
REFRESH_AFTER = timedelta(minutes=1)
OPEN_WITHIN = timedelta(hours=12)
"""A Home published this recently may still be on someone's screen: a change is worth republishing there."""
MOST_REPUBLISHED = 200
"""Bounds the work one change sets off; the rest see the change when they next open the tab."""


def publish_home(runtime: Runtime, *, viewer: Viewer, force: bool = False, now: datetime | None = None) -> bool:
    """Publish `viewer`'s Home as of `now` (the runtime's clock unless a job gives its own) unless it was
    published within the minute (or `force`); True if published."""
    now = now or runtime.clock()
    with session_scope(runtime.engine) as session:
        if not claim_home(session, user_id=viewer.user_id, now=now, refresh_after=REFRESH_AFTER, force=force):
            return False
    try:
        with session_scope(runtime.engine) as session, runtime.computing:
            home = home_for(session, config=runtime.config, viewer=viewer, now=now)
        runtime.client.views_publish(user_id=viewer.user_id, view=home_view(home))
    except Exception:
        with session_scope(runtime.engine) as session:
            forget_home(session, user_id=viewer.user_id)  # not published after all: the next open tries again
        raise
    return True


def republish_homes(runtime: Runtime, *, shows_change: Callable[[Viewer], bool], now: datetime | None = None
                    ) -> int:
    """After a change (an alert acknowledged, a verdict recorded): republish the Home of everyone who may have it
    open and for whom `shows_change`; returns how many were published.

    A failure is logged, never answered: what the person did has been done, and the others' Homes go on."""
    now = now or runtime.clock()
    with session_scope(runtime.engine) as session:
        people = homes_published_since(session, since=now - OPEN_WITHIN)
    published = 0
    for user_id in people[:MOST_REPUBLISHED]:
        viewer = Viewer(user_id, config=runtime.config, groups=runtime.groups)
        try:
            if shows_change(viewer):
                published += publish_home(runtime, viewer=viewer, force=True, now=now)
        except SLACK_FAILURES:
            logger.exception("could not republish the Home tab of %s", user_id)
    return published
