"""Reading `/qa review`'s text: a team or a scope, then the review's own periods or the other commands'."""

from __future__ import annotations

import pytest

from bot.errors import QabotError
from bot.slack.command_text import ReviewRequest, parse_review_text

USAGE = "Try `/qa review vendor acme`."


@pytest.mark.parametrize(("text", "expected"), [
    ("vendor acme", ReviewRequest({"vendor": "acme"}, None, "week")),
    ("vendor acme quarter", ReviewRequest({"vendor": "acme"}, None, "quarter")),
    ("queue shop-listings 13w", ReviewRequest({"queue": "shop-listings"}, None, "13w")),
    ("vendor acme 13 weeks", ReviewRequest({"vendor": "acme"}, None, "13 weeks")),
    ("vendor acme 30d", ReviewRequest({"vendor": "acme"}, None, "30d")),
    ("vendor acme 2026-11-01..2026-11-15", ReviewRequest({"vendor": "acme"}, None, "2026-11-01..2026-11-15")),
    ("org month", ReviewRequest({}, None, "month")),
    ("team manila month", ReviewRequest({}, "manila", "month")),
    ("team Dublin T&S", ReviewRequest({}, "Dublin T&S", "week")),
    ("TEAM dublin since 2026-11-01", ReviewRequest({}, "dublin", "since 2026-11-01")),
])
def test_a_scope_or_team_then_a_period(config, text, expected):
    assert parse_review_text(text, usage=USAGE, config=config) == expected


def test_a_request_without_a_scope_says_how_to_ask(config):
    with pytest.raises(QabotError, match="Try `/qa review vendor acme`"):
        parse_review_text("acme", usage=USAGE, config=config)
