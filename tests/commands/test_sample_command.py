"""`/qa sample` through the running app and the Slack stand-in: what the person sees, and who may see it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.audits.importer import import_audits
from bot.slack.limits import block_problems
from tests.conftest import ACME_MEMBER, OUTSIDER, QA_LEAD
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly

#: (agent, audits, correct) of Acme over the four full weeks before the test's today.
ACME_AGENTS = [("agent-good", 500, 475), ("agent-low", 200, 170), ("agent-few", 40, 36), ("agent-new", 10, 10)]


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


@pytest.fixture
def audits(engine, config, tmp_path, now):
    """Acme (target 95%): 750 audits in the 28 full days before today, 691 correct; today's audits do not count.
    Globex: 100 audits of its own."""
    first_day = now.date() - timedelta(days=28)
    rows = []

    def add(agent: str, vendor: str, audits: int, correct: int, *, day: date | None = None) -> None:
        for index in range(audits):
            when = day or first_day + timedelta(days=index % 28)
            wrong = {"agent_decision": "approve", "qa_decision": "counterfeit"} if index >= correct else {}
            rows.append(audit_row(f"{agent}-{index}", vendor=vendor, agent_id=agent, **wrong,
                                  audited_at=f"{when.isoformat()}T10:00:00Z", decided_at=f"{when.isoformat()}T09:00:00Z"))

    for agent, audits, correct in ACME_AGENTS:
        add(agent, "Acme BPO", audits, correct)
    add("agent-today", "Acme BPO", 5, 0, day=now.date())
    add("globex-1", "Globex", 100, 99)
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)


def test_the_sample_plan_of_a_vendor(bot_in_slack, audits, now):
    delivery = bot_in_slack.sender.slash_command("sample vendor acme", user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    assert reply["response_type"] == "ephemeral" and block_problems(reply["blocks"]) == []
    body = texts(reply)
    assert reply["text"] == ("Acme BPO: 188 audits a week; ±2 points needs 702 a week; 2 of 4 agents on too few "
                             "audits")
    first, last = now.date() - timedelta(days=28), now.date() - timedelta(days=1)
    assert f"{first} to {last} (UTC, 28 days) · the last 4 full weeks · 750 audits" in body
    assert "Accuracy 92.1% (95% CI 90.0%–93.9%) against target 95.0%, on 188 audits a week." in body
    assert ":warning: ±1 point: 2,790 a week; gets 188, 2,602 short" in body
    assert ":warning: ±3 points: 315 a week; gets 188, 127 short" in body
    assert "no finite-population correction" in body
    assert "2 of 4 agents (50%) have too few audits in these 4 weeks to tell them from the target" in body
    assert "• `agent-few` 90.0% of 40: needs 73 (33 more)" in body
    assert "• `agent-new` 100.0% of 10: needs 73 (63 more)" in body
    assert "agent-low" not in body and "agent-today" not in body
    assert "(95.0% to 93.0%) with a one-sided test at 5% significance and 80% power: 822 audits, about 4.4 weeks" in body
    assert "/qa sample vendor Acme BPO 1" in body


def test_a_margin_names_the_drop_to_detect(bot_in_slack, audits):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("sample vendor acme 1pt", user_id=QA_LEAD))
    assert "To catch accuracy 1 point under target (95.0% to 94.0%)" in texts(reply)
    assert "3,118 audits, about 16.6 weeks" in texts(reply)


def test_a_name_ending_in_a_number_is_read_as_the_name(bot_in_slack, audits, engine, config, tmp_path, now):
    day = now.date() - timedelta(days=3)
    rows = [audit_row(f"T{index}", queue="tier 2", audited_at=f"{day}T10:00:00Z", decided_at=f"{day}T09:00:00Z")
            for index in range(30)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "t.csv", rows), now=now)
    tier = bot_in_slack.reply(bot_in_slack.sender.slash_command("sample queue tier 2", user_id=QA_LEAD))
    assert "tier 2 · sample plan" in texts(tier) and "2 points under target" in texts(tier)  # the default drop
    drop = bot_in_slack.reply(bot_in_slack.sender.slash_command("sample vendor acme 1", user_id=QA_LEAD))
    assert "Acme BPO · sample plan" in texts(drop) and "1 point under target" in texts(drop)


def test_vendor_members_see_their_own_vendor_only_and_outsiders_nothing(bot_in_slack, audits):
    sender = bot_in_slack.sender
    own = bot_in_slack.reply(sender.slash_command("sample org", user_id=ACME_MEMBER))
    assert "Acme BPO · sample plan" in texts(own) and "globex-1" not in texts(own)
    other = sender.slash_command("sample vendor globex", user_id=ACME_MEMBER)
    answered_quickly(other)
    assert "You can see Acme BPO only." in bot_in_slack.reply(other)["text"]
    outsider = sender.slash_command("sample vendor acme", user_id=OUTSIDER)
    answered_quickly(outsider)
    refused = bot_in_slack.reply(outsider)
    assert "not on the QA staff or a vendor's member list" in refused["text"] and "agent-few" not in texts(refused)


@pytest.mark.parametrize(("text", "message"), [
    ("sample", "Start with vendor, agent, queue, policy, market, site or org."),
    ("sample vendor acmee", "Did you mean: Acme BPO"),
    ("sample vendor acme 0", "between 0.1 and 20, like `2` or `1.5pt`, not 0"),
    ("sample vendor acme 30d", "it takes no period (`30d`)"),
    ('sample vendor acme "missed context"', "leave out the category"),
])
def test_bad_input_gets_a_clear_answer(bot_in_slack, audits, text, message):
    delivery = bot_in_slack.sender.slash_command(text, user_id=QA_LEAD)
    answered_quickly(delivery)
    reply = bot_in_slack.reply(delivery)
    assert message in reply["text"] and reply["response_type"] == "ephemeral"
    if "Did you mean" not in message:
        assert "/qa sample vendor acme" in reply["text"]  # says what to type instead
