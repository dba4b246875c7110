"""`/qa` through the running app and the Slack stand-in: signed requests in, Web API calls out."""

from __future__ import annotations

import json
import logging

import pytest

from bot.audits.importer import import_audits
from bot.slack.ids import ActionId, BlockId
from bot.slack.limits import block_problems
from tests.conftest import ACME_MEMBER, ANSWER_WITHIN_SECONDS, OUTSIDER, QA_GROUP_MEMBER, QA_LEAD, over_each_transport
from tests.factories import audit_row, write_csv


@pytest.fixture
def audits(engine, config, tmp_path, now):
    rows = []
    for index in range(60):
        wrong = index % 7 == 0
        rows.append(audit_row(
            f"A{index}", vendor="Acme BPO" if index % 2 else "Globex", agent_id=f"agent-{index % 3}",
            queue="shop-listings" if index % 3 else "video-uploads",
            agent_decision="counterfeit" if wrong else "approve", qa_decision="approve",
            error_category="over-enforcement" if wrong else "",
            audited_at=f"2026-11-{16 + index % 7:02d}T10:00:00Z", decided_at="2026-11-10T00:00:00Z"))
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


@pytest.mark.parametrize("text", ["", "help", "frobnicate acme"])
def test_help_for_nothing_help_and_unknown(bot_in_slack, text):
    delivery = bot_in_slack.sender.slash_command(text, user_id=QA_LEAD)
    assert delivery.status == 200
    reply = bot_in_slack.reply(delivery)
    assert reply["response_type"] == "ephemeral"
    assert "/qa vendor acme" in texts(reply)
    if text.startswith("frobnicate"):
        assert "I don't know `/qa frobnicate`" in texts(reply)


@over_each_transport
def test_vendor_scorecard_with_chart(bot_in_slack, audits):
    delivery = bot_in_slack.sender.slash_command("vendor ACME 7d", user_id=QA_LEAD)
    assert delivery.status == 200 and delivery.body == ""
    assert delivery.seconds < ANSWER_WITHIN_SECONDS, delivery.seconds
    reply = bot_in_slack.reply(delivery)
    assert reply["response_type"] == "ephemeral"
    assert block_problems(reply["blocks"]) == []
    body = texts(reply)
    assert "Acme BPO · vendor scorecard" in body and "2026-11-16 to 2026-11-22" in body
    assert "Weakest queues" in body and "Top error categories" in body
    slack = bot_in_slack.slack
    (get_url,) = slack.calls_to("files.getUploadURLExternal")
    (upload,) = slack.calls_to("upload")
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert upload.content.startswith(b"\x89PNG") and int(get_url.args["length"]) == len(upload.content)
    file_id = json.loads(complete.args["files"])[0]["id"]
    image = next(block for block in reply["blocks"] if block["type"] == "image")
    assert image["slack_file"] == {"id": file_id} and image["block_id"] == BlockId.SCORECARD_CHART
    actions = next(block for block in reply["blocks"] if block["type"] == "actions")
    assert actions["elements"][0]["action_id"] == ActionId.SHARE_SCORECARD


def test_share_posts_to_the_channel(bot_in_slack, audits):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("queue shop-listings", user_id=QA_LEAD))
    button = next(block for block in reply["blocks"] if block["type"] == "actions")["elements"][0]
    shared = bot_in_slack.reply(bot_in_slack.sender.block_action(
        action_id=ActionId.SHARE_SCORECARD, value=button["value"], user_id=QA_LEAD))
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert "shop-listings · queue scorecard" in texts(shared)
    assert "Weakest agents" in texts(reply) and "agent-" not in texts(shared)  # no agent figures in a channel
    assert "only shown to you" not in texts(shared)
    assert not any(block["type"] == "actions" for block in shared["blocks"])
    assert len(bot_in_slack.slack.calls_to("upload")) == 1  # the chart is reused, not drawn again


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vendor acmee", "No vendor called 'acmee' is known. Did you mean: Acme BPO"),
        ("vendor acme last week", "No vendor called 'acme last week' is known"),
        ("vendor acme 0d", "between 1 and"),
        ("queue shop-listings 2026-11-30..2026-11-01", "ends before it starts"),
        ("agent", "Say which agent: `/qa agent NAME [period]`"),
        ("agent <@UNOBODY01|nobody>", "<@UNOBODY01> is not linked to an agent id"),
    ],
)
def test_bad_input_gets_a_clear_answer(bot_in_slack, audits, text, message):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command(text, user_id=QA_LEAD))
    assert message in reply["text"] and reply["response_type"] == "ephemeral"


