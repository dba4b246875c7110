"""Disputes at their limits, through the running app: a vendor's cap of open disputes, and two filings at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.audits.importer import import_audits
from bot.slack.ids import BlockId
from bot.store.db import session_scope
from bot.store.disputes import get_dispute
from tests.commands.test_dispute import file, opened, rows, with_disputes
from tests.conftest import ACME_MEMBER, QA_LEAD, running_bot
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly


@pytest.fixture
def slack_config(slack_config):
    return with_disputes(slack_config)


@pytest.fixture
def audits(engine, slack_config, tmp_path, now):
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "a.csv", rows()), now=now)


def test_a_vendor_at_its_cap_of_open_disputes_is_told_so_however_the_data_spells_it(
        audits, engine, slack_config, tmp_path, now):
    lower = audit_row("A30", agent_decision="approve", qa_decision="counterfeit", vendor="acme bpo",
                      audited_at="2026-11-21T10:00:00Z", decided_at="2026-11-21T09:00:00Z")
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "l.csv", [lower]), now=now)
    capped = slack_config.model_copy(update={
        "disputes": slack_config.disputes.model_copy(update={"max_open_per_vendor": 1})})
    with running_bot(engine, capped, now) as bot:
        bot.sender.slash_command("dispute A30", user_id=ACME_MEMBER)
        file(bot, opened(bot), user_id=ACME_MEMBER, label="approve")
        bot.settle()
        refused = bot.sender.slash_command("dispute A1", user_id=ACME_MEMBER)
        answered_quickly(refused)
        assert "The vendor already has 1 disputes open, the most allowed" in bot.reply(refused)["text"]


def test_two_filings_at_once_cannot_both_take_a_vendors_last_place(audits, engine, slack_config, now):
    capped = slack_config.model_copy(update={
        "disputes": slack_config.disputes.model_copy(update={"max_open_per_vendor": 1})})
    with running_bot(engine, capped, now) as bot:
        forms = []
        for audit_id in ("A1", "A2"):
            bot.sender.slash_command(f"dispute {audit_id}", user_id=ACME_MEMBER)
            forms.append(opened(bot))
            bot.slack.calls.clear()
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda view: file(bot, view, user_id=ACME_MEMBER, label="counterfeit"
                                                      if "A2" in view["private_metadata"] else "approve"), forms))
        bot.settle()
        for answer in answers:
            answered_quickly(answer)
        told = [json.loads(a.body)["errors"][BlockId.DISPUTE_LABEL] for a in answers if a.body] + [
            c.args["text"] for c in bot.slack.calls_to("chat.postMessage")
            if c.args["channel"] == ACME_MEMBER and "Filed DSP-" not in c.args["text"]]
        assert len(told) == 1 and "The vendor already has 1 disputes open" in told[0], told
    with session_scope(engine) as session:
        assert get_dispute(session, dispute_id=1) is not None and get_dispute(session, dispute_id=2) is None


def test_two_filings_of_one_audit_at_once_store_one_and_tell_the_other_why(bot_in_slack, audits, engine):
    bot_in_slack.sender.slash_command("dispute A1", user_id=ACME_MEMBER)
    view = opened(bot_in_slack)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda user: file(bot_in_slack, view, user_id=user, label="approve"),
                                [ACME_MEMBER, QA_LEAD]))
    bot_in_slack.settle()
    for answer in answers:
        answered_quickly(answer)
    # The loser is told inside the form when its check ran after the winner stored; by DM when both checks
    # passed and the database refused the second dispute after the form had closed.
    in_form = [json.loads(a.body)["errors"][BlockId.DISPUTE_LABEL] for a in answers if a.body]
    by_dm = [c.args["text"] for c in bot_in_slack.slack.calls_to("chat.postMessage")
             if c.args["channel"] in (ACME_MEMBER, QA_LEAD) and "Filed DSP-" not in c.args["text"]]
    refusals = in_form + by_dm
    assert len(refusals) == 1 and "DSP-1 is already open for this audit" in refusals[0], refusals
    with session_scope(engine) as session:
        assert get_dispute(session, dispute_id=1).status == "open" and get_dispute(session, dispute_id=2) is None
