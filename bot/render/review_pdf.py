"""A business review as a multi-page landscape PDF (A4 or US Letter), drawn with matplotlib's PDF backend on bare Figures.

Tables are `axes.table` text, so the PDF can be searched and copied; the charts have axis labels and units.
The same review gives the same bytes: the creation date is the day after the period, not the clock.
"""

from __future__ import annotations

import io
import textwrap
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.render.charts import draw_pareto
from bot.render.review_tables import Table, accuracy_text, review_tables
from bot.review.periods import is_quarter

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from bot.review.service import BusinessReview  # not at run time: chart workers draw without the store

#: Landscape, in inches.
PAPER_INCHES = {"a4": (11.69, 8.27), "letter": (11.0, 8.5)}
ROW_INCHES = 0.22
TOP, BOTTOM, LEFT, WIDTH = 0.86, 0.07, 0.05, 0.9
TABLE_FONT = 8
DEFINITION_WIDTH = 150
_LINE, _TARGET = "#1264A3", "#E01E5A"


def review_pdf(review: BusinessReview, paper: str = "a4") -> bytes:
    """Title and headline, the accuracy trend, the Pareto, then every other table, and the definitions, on `paper`
    (a key of PAPER_INCHES), landscape."""
    from matplotlib.backends.backend_pdf import PdfPages

    tables = {table.name: table for table in review_tables(review)}
    buffer = io.BytesIO()
    metadata = {"Title": f"Business review: {review.label}, {_span(review)}", "Creator": "QA Ops Bot",
                "CreationDate": datetime.combine(review.period.last_day + timedelta(days=1), time.min, tzinfo=UTC)}
    with PdfPages(buffer, metadata=metadata) as pdf:
        pages = _Pages(pdf, review, size=PAPER_INCHES[paper])
        title = pages.new(f"Business review: {review.label}", size=20)
        title.text(LEFT, 0.80, _span(review), fontsize=13)
        pages.tables(title, [tables["headline"]], top=0.72)
        _trend_page(pages.new("Accuracy trend"), review, tables["trend"], pages)
        pareto = pages.new("Errors")
        draw_pareto(pareto.add_axes((0.07, 0.50, 0.86, 0.33)), title=review.label,
                    errors=[(row.category, row.counts.errors) for row in review.pareto.rows if row.counts.errors])
        pages.tables(pareto, [tables["errors"]], top=0.36)
        rest = [table for name, table in tables.items() if name not in {"headline", "trend", "errors", "definitions"}]
        pages.tables(pages.new("Movers, escalations, alerts, calibration and disputes"), rest, top=TOP - 0.02)
        _definitions_page(pages.new("Appendix: definitions"), tables["definitions"])
        pages.close()
    return buffer.getvalue()


class _Pages:
    """Pages in order, each with a heading and a footer, saved when the next one starts."""

    def __init__(self, pdf: PdfPages, review: BusinessReview, *, size: tuple[float, float]) -> None:
        self.pdf, self.review, self.size, self.current, self.count = pdf, review, size, None, 0

    def new(self, heading: str, *, size: int = 15) -> Figure:
        from matplotlib.figure import Figure

        self.close()
        self.count += 1
        self.current = Figure(figsize=self.size)
        self.current.text(LEFT, 0.93, heading, fontsize=size, weight="bold")
        self.current.text(LEFT, 0.025, f"{self.review.label} · {_span(self.review)} · page {self.count}",
                          fontsize=7, color="#616061")
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.pdf.savefig(self.current)
            self.current = None

    def tables(self, page: Figure, tables: list[Table], *, top: float) -> None:
        """Stacked from `top` down; a table that does not fit goes on (as many as it takes) continued pages."""
        row = ROW_INCHES / self.size[1]
        for table in tables:
            rows = table.rows or [["(none)", *[""] * (len(table.header) - 1)]]
            while rows:
                room = int((top - BOTTOM) / row) - 2  # the title and the header
                if room < 2:
                    page, top = self.new(f"{table.title} (continued)"), TOP - 0.02
                    continue
                shown, rows = rows[:room], rows[room:]
                _draw_table(page, table, shown, top=top, row=row)
                top -= row * (len(shown) + 2) + 0.03


def _draw_table(page: Figure, table: Table, rows: list[list[str]], *, top: float, row: float) -> None:
    page.text(LEFT, top - row * 0.8, table.title, fontsize=10, weight="bold")
    height = row * (len(rows) + 1)
    axes = page.add_axes((LEFT, top - row - height, WIDTH, height))
    axes.axis("off")
    widths = [max(len(text) for text in column) + 2 for column in zip(table.header, *rows)]
    drawn = axes.table(cellText=rows, colLabels=table.header, colWidths=[w / sum(widths) for w in widths],
                       cellLoc="left", bbox=(0, 0, 1, 1))
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(TABLE_FONT)
    for (line, _), cell in drawn.get_celld().items():
        cell.set_linewidth(0.3)
        if line == 0:
            cell.set_facecolor("#F4EDE4")


def _trend_page(page: Figure, review: BusinessReview, table: Table, pages: _Pages) -> None:
    """Accuracy per week (or month) with its 95% interval band and the target line, then its table."""
    from matplotlib.dates import DateFormatter
    from matplotlib.ticker import PercentFormatter

    axes = page.add_axes((0.08, 0.58, 0.88, 0.28))
    points = [point for point in review.trend if point.accuracy is not None]
    middles = [point.period.first_day + (point.period.last_day - point.period.first_day) / 2 for point in points]
    axes.fill_between(middles, [p.accuracy.low for p in points], [p.accuracy.high for p in points],
                      color=_LINE, alpha=0.15, linewidth=0)
    axes.plot(middles, [p.accuracy.value for p in points], color=_LINE, marker="o", linewidth=2)
    target = review.headline.targets.accuracy
    axes.axhline(target, color=_TARGET, linestyle="--", linewidth=1.5)
    low = min([target, *(p.accuracy.low for p in points)])
    axes.set_ylim(max(0.0, low - 0.02), 1.0)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.xaxis.set_major_formatter(DateFormatter("%b %d" if not is_quarter(review.period) else "%b %Y"))
    axes.set_ylabel("accuracy (% of audits correct)")
    axes.set_xlabel("month" if is_quarter(review.period) else f"week, Monday to Sunday ({review.timezone}), at its middle")
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(f"band = 95% interval, dashed = target {target:.1%}; latest: "
                   f"{accuracy_text(review.trend[-1].accuracy)}", loc="left", fontsize=9)
    pages.tables(page, [table], top=0.50)


def _definitions_page(page: Figure, table: Table) -> None:
    top = 0.86
    for term, definition in table.rows:
        lines = textwrap.wrap(f"{term}: {definition}", DEFINITION_WIDTH)
        page.text(LEFT, top, "\n".join(lines), fontsize=9, va="top", linespacing=1.4)
        top -= 0.028 * len(lines) + 0.015


def _span(review: BusinessReview) -> str:
    return f"{review.period.first_day.isoformat()} to {review.period.last_day.isoformat()} ({review.timezone})"
