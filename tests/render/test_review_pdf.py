"""The review's PDF: its pages, its text (extracted, as a reader would search it), not blank, the same bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from pypdf import PdfReader

from bot.render.review_pdf import review_pdf
from bot.render.review_tables import review_tables
from tests.review.factories import acme_week_review

PAGES = 6  # title and headline, trend, errors, the other tables (two pages here), appendix


@pytest.fixture
def review(engine, config, tmp_path, now):
    return acme_week_review(engine, config=config, tmp_path=tmp_path, now=now)


def test_the_pdf_carries_the_headline_figures_as_text(review):
    reader = PdfReader(io.BytesIO(review_pdf(review)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == PAGES
    assert "Business review: Acme BPO" in reader.pages[0].extract_text()
    for figure in ("90.00%", "target 95.0%", "below", "40", "-10.00 pts", "+40.00 pts", "60.0 s",
                   "missed context", "training gap", "ALERT-", "Appendix: definitions", "Wilson score interval"):
        assert figure in text, figure
    assert reader.metadata["/CreationDate"].startswith("D:20261116")


def test_every_page_renders_with_ink(review):
    import pypdfium2

    document = pypdfium2.PdfDocument(review_pdf(review))
    for index in range(len(document)):
        pixels = np.asarray(document[index].render(scale=0.5).to_pil().convert("L"))
        assert (pixels < 200).mean() > 0.002, f"page {index + 1} is blank"


def test_the_same_review_gives_the_same_bytes(review):
    assert review_pdf(review) == review_pdf(review)


def test_every_table_has_rows_as_wide_as_its_header(review):
    tables = review_tables(review)
    assert {"headline", "trend", "errors", "movers", "escalations", "alerts", "calibrations", "disputes",
            "definitions"} <= {table.name for table in tables}
    assert all(len(row) == len(table.header) for table in tables for row in table.rows)
