"""Charts as PNG bytes, drawn on a bare matplotlib Figure (no pyplot: nothing global stays alive).

matplotlib is imported by the first chart drawn, not with this module: `qabot run` draws in its chart
workers, so the server process, which names these functions, never loads it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.kpi.morning import Part
from bot.kpi.scorecard import Scorecard, Status, accuracy_status
from bot.spc.limits import ControlChart, Method

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Wide and short: legible in Slack on a laptop and on a phone.
TREND_SIZE_INCHES = (8.0, 3.4)
TREND_DPI = 110
_LINE = "#1264A3"
_BAND = "#1264A3"
_TARGET = "#E01E5A"
_LIMIT = "#6B5B7B"
_SIGNAL = "#E8912D"
_MARGINS = {"left": 0.075, "right": 0.985, "top": 0.85, "bottom": 0.1}


def trend_chart(card: Scorecard) -> bytes:
    """Daily accuracy with the target line, and either its control limits (centre line, 3σ limits for each
    day's audit count, a signal's points in orange) or, without a baseline to draw them from, each day's 95%
    interval band; as PNG."""
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    figure = Figure(figsize=TREND_SIZE_INCHES, dpi=TREND_DPI)
    figure.subplots_adjust(**_MARGINS)  # fixed margins: a layout engine would double the render time
    axes = figure.add_subplot()
    points = [point for point in card.daily if point.accuracy is not None]
    days = [point.day for point in points]
    control = card.control.chart if card.control is not None and card.control.chart.centre is not None else None
    if control is None:
        axes.fill_between(days, [p.accuracy.low for p in points], [p.accuracy.high for p in points],
                          color=_BAND, alpha=0.15, linewidth=0)
        lows = [p.accuracy.low for p in points]
        drawn = "band = 95% interval"
    else:
        lows = _draw_limits(axes, control)
        kind = (f"p′ chart, Laney σz = {control.baseline.sigma_z:.2f}" if control.baseline.method is Method.LANEY
                else "p chart")
        drawn = f"purple = centre line, dotted = 3σ limits ({kind}), orange = signal"
    axes.plot(days, [p.accuracy.value for p in points], color=_LINE, marker="o", markersize=3.5,
              linewidth=2)
    if control is not None:
        flagged = {day for day, marked in zip(control.days, control.flagged) if marked}
        marked = [p for p in points if p.day in flagged]
        axes.plot([p.day for p in marked], [p.accuracy.value for p in marked], linestyle="none", marker="o",
                  markersize=6.5, color=_SIGNAL, zorder=3)  # a marker-only line: cheaper to draw than a scatter
    axes.axhline(card.targets.accuracy, color=_TARGET, linestyle="--", linewidth=1.5)
    axes.set_xlim(date2num(card.period.first_day) - 0.5, date2num(card.period.last_day) + 0.5)  # half a day of air
    low = min([*lows, *(p.accuracy.value for p in points), card.targets.accuracy])
    axes.set_ylim(max(0.0, low - 0.02), 1.0)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))  # about six labels: enough to read, cheap to draw
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.xaxis.set_major_formatter(DateFormatter("%b %d"))
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    # One title line explains what is drawn: a legend box would cost a sixth of the render time.
    axes.set_title(f"{card.label}: daily accuracy {card.period.first_day:%b %d} to {card.period.last_day:%b %d}\n"
                   f"{drawn}, dashed = target {card.targets.accuracy:.1%}", loc="left", fontsize=9)
    return _png(figure)


def _draw_limits(axes, control: ControlChart) -> list[float]:
    """The centre line, and each day's limits across its whole day (days without audits left blank); returns
    the lower limits drawn."""
    from matplotlib.dates import date2num

    axes.axhline(control.centre, color=_LIMIT, linewidth=1)
    drawn = [(date2num(day), low, high) for day, low, high in zip(control.days, control.lower, control.upper)
             if low is not None]
    starts, ends = [x - 0.5 for x, _, _ in drawn], [x + 0.5 for x, _, _ in drawn]
    axes.hlines([low for _, low, _ in drawn] + [high for _, _, high in drawn], starts * 2, ends * 2,  # one artist
                colors=_LIMIT, linestyles=":", linewidth=1.3)
    return [low for _, low, _ in drawn]


#: Narrow enough to fill a phone's width, with type large enough to read there.
COMPARISON_WIDTH_INCHES = 6.4
COMPARISON_ROW_INCHES = 0.42
COMPARISON_DPI = 120
_STATUS_COLOUR = {Status.MEETS: "#2EB67D", Status.BELOW: "#ECB22E", Status.SIGNIFICANTLY_BELOW: "#E01E5A"}


def comparison_chart(title: str, parts: list[Part]) -> bytes:
    """Accuracy of each part (bar) with its 95% interval (whisker) and its own target (tick), as PNG.

    Green meets the target, amber is under it but within the interval, red is significantly under.
    """
    figure, axes = _rows_figure(len(parts))
    rows = range(len(parts))
    values = [part.accuracy.value for part in parts]
    colours = [_STATUS_COLOUR[accuracy_status(part.accuracy, part.target)] for part in parts]
    axes.barh(rows, values, color=colours, alpha=0.8, height=0.6)
    axes.errorbar(values, rows, xerr=[[p.accuracy.value - p.accuracy.low for p in parts],
                                      [p.accuracy.high - p.accuracy.value for p in parts]],
                  fmt="none", ecolor="#1D1C1D", capsize=3, linewidth=1)
    axes.scatter([part.target for part in parts], rows, marker="|", s=260, color="#1D1C1D", zorder=3)
    low = min([p.accuracy.low for p in parts] + [p.target for p in parts])
    axes.set_xlim(max(0.0, low - 0.03), 1.0)
    _label_rows(axes, [part.name for part in parts],
                f"{title}\nbar = accuracy, whisker = 95% interval, | = target")  # weakest on top
    return _png(figure)


def participant_chart(title: str, rates: list[tuple[str, float]]) -> bytes:
    """Each participant's share of items matching the reference, lowest on top, as PNG (phone-sized)."""
    figure, axes = _rows_figure(len(rates))
    axes.barh(range(len(rates)), [rate for _, rate in rates], color=_LINE, alpha=0.8, height=0.6)
    for row, (_, rate) in enumerate(rates):
        inside = rate > 0.85  # long bars carry their figure inside, in white
        axes.text(rate - 0.01 if inside else rate + 0.01, row, f"{rate:.0%}", va="center", fontsize=10,
                  ha="right" if inside else "left", color="white" if inside else "#1D1C1D")
    axes.set_xlim(0, 1)
    _label_rows(axes, [name for name, _ in rates], title)
    return _png(figure)


