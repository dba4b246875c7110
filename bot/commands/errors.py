"""`/qa errors SCOPE ["category"] [period]`: root-cause analysis in Slack, seen by the requester only."""

from __future__ import annotations

import hashlib

from slack_bolt import Respond

from bot.rca.analysis import ErrorsView
from bot.rca.service import visible_errors
from bot.render.charts import pareto_chart
from bot.render.error_blocks import category_blocks, errors_blocks, errors_summary
from bot.runtime import Runtime
from bot.slack.access import Viewer
from bot.slack.command_text import parse_scoped_text
from bot.slack.files import uploaded_chart
from bot.slack.ids import COMMAND

USAGE = (f"Try `{COMMAND} errors vendor acme 30d`, `{COMMAND} errors queue ads-review policy counterfeit`, or a "
         f"category in quotes to see where it comes from: `{COMMAND} errors vendor acme \"missed context\"`.")


def errors_command(respond: Respond, runtime: Runtime, *, viewer: Viewer, text: str) -> None:
    request = parse_scoped_text(text, usage=USAGE, config=runtime.config)
    view = visible_errors(runtime, viewer=viewer, scopes=request.scopes, period_text=request.period_text,
                          category_text=request.category)
    if not isinstance(view, ErrorsView):
        respond(text=f"{view.label}: where {view.category} comes from", blocks=category_blocks(view),
                response_type="ephemeral")
        return
    chart_file_id = _chart(runtime, view) if view.pareto.errors else None
    respond(text=errors_summary(view), blocks=errors_blocks(view, chart_file_id=chart_file_id),
            response_type="ephemeral")


def _chart(runtime: Runtime, view: ErrorsView) -> str | None:
    title = f"{view.label} {view.period.first_day:%b %d} to {view.period.last_day:%b %d}"
    errors = [(row.category, row.counts.errors) for row in view.pareto.rows if row.counts.errors]
    key = hashlib.sha256(repr(("pareto", title, errors)).encode()).hexdigest()
    return uploaded_chart(runtime.client, charts=runtime.charts, key=key,
                          png=lambda: runtime.draw(pareto_chart, title, errors),
                          name=f"{view.label}-errors-{view.period.first_day}-{view.period.last_day}",
                          title=f"{view.label} errors by category")
