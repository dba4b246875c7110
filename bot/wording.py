"""Figures, spans of time and moments in words, as every message shows them.

Pure and outside bot/render/, so that the pure rules (alert summaries) word figures exactly as the
Block Kit builders do without depending on them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.kpi.scorecard import Estimate


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def duration(span: timedelta) -> str:
    """'25 min', '2 h 5 min', '3 d 4 h': how long, to the minute, in at most two units."""
    minutes = int(abs(span.total_seconds()) // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def plural(kind: str) -> str:
    """'queues', 'policies': a scope kind (or any regular noun) in the plural."""
    return kind[:-1] + "ies" if kind.endswith("y") and kind[-2:-1] not in "aeiou" else kind + "s"


def p_value(value: float) -> str:
    """'p<0.001' or 'p=0.034': a test's p-value as people read it."""
    return "p<0.001" if value < 0.001 else f"p={value:.3f}"


def interval(estimate: Estimate) -> str:
    return f"{percent(estimate.value)} (95% CI {percent(estimate.low)}–{percent(estimate.high)})"


def slack_time(moment: datetime) -> str:
    """A time every reader sees in their own time zone (Slack date formatting)."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"