#: Bars a Pareto chart shows; the rest are one bar, so the picture stays readable and the total stays whole.
PARETO_BARS = 12


def pareto_chart(title: str, errors: list[tuple[str, int]]) -> bytes:
    """Errors by category (bars, most first), their cumulative share (line) and the 80% line, as PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=TREND_SIZE_INCHES, dpi=TREND_DPI)
    figure.subplots_adjust(left=0.075, right=0.925, top=0.89, bottom=0.26)
    draw_pareto(figure.add_subplot(), title=title, errors=errors)
    return _png(figure)


def draw_pareto(axes, *, title: str, errors: list[tuple[str, int]]) -> None:
    """The Pareto on `axes`: for Slack's PNG and the business review's PDF alike."""
    from matplotlib.ticker import PercentFormatter

    if len(errors) > PARETO_BARS:
        rest = errors[PARETO_BARS - 1:]
        errors = [*errors[:PARETO_BARS - 1], (f"{len(rest)} others", sum(n for _, n in rest))]
    total = sum(n for _, n in errors) or 1
    cumulative = [sum(n for _, n in errors[:index + 1]) / total for index in range(len(errors))]
    positions = list(range(len(errors)))
    axes.bar(positions, [n for _, n in errors], color=_LINE, alpha=0.8)
    axes.set_xticks(positions, [_short(name, 16) for name, _ in errors], rotation=30, ha="right", fontsize=8)
    axes.set_ylabel("errors")
    axes.spines[["top"]].set_visible(False)
    share = axes.twinx()
    share.plot(positions, cumulative, color=_TARGET, marker="o", markersize=3.5, linewidth=2)
    share.axhline(0.8, color="#1D1C1D", linestyle="--", linewidth=1)
    share.set_ylim(0, 1.05)
    share.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    share.spines[["top"]].set_visible(False)
    axes.set_title(f"{title}: errors by category, line = cumulative share, dashed = 80%", loc="left", fontsize=10)


def _rows_figure(rows: int) -> tuple[Figure, object]:
    """A figure as wide as a phone, one row of bars per part."""
    from matplotlib.figure import Figure

    height = 1.3 + COMPARISON_ROW_INCHES * rows
    figure = Figure(figsize=(COMPARISON_WIDTH_INCHES, height), dpi=COMPARISON_DPI)
    figure.subplots_adjust(left=0.34, right=0.97, top=1 - 0.55 / height, bottom=0.5 / height)
    return figure, figure.add_subplot()


def _label_rows(axes, names: list[str], title: str) -> None:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    axes.set_yticks(list(range(len(names))), [_short(name) for name in names], fontsize=11)
    axes.invert_yaxis()  # the first row on top
    axes.xaxis.set_major_locator(MaxNLocator(nbins=4))
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.tick_params(axis="x", labelsize=10)
    axes.grid(axis="x", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, loc="left", fontsize=10)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(name: str, most: int = 22) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"
