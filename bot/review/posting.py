"""A business review in Slack: its PDF and its tables (CSV files in one zip) uploaded to a conversation with the
one-paragraph summary, for `/qa review` (the requester's DM) and the scheduled reviews (their channel) alike."""

from __future__ import annotations

import re

from bot.render.review_pdf import review_pdf
from bot.render.review_tables import review_summary, review_tables, tables_zip
from bot.review.service import BusinessReview
from bot.runtime import Runtime


def upload_review(runtime: Runtime, *, review: BusinessReview, channel: str, paper: str | None = None) -> str:
    """Draw the review's PDF (on `paper`, else `[defaults].paper`) and share it in `channel`, with its tables as
    CSV files and its summary as the message; returns the summary."""
    pdf = runtime.draw(review_pdf, review, paper or runtime.config.defaults.paper)
    summary = review_summary(review)
    first, last = review.period.first_day, review.period.last_day
    slug = re.sub(r"[^A-Za-z0-9]+", "-", review.label).strip("-").lower() or "org"
    stem = f"review-{slug}-{first}-{last}"
    runtime.client.files_upload_v2(channel=channel, initial_comment=summary, file_uploads=[
        {"content": pdf, "filename": f"{stem}.pdf", "title": f"Business review: {review.label}, {first} to {last}"},
        {"content": tables_zip(review_tables(review), stem=stem, stamp=last), "filename": f"{stem}-tables.zip",
         "title": f"Business review tables (CSV): {review.label}, {first} to {last}"},
    ])
    return summary
