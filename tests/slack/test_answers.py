"""Every listener kind, on every path, answers Slack's request with HTTP 200 well inside 3 s, once.

Through signed requests to the running app: success, bad input, refusal, an unexpected exception
and a database that is down, for slash commands, buttons, view submissions, message shortcuts and
events. Each error path is sent several times in a row: the 404 these tests guard against came from
a race in Bolt (an error raised after ack() reset the acknowledgement), so one lucky request proves
little. After each, the person's one answer is checked: in the modal, by response_url or by DM.
"""

from __future__ import annotations

import json
import logging

import pytest

from bot.slack.errors import APOLOGY
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.standin.web_api import BOT_USER_ID
from bot.store.db import make_engine
from tests.commands.test_escalate import GOOD, values
from tests.conftest import ANSWER_WITHIN_SECONDS, OUTSIDER, QA_LEAD, running_bot

REPEATS = 5
JUDGE_BLOCKS = [{"type": "input", "block_id": BlockId.CALIBRATION_VERDICT, "label": {"type": "plain_text",
                                                                                      "text": "Verdict"},
                 "element": {"type": "static_select", "action_id": ActionId.FIELD_VALUE, "options": []}}]


def answered_quickly(delivery) -> None:
    assert delivery.status == 200, (delivery.status, delivery.body)
    assert delivery.seconds < ANSWER_WITHIN_SECONDS, delivery.seconds


def responses(bot, delivery) -> list[dict]:
    key = delivery.response_url.rsplit("/", 1)[1]
    return [c.args for c in bot.slack.calls_to("response_url") if c.args["key"] == key]


def only_answer(bot, delivery) -> dict:
    """The one message sent to the request's response_url, once the app has finished with it."""
    bot.reply(delivery)
    bot.settle()
    (answer,) = responses(bot, delivery)
    assert answer["response_type"] == "ephemeral"
    return answer


def dms_to(bot, user_id: str) -> list[str]:
    return [c.args["text"] for c in bot.slack.calls_to("chat.postMessage") if c.args.get("channel") == user_id]


def judge(bot, *, user_id: str, session: int = 99):
    return bot.sender.view_submission(
        callback_id=CallbackId.CALIBRATION_JUDGE, user_id=user_id, blocks=JUDGE_BLOCKS,
        private_metadata=json.dumps({"session": session, "position": 1}),
        values={BlockId.CALIBRATION_VERDICT: {ActionId.FIELD_VALUE: {"type": "static_select",
                                                                     "selected_option": {"value": "approve"}}}})


def boom(*_args, **_kwargs):
    raise RuntimeError("boom")


# ---------------------------------------------------------------- slash commands

@pytest.mark.parametrize(("text", "user", "said"), [
    ("help", QA_LEAD, "/qa vendor acme"),
    ("vendor nosuch", QA_LEAD, "No vendor called 'nosuch' is known"),
    ("vendor acme 0d", QA_LEAD, "between 1 and"),
    ("calibration x", QA_LEAD, "Say which session"),
    ("vendor acme", OUTSIDER, "You are not on the QA staff"),
    ("calibrate", OUTSIDER, "Only QA staff can run calibration sessions"),
])
def test_slash_command_paths(bot_in_slack, text, user, said):
    for _ in range(REPEATS):
        delivery = bot_in_slack.sender.slash_command(text, user_id=user)
        answered_quickly(delivery)
        answer = only_answer(bot_in_slack, delivery)
        assert said in answer["text"] + json.dumps(answer.get("blocks") or [])


def test_slash_command_unexpected_error_is_apologised_for_and_logged(bot_in_slack, monkeypatch, caplog):
    from bot.commands import qa

    monkeypatch.setattr(qa, "send_scorecard", boom)
    with caplog.at_level(logging.ERROR):
        for _ in range(REPEATS):
            delivery = bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD)
            answered_quickly(delivery)
            assert only_answer(bot_in_slack, delivery)["text"] == APOLOGY
    assert "RuntimeError: boom" in caplog.text and "unexpected error handling /qa" in caplog.text


