"""A trend chart's control limits and signals in words, under the chart (Slack) or in the terminal. Pure."""

from __future__ import annotations

from bot.kpi.control import DailyControl
from bot.spc.limits import span
from bot.wording import percent

SIGNALS_LISTED = 6


def control_lines(control: DailyControl) -> list[str]:
    """First the chart's kind and centre line (or why it has no limits), then each signal, or that there is none."""
    chart, baseline = control.chart, control.baseline
    if chart.centre is None:
        return [f"Control chart: {chart.caption} ({span(baseline.first_day, baseline.last_day)})."]
    lines = [f"Control chart: {chart.caption}; centre line {percent(chart.centre)} over "
             f"{span(baseline.first_day, baseline.last_day)}."]
    if not chart.signals:
        return [*lines, "No signals: every day within the limits, and no run of days the Western Electric rules flag."]
    shown = [f"• {signal.description}" for signal in chart.signals[:SIGNALS_LISTED]]
    more = len(chart.signals) - SIGNALS_LISTED
    return [*lines, f"Signals ({len(chart.signals)}):", *shown, *([f"• and {more} more"] if more > 0 else [])]