def test_no_audits_in_period_is_said_plainly(bot_in_slack, audits):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme 2025-01-01..2025-01-07",
                                                                 user_id=QA_LEAD))
    assert "No audits for *Acme BPO* in this period" in texts(reply)
    assert not bot_in_slack.slack.calls_to("upload")


def test_agent_by_mention_shows_latest_errors_and_cannot_be_shared(bot_in_slack, audits, engine, tmp_path, now,
                                                                  config):
    import_audits(engine, config=config, now=now, path=write_csv(tmp_path / "b.csv", [audit_row(
        "E1", agent_id="agent-1", vendor="Acme BPO", item_id="listing-777", agent_decision="approve",
        qa_decision="counterfeit", error_category="missed violation", audited_at="2026-11-21T09:30:00Z",
        decided_at="2026-11-21T09:00:00Z")]))
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("agent <@UAGENT001|bob> 7d",
                                                                 user_id=QA_GROUP_MEMBER))
    body = texts(reply)
    assert "agent-1 · agent scorecard" in body and "Latest errors" in body and "listing-777" in body
    buttons = [element for block in reply["blocks"] if block["type"] == "actions" for element in block["elements"]]
    assert [(button["action_id"], button["value"]) for button in buttons] == [(ActionId.COACH_AGENT, "agent-1")]
    refused = bot_in_slack.reply(bot_in_slack.sender.block_action(
        action_id=ActionId.SHARE_SCORECARD, user_id=QA_LEAD,
        value=json.dumps({"scopes": {"agent": "agent-1"}, "period": "7d", "chart": None})))
    assert "can't be shared in a channel" in refused["text"] and refused["response_type"] == "ephemeral"


def test_outsiders_are_refused_and_logged(bot_in_slack, audits, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.slack.access"):
        reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=OUTSIDER))
    assert "not on the QA staff or a vendor's member list" in reply["text"]
    assert f"access refused: user {OUTSIDER} asked for vendor acme" in caplog.text
    unknown = bot_in_slack.reply(bot_in_slack.sender.slash_command("agent agent-", user_id=OUTSIDER))
    assert "agent-1" not in unknown["text"]  # no suggestions drawn from the data for outsiders
    assert not bot_in_slack.slack.calls_to("upload")


def test_vendor_members_see_only_their_vendor(bot_in_slack, audits):
    sender = bot_in_slack.sender
    own = bot_in_slack.reply(sender.slash_command("vendor acme", user_id=ACME_MEMBER))
    assert "Acme BPO · vendor scorecard" in texts(own)
    other = bot_in_slack.reply(sender.slash_command("vendor globex", user_id=ACME_MEMBER))
    assert "You can see Acme BPO only." in other["text"]
    narrowed = bot_in_slack.reply(sender.slash_command("queue shop-listings", user_id=ACME_MEMBER))
    assert "shop-listings · Acme BPO · queue scorecard" in texts(narrowed)
    foreign_agent = bot_in_slack.reply(sender.slash_command("agent agent-0", user_id=ACME_MEMBER))
    unknown_agent = bot_in_slack.reply(sender.slash_command("agent agent-", user_id=ACME_MEMBER))
    assert foreign_agent["text"] == "No agent called 'agent-0' that you can see."
    assert unknown_agent["text"] == "No agent called 'agent-' that you can see."  # no hint which ids exist


def test_forged_requests_are_rejected(bot_in_slack, audits):
    delivery = bot_in_slack.sender.forged("vendor acme", user_id=QA_LEAD)
    assert delivery.status == 401
    assert not bot_in_slack.slack.calls_to("response_url")


def test_rate_limited_upload_is_retried(bot_in_slack, audits):
    bot_in_slack.slack.fail_next("files.getUploadURLExternal", status=429, retry_after=1)
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD), timeout=15)
    assert any(block["type"] == "image" for block in reply["blocks"])
    assert len(bot_in_slack.slack.calls_to("files.getUploadURLExternal")) == 2