# ---------------------------------------------------------------- buttons

@pytest.mark.parametrize(("action_id", "value", "user", "said"), [
    (ActionId.ESCALATION_RESOLVE, "404", QA_LEAD, "ESC-404 does not exist"),
    (ActionId.ESCALATION_ACKNOWLEDGE, "1", OUTSIDER, "You are not on the QA staff"),
    (ActionId.SHARE_SCORECARD, json.dumps({"scopes": {"agent": "agent-1"}, "period": "7d"}), QA_LEAD,
     "No agent called 'agent-1' is known"),
    (ActionId.CALIBRATION_START, "99", QA_LEAD, "You are not a participant of CAL-99"),
])
def test_button_paths(bot_in_slack, action_id, value, user, said):
    for _ in range(REPEATS):
        delivery = bot_in_slack.sender.block_action(action_id=action_id, value=value, user_id=user)
        answered_quickly(delivery)
        assert said in only_answer(bot_in_slack, delivery)["text"]


def test_button_unexpected_error(bot_in_slack, monkeypatch):
    from bot.escalations import service

    monkeypatch.setattr(service, "take", boom)
    delivery = bot_in_slack.sender.block_action(action_id=ActionId.ESCALATION_ASSIGN, value="1", user_id=QA_LEAD)
    answered_quickly(delivery)
    assert only_answer(bot_in_slack, delivery)["text"] == APOLOGY


# ---------------------------------------------------------------- view submissions

def test_refused_verdict_is_answered_inside_the_modal(bot_in_slack, caplog):
    """AccessDenied before ack(): the modal shows why under its input, instead of Slack's connection error;
    the refusal is logged like every other."""
    caplog.set_level(logging.WARNING)
    for _ in range(REPEATS):
        delivery = judge(bot_in_slack, user_id=OUTSIDER)
        answered_quickly(delivery)
        answer = json.loads(delivery.body)
        assert answer == {"response_action": "errors",
                          "errors": {BlockId.CALIBRATION_VERDICT: "You are not a participant of CAL-99."}}
    bot_in_slack.settle()
    assert dms_to(bot_in_slack, OUTSIDER) == []  # answered once: in the modal, not again by DM
    assert f"access refused: user {OUTSIDER} asked for judging CAL-99" in caplog.text


def test_bad_form_values_keep_their_errors(bot_in_slack):
    delivery = bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, values={},
                                                   user_id=QA_LEAD)
    answered_quickly(delivery)
    assert json.loads(delivery.body)["response_action"] == "errors"


def test_unexpected_error_in_a_form_without_inputs_updates_the_view(bot_in_slack, monkeypatch):
    from bot.commands import calibrate

    monkeypatch.setattr(calibrate, "judging_position", boom)
    delivery = bot_in_slack.sender.view_submission(callback_id=CallbackId.CALIBRATION_JUDGE, values={},
                                                   user_id=QA_LEAD)
    answered_quickly(delivery)
    answer = json.loads(delivery.body)
    assert answer["response_action"] == "update" and APOLOGY in json.dumps(answer["view"])


def test_error_after_a_form_closed_is_sent_by_dm(bot_in_slack, monkeypatch):
    """A view submission has no response_url: what goes wrong after ack() reaches the person by DM."""
    from bot.store import escalations

    monkeypatch.setattr(escalations, "create_escalation", boom)
    delivery = bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, values=values(**GOOD),
                                                   user_id=QA_LEAD)
    answered_quickly(delivery)
    assert delivery.body == "", delivery.body
    bot_in_slack.settle()
    assert dms_to(bot_in_slack, QA_LEAD) == [APOLOGY]


# ---------------------------------------------------------------- shortcuts and events

