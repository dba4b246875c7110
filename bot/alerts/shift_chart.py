"""The days around a shift, as a chart in its alert's thread: the watched days' accuracy with control limits
from the baseline before them, the shift's days marked, and the limits and signals in words."""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool

from bot.alerts.rules import ScopeDays
from bot.kpi.control import accuracy_control
from bot.kpi.handle_time import BUCKET_COUNT
from bot.kpi.periods import Period
from bot.kpi.scorecard import Counts, Scorecard, Targets, build_scorecard
from bot.render.charts import trend_chart
from bot.render.control_text import control_lines
from bot.runtime import Runtime
from bot.slack.errors import SLACK_FAILURES
from bot.store.alerts import get_alert
from bot.store.db import session_scope

logger = logging.getLogger(__name__)


def days_around(scope: ScopeDays, *, baseline_days: int) -> Scorecard:
    """The watched days as a scorecard with its control chart (only its trend is drawn). Pure."""
    watched = Period(scope.days[baseline_days], scope.days[-1])
    counts = {day: Counts(audits=audits, correct=correct)
              for day, audits, correct in zip(scope.days, scope.audits, scope.correct, strict=True)}
    return build_scorecard(kind=scope.kind, label=scope.label, period=watched, targets=Targets(scope.target, 0),
                           daily_counts=counts, handle_time_histogram=[0] * BUCKET_COUNT, error_counts=[],
                           control=accuracy_control(watched, counts, baseline_days=baseline_days))


def post_days_around(runtime: Runtime, *, alert_id: int, scope: ScopeDays) -> None:
    """Upload the chart into the posted alert's thread; a failure is logged and the alert stands without it."""
    with session_scope(runtime.engine) as session:
        alert = get_alert(session, alert_id=alert_id)
    if alert is None or alert.message_ts is None or scope.target is None:
        return
    card = days_around(scope, baseline_days=runtime.config.alerts.shift.baseline_days)
    try:
        runtime.client.files_upload_v2(
            content=runtime.draw(trend_chart, card), filename=f"{alert.readable_id.lower()}-days-around.png",
            title=f"{scope.label}: daily accuracy around the drop", channel=alert.channel_id,
            thread_ts=alert.message_ts, initial_comment="\n".join(control_lines(card.control)))
    except (*SLACK_FAILURES, TimeoutError, BrokenProcessPool):
        logger.exception("the chart of the days around %s could not be drawn or posted", alert.readable_id)
