"""The demo's business review: `/qa review vendor acme 13w` through the app, and the PDF it sends kept on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.standin import FakeSlack, SlackSender

WAIT_SECONDS = 60
REVIEW_FILE = "qabot-demo-review.pdf"


def business_review(sender: SlackSender, slack: FakeSlack, *, user_id: str, chart_path: Path,
                    echo: Callable[[str], None]) -> None:
    echo("\n> /qa review vendor acme 13w      (the business review leadership reads, as a PDF)")
    delivery = sender.slash_command("review vendor acme 13w", user_id=user_id)
    echo(f"  acknowledged with HTTP {delivery.status} in {delivery.seconds * 1000:.0f} ms")
    key = delivery.response_url.rsplit("/", 1)[1]
    calls = slack.wait_for(lambda calls: any(c.method == "response_url" and c.args["key"] == key for c in calls),
                           timeout=WAIT_SECONDS)
    echo("  " + next(c.args["text"] for c in calls if c.method == "response_url" and c.args["key"] == key))
    pdfs = [call.content for call in slack.calls_to("upload") if call.content.startswith(b"%PDF")]
    if pdfs:
        path = chart_path.with_name(REVIEW_FILE)
        path.write_bytes(pdfs[-1])
        echo(f"The review the bot sent is saved at {path.resolve()}")
