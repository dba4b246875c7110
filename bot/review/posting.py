"""A business review in Slack: its PDF uploaded to a conversation with the one-paragraph summary, for `/qa review`
(the requester's DM) and the scheduled reviews (their channel) alike."""

from __future__ import annotations

import re

from bot.render.review_pdf import review_pdf
from bot.render.review_tables import review_summary
from bot.review.service import BusinessReview
from bot.runtime import Runtime


def upload_review(runtime: Runtime, *, review: BusinessReview, channel: str) -> str:
    """Draw the review's PDF and share it in `channel` with its summary as the message; returns the summary."""
    pdf = runtime.draw(review_pdf, review)
    summary = review_summary(review)
    first, last = review.period.first_day, review.period.last_day
    slug = re.sub(r"[^A-Za-z0-9]+", "-", review.label).strip("-").lower() or "org"
    runtime.client.files_upload_v2(channel=channel, content=pdf, filename=f"review-{slug}-{first}-{last}.pdf",
                                   title=f"Business review: {review.label}, {first} to {last}",
                                   initial_comment=summary)
    return summary
