"""The review's PDF: its pages and paper, its text (extracted, as a reader would search it) carrying the headline
figures worked out here from the audits seeded, its pages rendered (not blank; the trend's line, band and target
drawn), the same bytes every time; and a period without audits, and a quarter, drawn as such."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from pypdf import PdfReader

from bot.render.review_pdf import review_pdf
from bot.render.review_tables import review_tables
from bot.review.periods import review_period
from bot.review.service import business_review
from bot.store.db import session_scope
from tests.review.factories import WEEKS, acme_week_review, seed_review

PAGES = 6  # title and headline, trend, errors, the other tables (two pages here), appendix
Z = 1.959963984540054
LINE, BAND, TARGET = (0x12, 0x64, 0xA3), (0xDB, 0xE8, 0xF1), (0xE0, 0x1E, 0x5A)


@pytest.fixture
def review(engine, config, tmp_path, now):
    return acme_week_review(engine, config=config, tmp_path=tmp_path, now=now)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def rendered(pdf: bytes, *, scale: float = 1.0) -> list[np.ndarray]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return [np.asarray(document[index].render(scale=scale).to_pil().convert("RGB")) for index in range(len(document))]


def near(pixels: np.ndarray, colour: tuple[int, int, int], *, within: int = 24) -> int:
    """How many pixels are within `within` of `colour` on every channel."""
    return int((np.abs(pixels.astype(int) - np.array(colour)).max(axis=2) <= within).sum())


def wilson_by_hand(correct: int, audits: int) -> tuple[float, float]:
    p = correct / audits
    centre = (p + Z * Z / (2 * audits)) / (1 + Z * Z / audits)
    half = Z * math.sqrt(p * (1 - p) / audits + Z * Z / (4 * audits * audits)) / (1 + Z * Z / audits)
    return centre - half, centre + half


def test_the_first_page_carries_the_headline_figures_worked_out_from_the_seeded_audits(review):
    (_, audits, correct), (_, before_audits, before_correct), (_, year_audits, year_correct) = WEEKS
    low, high = wilson_by_hand(correct, audits)
    change = 100 * (correct / audits - before_correct / before_audits)
    year_change = 100 * (correct / audits - year_correct / year_audits)
    first, *_ = text = pages_text(review_pdf(review))
    assert len(text) == PAGES
    assert "Business review: Acme BPO" in first and "2026-11-09 to 2026-11-15 (UTC)" in first
    for figure in (f"{correct / audits:.2%}", f"{low:.2%} to {high:.2%}", "target 95.0%", "below", f"{audits:,}",
                   f"{change:+.2f} pts", f"{year_change:+.2f} pts", f"{before_audits:,} audits",
                   f"{year_audits:,} audits", "60.0 s"):
        assert figure in first, figure
    everything = "\n".join(text)
    for words in ("missed context", "training gap", "ALERT-", "Appendix: definitions", "Wilson score interval"):
        assert words in everything, words


@pytest.mark.parametrize(("paper", "points"), [("a4", (842, 595)), ("letter", (792, 612))])
def test_pages_are_landscape_on_the_paper_asked_and_dated_by_the_period_not_the_clock(review, paper, points):
    pdf = review_pdf(review, paper)
    reader = PdfReader(io.BytesIO(pdf))
    assert {(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in reader.pages} == {
        points}
    assert reader.metadata["/CreationDate"].startswith("D:20261116")
    assert len(reader.pages) == PAGES and "90.00%" in reader.pages[0].extract_text()


def test_every_page_renders_with_ink_and_the_trend_draws_its_line_band_and_target(review):
    pdf = review_pdf(review)
    for index, pixels in enumerate(rendered(pdf, scale=0.5)):
        assert (pixels.min(axis=2) < 200).mean() > 0.002, f"page {index + 1} is blank"
    trend = rendered(pdf)[1]
    chart = trend[: trend.shape[0] // 2]  # the chart fills the page's upper half, its table the lower
    assert near(chart, LINE) > 200 and near(chart, TARGET) > 200 and near(chart, BAND, within=8) > 200
    words = pages_text(pdf)[1]
    assert "accuracy (% of audits correct)" in words and "week, Monday to Sunday (UTC), at its middle" in words


def test_the_same_review_gives_the_same_bytes(review):
    assert review_pdf(review) == review_pdf(review)


def test_every_table_has_rows_as_wide_as_its_header(review):
    tables = review_tables(review)
    assert {"headline", "trend", "errors", "movers", "escalations", "alerts", "calibrations", "disputes",
            "definitions"} <= {table.name for table in tables}
    assert all(len(row) == len(table.header) for table in tables for row in table.rows)


def test_a_period_without_audits_reads_as_such_on_every_page(engine, config, now):
    with session_scope(engine) as session:
        review = business_review(session, config=config, scopes={"vendor": "acme"},
                                 period=review_period("week", now=now), now=now)
    pdf = review_pdf(review)
    text = pages_text(pdf)
    assert "no audits" in text[0] and "no audits to compare" in text[0]
    assert "(none)" in text[2]  # the Pareto's table
    assert all((pixels.min(axis=2) < 200).mean() > 0.002 for pixels in rendered(pdf, scale=0.5))


def test_a_quarter_trends_by_month(engine, config, tmp_path, now):
    seed_review(engine, config=config, tmp_path=tmp_path, now=now)
    with session_scope(engine) as session:
        review = business_review(session, config=config, scopes={"vendor": "acme"},
                                 period=review_period("2026-07-01..2026-09-30", now=now), now=now)
    text = pages_text(review_pdf(review))
    assert "2026-07-01 to 2026-09-30" in text[0] and "month" in text[1]
    assert "2025-10-01 to 2025-10-31" in text[1] and "2026-09-01 to 2026-09-30" in text[1]  # 12 calendar months