def test_shortcut_refusal(bot_in_slack):
    delivery = bot_in_slack.sender.message_shortcut(
        callback_id=CallbackId.ESCALATE_SHORTCUT, user_id=OUTSIDER, message={"ts": "1.0", "text": "bad listing"})
    answered_quickly(delivery)
    bot_in_slack.settle()
    (answer,) = bot_in_slack.slack.calls_to("response_url")
    assert "You are not on the QA staff" in answer.args["text"]
    assert not bot_in_slack.slack.calls_to("views.open")


def test_event_unexpected_error_is_logged_and_told(bot_in_slack, monkeypatch, caplog):
    from bot.commands import reactions

    monkeypatch.setattr(reactions, "acknowledge_by_reaction", boom)
    with caplog.at_level(logging.ERROR):
        delivery = bot_in_slack.sender.event({"type": "reaction_added", "user": QA_LEAD, "reaction": "eyes",
                                              "item": {"type": "message", "channel": "C1", "ts": "1.0"},
                                              "item_user": BOT_USER_ID, "event_ts": "1.0"})
        answered_quickly(delivery)
        bot_in_slack.settle()
    assert "RuntimeError: boom" in caplog.text
    assert dms_to(bot_in_slack, QA_LEAD) == [APOLOGY]


# ---------------------------------------------------------------- the database is down

@pytest.fixture
def bot_without_database(tmp_path, slack_config, now):
    """The app in front of a database it cannot open (as when the server is down)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'no such folder' / 'qabot.db'}")
    with running_bot(engine, slack_config, now) as bot:
        yield bot
    engine.dispose()


def test_every_listener_kind_answers_when_the_database_is_down(bot_without_database, caplog):
    bot, sender = bot_without_database, bot_without_database.sender
    with caplog.at_level(logging.ERROR):
        command = sender.slash_command("vendor acme", user_id=QA_LEAD)
        button = sender.block_action(action_id=ActionId.ESCALATION_ACKNOWLEDGE, value="1", user_id=QA_LEAD)
        form = judge(bot, user_id=QA_LEAD)
        shortcut = sender.message_shortcut(callback_id=CallbackId.ESCALATE_SHORTCUT, user_id=QA_LEAD,
                                           message={"ts": "1.0", "text": "bad listing"})
        event = sender.event({"type": "reaction_added", "user": QA_LEAD, "reaction": "eyes",
                              "item": {"type": "message", "channel": "C1", "ts": "1.0"},
                              "item_user": BOT_USER_ID, "event_ts": "1.0"})
        for delivery in (command, button, form, shortcut, event):
            answered_quickly(delivery)
        bot.settle()
    assert only_answer(bot, command)["text"] == APOLOGY
    assert only_answer(bot, button)["text"] == APOLOGY
    assert json.loads(form.body) == {"response_action": "errors", "errors": {BlockId.CALIBRATION_VERDICT: APOLOGY}}
    assert [c.args["text"] for c in bot.slack.calls_to("response_url")].count(APOLOGY) == 3  # the shortcut too
    assert dms_to(bot, QA_LEAD) == [APOLOGY]  # the reaction's
    assert "OperationalError" in caplog.text


def test_acknowledgement_does_not_wait_behind_other_requests_work(bot_in_slack):
    """With every computing slot taken (other requests busy with their figures), /qa is still acknowledged at
    once; its answer follows when a slot frees."""
    slots = bot_in_slack.runtime.computing
    held = 0
    while slots.acquire(blocking=False):
        held += 1
    try:
        delivery = bot_in_slack.sender.slash_command("vendor acme", user_id=QA_LEAD)
        answered_quickly(delivery)
        assert responses(bot_in_slack, delivery) == []  # still waiting for its turn to compute
    finally:
        for _ in range(held):
            slots.release()
    answer = only_answer(bot_in_slack, delivery)
    assert "Acme BPO" in answer["text"] + json.dumps(answer.get("blocks") or [])
