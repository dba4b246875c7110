"""`/qa review` through the running app and the Slack stand-in: the PDF in the requester's DM, the summary."""

from __future__ import annotations

import pytest

from tests.conftest import ACME_MEMBER, OUTSIDER, QA_LEAD
from tests.review.factories import seed_review, shared_review
from tests.slack.test_answers import answered_quickly


@pytest.fixture
def seeded(engine, config, tmp_path, now):
    seed_review(engine, config=config, tmp_path=tmp_path, now=now)


def test_the_review_goes_to_the_requesters_dm_as_a_pdf_with_its_summary(bot_in_slack, seeded):
    delivery = bot_in_slack.sender.slash_command("review vendor acme week", user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Acme BPO, 2026-11-09 to 2026-11-15 (UTC): accuracy 90.00%")
    assert "The PDF and its tables (CSV files) are in your messages with me." in reply["text"]
    assert "1 escalation (0 acknowledged late, 1 resolved late)" in reply["text"]  # 30 min to acknowledge, 30 h
    pdf, tables = shared_review(bot_in_slack.slack, channel_prefix="D")
    assert pdf.startswith(b"%PDF-")
    assert tables["review-acme-bpo-2026-11-09-2026-11-15-headline.csv"][1] == [
        "Accuracy", "90.00%", "target 95.0%", "below"]


@pytest.mark.parametrize(("text", "first_day"), [("review vendor acme 13w", "2026-08-17"),
                                                 ("review vendor acme", "2026-11-09"),
                                                 ("review vendor acme 2026-11-01..2026-11-15", "2026-11-01")])
def test_review_periods_as_typed(bot_in_slack, seeded, text, first_day):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command(text, user_id=QA_LEAD))
    assert reply["text"].startswith(f"Acme BPO, {first_day} to 2026-11-15 (UTC)")


def test_vendor_members_get_their_own_vendor_only_and_outsiders_nothing(bot_in_slack, seeded):
    sender = bot_in_slack.sender
    other = bot_in_slack.reply(sender.slash_command("review vendor globex", user_id=ACME_MEMBER))
    assert "You can see Acme BPO only." in other["text"]
    refused = bot_in_slack.reply(sender.slash_command("review vendor acme", user_id=OUTSIDER))
    assert "not on the QA staff or a vendor's member list" in refused["text"]
    bot_in_slack.settle()
    assert not bot_in_slack.slack.calls_to("upload")


def test_a_teams_review_is_for_qa_staff_and_names_the_teams_when_unknown(engine, slack_config, seeded, now):
    from bot.config import parse_team_config
    from tests.conftest import running_bot

    raw = slack_config.model_dump(exclude_none=True)
    raw["teams"] = {"dublin": {"name": "Dublin T&S", "channel": "C0DUBLIN01", "timezone": "Europe/Dublin",
                               "vendors": ["acme", "Globex"]}}
    with running_bot(engine, parse_team_config(raw, origin="test"), now) as bot:
        delivery = bot.sender.slash_command("review team Dublin T&S week", user_id=QA_LEAD)
        answered_quickly(delivery)
        assert bot.reply(delivery)["text"].startswith("Acme BPO · Globex, 2026-11-09 to 2026-11-15 (Europe/Dublin)")
        unknown = bot.reply(bot.sender.slash_command("review team cork", user_id=QA_LEAD))
        assert unknown["text"] == "No team called 'cork'. Teams: dublin."
        member = bot.reply(bot.sender.slash_command("review team dublin", user_id=ACME_MEMBER))
        assert member["text"] == ("A team's review is for QA staff; `/qa review vendor NAME` gives your own "
                                  "vendor's.")
        bot.settle()
        assert len(bot.slack.calls_to("files.completeUploadExternal")) == 1  # the QA lead's review alone


def test_a_vendor_members_review_leaves_out_calibration_sessions(bot_in_slack, seeded):
    """Sessions have no vendor: a shared queue's may hold other vendors' judges, so only QA staff see them."""
    import io

    from pypdf import PdfReader

    def review_text(user_id: str) -> str:
        bot_in_slack.reply(bot_in_slack.sender.slash_command("review vendor acme week", user_id=user_id))
        pdf = next(call.content for call in reversed(bot_in_slack.slack.calls_to("upload"))
                   if call.content.startswith(b"%PDF"))
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "Calibration sessions: in QA staff's reviews only" in review_text(ACME_MEMBER)
    assert "Calibration sessions closed in the period" in review_text(QA_LEAD)
