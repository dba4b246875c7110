"""The scheduled business reviews (`[reviews.NAME]`): the scheduler's `review:<NAME>` jobs post each one's PDF and
summary to its channel, covering the week, month or quarter that ended before the slot's local date."""

from __future__ import annotations

from datetime import datetime

from bot.errors import UnknownScopeError
from bot.kpi.local_days import local_today
from bot.review.periods import period_before
from bot.review.posting import upload_review
from bot.review.service import business_review, team_review
from bot.runtime import Runtime
from bot.store.db import session_scope

#: The months a review of each period runs in, on the first of its weekday there; none: every week.
REVIEW_MONTHS: dict[str, tuple[int, ...]] = {"week": (), "month": tuple(range(1, 13)), "quarter": (1, 4, 7, 10)}


def post_scheduled_review(runtime: Runtime, *, name: str, now: datetime, day_of: datetime) -> str:
    """Post review `name` for the period before the local date of `day_of` (the slot, so a late run still covers
    the period it was due for); returns the outcome. A scope naming nothing known is said in the channel."""
    scheduled = runtime.config.reviews[name]
    period = period_before(scheduled.period, today=local_today(scheduled.zone, day_of))
    with session_scope(runtime.engine) as session, runtime.computing:
        try:
            if scheduled.team is not None:
                review = team_review(session, config=runtime.config, team=scheduled.team, period=period, now=now,
                                     zone=scheduled.zone)
            else:
                review = business_review(session, config=runtime.config, scopes=scheduled.scopes(), period=period,
                                         now=now, zone=scheduled.zone)
        except UnknownScopeError as error:
            runtime.client.chat_postMessage(channel=scheduled.channel, text=(
                f":warning: No business review this time: {error} Fix `[reviews.{name}]` in the bot's config "
                "(check it with `qabot config check`)."))
            return f"not posted, the review's scope is wrong: {error}"
    upload_review(runtime, review=review, channel=scheduled.channel, paper=scheduled.paper)
    return f"posted to {scheduled.channel}: {review.label}, {period.first_day} to {period.last_day}"
