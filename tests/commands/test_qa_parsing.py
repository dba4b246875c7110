import pytest

from bot.slack.command_text import QaRequest, parse_qa_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", QaRequest("", "", "7d")),
        ("vendor acme", QaRequest("vendor", "acme", "7d")),
        ("Vendor Acme BPO 30d", QaRequest("vendor", "Acme BPO", "30d")),
        ("queue shop-listings since 2026-10-01", QaRequest("queue", "shop-listings", "since 2026-10-01")),
        ("policy counterfeit 2026-10-01..2026-10-31", QaRequest("policy", "counterfeit", "2026-10-01..2026-10-31")),
        ("agent <@U123|bob> 90 days", QaRequest("agent", "<@U123|bob>", "90 days")),
        ("vendor acme last week", QaRequest("vendor", "acme last week", "7d")),
    ],
)
def test_parse(text, expected):
    assert parse_qa_text(text) == expected
