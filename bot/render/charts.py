"""Charts as PNG bytes, drawn on a bare matplotlib Figure (no pyplot: nothing global stays alive)."""

from __future__ import annotations

import io
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.kpi.scorecard import Scorecard

#: Wide and short: legible in Slack on a laptop and on a phone.
TREND_SIZE_INCHES = (8.0, 3.4)
TREND_DPI = 110
_LINE = "#1264A3"
_BAND = "#1264A3"
_TARGET = "#E01E5A"
_MARGINS = {"left": 0.075, "right": 0.985, "top": 0.89, "bottom": 0.1}


def trend_chart(card: Scorecard) -> bytes:
    """Daily accuracy with its 95% interval band and the target line, as PNG."""
    figure = Figure(figsize=TREND_SIZE_INCHES, dpi=TREND_DPI)
    figure.subplots_adjust(**_MARGINS)  # fixed margins: a layout engine would double the render time
    axes = figure.add_subplot()
    points = [point for point in card.daily if point.accuracy is not None]
    days = [point.day for point in points]
    axes.fill_between(days, [p.accuracy.low for p in points], [p.accuracy.high for p in points],
                      color=_BAND, alpha=0.15, linewidth=0,)
    axes.plot(days, [p.accuracy.value for p in points], color=_LINE, marker="o", markersize=3.5,
              linewidth=2)
    axes.axhline(card.targets.accuracy, color=_TARGET, linestyle="--", linewidth=1.5)
    axes.set_xlim(date2num(card.period.first_day) - 0.5, date2num(card.period.last_day) + 0.5)  # half a day of air
    low = min([p.accuracy.low for p in points] + [card.targets.accuracy])
    axes.set_ylim(max(0.0, low - 0.02), 1.0)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))  # about six labels: enough to read, cheap to draw
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.xaxis.set_major_formatter(DateFormatter("%b %d"))
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    # One title line explains band and dashes: a legend box would cost a sixth of the render time.
    axes.set_title(f"{card.label}: daily accuracy {card.period.first_day:%b %d} to {card.period.last_day:%b %d}, "
                   f"band = 95% interval, dashed = target {card.targets.accuracy:.1%}", loc="left", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