def test_unexpected_failure_apologises_and_logs(bot_in_slack, audits, caplog, monkeypatch):
    import bot.kpi.service

    def broken(*_args, **_kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(bot.kpi.service, "scorecard_for", broken)
    with caplog.at_level(logging.ERROR):
        reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD))
    assert reply["text"].startswith("Sorry, something went wrong on my side")
    assert "RuntimeError: database is down" in caplog.text
    after = bot_in_slack.reply(bot_in_slack.sender.slash_command("help", user_id=QA_LEAD))
    assert "/qa vendor acme" in texts(after)  # still serving


def test_works_in_a_dm_and_in_channels_the_bot_is_not_in(bot_in_slack, audits):
    for channel in ("D0DMWITHBOT", "C0NOTAMEMBER"):
        reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD,
                                                                     channel_id=channel))
        assert "Acme BPO · vendor scorecard" in texts(reply)
    assert not bot_in_slack.slack.calls_to("chat.postMessage")  # replies use response_url, no membership needed


def test_a_chart_that_cannot_be_uploaded_does_not_lose_the_figures(bot_in_slack, audits, caplog):
    for _ in range(6):  # more 429s than the client retries
        bot_in_slack.slack.fail_next("files.getUploadURLExternal", status=429, retry_after=0)
    with caplog.at_level(logging.ERROR):
        reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD), timeout=20)
    assert "Acme BPO · vendor scorecard" in texts(reply)
    assert not any(block["type"] == "image" for block in reply["blocks"])
    assert "could not be drawn or uploaded" in caplog.text


def test_figures_are_computed_once_until_an_import_changes_them(bot_in_slack, audits, engine, config, tmp_path,
                                                                 now, monkeypatch):
    from bot.kpi import service

    computed = []
    real = service.scorecard_for
    monkeypatch.setattr(service, "scorecard_for", lambda *args, **kwargs: computed.append(1) or real(*args, **kwargs))
    ask = lambda: texts(bot_in_slack.reply(bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD)))  # noqa: E731
    first, second = ask(), ask()
    assert first == second and len(computed) == 1
    import_audits(engine, config=config, now=now, path=write_csv(tmp_path / "more.csv", [audit_row(
        f"N{index}", vendor="Acme BPO", agent_decision="approve", qa_decision="counterfeit",
        error_category="missed violation", audited_at="2026-11-21T09:30:00Z", decided_at="2026-11-21T09:00:00Z")
        for index in range(30)]))
    third = ask()
    assert len(computed) == 2 and "accuracy 86.7%" in first and "accuracy 43.3%, 60 audits" not in first
    assert "accuracy 43.3% against target 95.0% (significantly below), 60 audits" in third


def test_the_scorecard_chart_has_control_limits_and_its_signals_in_words(bot_in_slack, engine, config, tmp_path,
                                                                         now):
    """Acme: 20 audits a day, 19 right, for the 8 weeks before the week asked for; in it, 20 Nov has 12 right."""
    from datetime import date, timedelta

    from tests.render.test_blocks import signal_pixels

    rows = []
    for offset in range(63):
        day = date(2026, 9, 21) + timedelta(days=offset)
        wrong = 8 if day == date(2026, 11, 20) else 1
        rows += [audit_row(f"A{offset}-{index}", agent_decision="counterfeit" if index < wrong else "approve",
                           audited_at=f"{day}T10:00:00Z", decided_at=f"{day}T09:00:00Z") for index in range(20)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    delivery = bot_in_slack.sender.slash_command("vendor acme 7d", user_id=QA_LEAD)
    reply = bot_in_slack.reply(delivery)
    assert block_problems(reply["blocks"]) == []
    (caption,) = [block["elements"][0]["text"] for block in reply["blocks"] if block["type"] == "context"
                  and block["elements"][0]["text"].startswith("Control chart")]
    assert caption == ("Control chart: p chart (σz = 0.00: day-to-day variation within binomial); centre line "
                       "95.0% over 21 Sep–15 Nov.\nSignals (1):\n• 20 Nov: below the lower control limit (3σ)")
    (upload,) = bot_in_slack.slack.calls_to("upload")
    assert signal_pixels(upload.content) > 50  # the day is marked on the chart that was uploaded
