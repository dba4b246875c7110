"""`/qa errors` through the running app and the Slack stand-in: what the person sees, and who may see it."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from bot.audits.importer import import_audits
from bot.slack.ids import BlockId
from bot.slack.limits import block_problems
from tests.conftest import ACME_MEMBER, OUTSIDER, QA_LEAD
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


@pytest.fixture
def audits(engine, config, tmp_path, now):
    """Acme: 100 audits in the week to 2026-11-22; agent-7 misses context 4 times, agent-8 once; one
    uncategorised error. Globex: one error of its own."""
    rows = [audit_row(f"A{index}", vendor="Acme BPO", agent_id=f"agent-{index % 10}",
                      queue="video-uploads" if index % 2 else "shop-listings",
                      audited_at=f"2026-11-{16 + index % 7:02d}T10:00:00Z", decided_at="2026-11-10T00:00:00Z")
            for index in range(100)]
    errors = [("A7", "missed context", "critical"), ("A17", "missed context", "major"),
              ("A27", "missed context", "major"), ("A37", "missed context", "minor"),
              ("A8", "missed context", ""), ("A9", "", "minor")]
    for audit_id, category, severity in errors:
        row = next(row for row in rows if row["audit_id"] == audit_id)
        row.update(agent_decision="approve", qa_decision="counterfeit", error_category=category, severity=severity)
    rows.append(audit_row("G1", vendor="Globex", agent_id="globex-1", agent_decision="counterfeit",
                          qa_decision="approve", error_category="over-enforcement",
                          audited_at="2026-11-20T10:00:00Z"))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)


def test_errors_view_with_pareto_chart(bot_in_slack, audits):
    delivery = bot_in_slack.sender.slash_command("errors vendor acme 7d", user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    assert reply["response_type"] == "ephemeral" and block_problems(reply["blocks"]) == []
    body = texts(reply)
    assert reply["text"].startswith("Acme BPO: 6 errors in 100 audits; top category missed context (83%)")
    assert "Acme BPO · errors" in body and "2026-11-16 to 2026-11-22" in body
    assert "*1. missed context* · 5 errors · 83% (cumulative 83%)" in body
    assert "50.0 per 1,000 audits (no audits in the previous period to compare with)" in body
    assert "critical 1 · major 2 · minor 1 · unspecified 1 | FP 0 · FN 5 · wrong label 0" in body
    assert "*2. (uncategorised)* · 1 errors" in body  # counted and shown, never dropped
    assert "`agent-7` missed context ×4" in body and "agent-8" not in body.split("repeating")[1]
    assert "over-enforcement" not in body  # Globex's error is not Acme's
    image = next(block for block in reply["blocks"] if block["type"] == "image")
    assert image["block_id"] == BlockId.ERRORS_CHART
    (upload,) = bot_in_slack.slack.calls_to("upload")
    picture = Image.open(io.BytesIO(upload.content))
    assert picture.format == "PNG" and picture.width > picture.height
    (complete,) = bot_in_slack.slack.calls_to("files.completeUploadExternal")
    assert image["slack_file"] == {"id": json.loads(complete.args["files"])[0]["id"]}
    assert '/qa errors vendor Acme BPO \\"missed context\\" 7d' in body  # how to drill down


def test_where_a_category_comes_from(bot_in_slack, audits):
    delivery = bot_in_slack.sender.slash_command('errors vendor acme "Missed Context" 7d', user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    body = texts(reply)
    assert block_problems(reply["blocks"]) == []
    assert "Acme BPO · missed context" in body
    assert "*5* errors of *missed context* in 100 audits: 50.0 per 1,000" in body
    assert "agent-7: 4 errors where its 10 audits predict 0.5" in body
    assert "Examples" in body and "`item-A" in body
    assert not bot_in_slack.slack.calls_to("upload")


def test_vendor_members_see_their_own_vendor_only_and_outsiders_nothing(bot_in_slack, audits):
    sender = bot_in_slack.sender
    own = bot_in_slack.reply(sender.slash_command("errors vendor acme", user_id=ACME_MEMBER))
    assert "Acme BPO · errors" in texts(own) and "agent-7" in texts(own)
    narrowed = bot_in_slack.reply(sender.slash_command("errors org", user_id=ACME_MEMBER))
    assert "Acme BPO · errors" in texts(narrowed) and "over-enforcement" not in texts(narrowed)
    other = sender.slash_command("errors vendor globex", user_id=ACME_MEMBER)
    answered_quickly(other)
    assert "You can see Acme BPO only." in bot_in_slack.reply(other)["text"]
    outsider = sender.slash_command('errors vendor acme "missed context"', user_id=OUTSIDER)
    answered_quickly(outsider)
    refused = bot_in_slack.reply(outsider)
    assert "not on the QA staff or a vendor's member list" in refused["text"] and "agent-7" not in texts(refused)


@pytest.mark.parametrize(("text", "message"), [
    ("errors", "Start with vendor, agent, queue, policy, market, site or org."),
    ("errors acme", "`acme` is not something I can look at."),
    ("errors vendor acme vendor globex", "`vendor` is given twice"),
    ('errors vendor acme "missed contxt"', 'Did you mean "missed context"'),
    ("errors vendor acmee", "Did you mean: Acme BPO"),
    ("errors vendor acme 0d", "between 1 and"),
])
def test_bad_input_gets_a_clear_answer(bot_in_slack, audits, text, message):
    delivery = bot_in_slack.sender.slash_command(text, user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    assert message in reply["text"] and reply["response_type"] == "ephemeral"
