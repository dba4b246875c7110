"""Filing escalations through the running app and the Slack stand-in."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.limits import view_problems
from bot.store.db import session_scope
from bot.store.escalations import get_escalation, history
from tests.conftest import ACME_MEMBER, ANSWER_WITHIN_SECONDS, OUTSIDER, QA_LEAD, over_each_transport


def values(**fields) -> dict:
    """Modal state as Slack sends it: text fields as value, selects as selected_option."""
    state = {}
    for name, value in fields.items():
        block = getattr(BlockId, f"ESCALATION_{name.upper()}")
        if name in ("category", "severity", "vendor", "queue"):
            element = {"type": "static_select", "selected_option": {"value": value}}
        elif name == "assignee":
            element = {"type": "users_select", "selected_user": value}
        else:
            element = {"type": "plain_text_input", "value": value}
        state[block] = {ActionId.FIELD_VALUE: element}
    return state


GOOD = dict(title="Counterfeit sneakers approved", category="missed violation", severity="P1",
            vendor="Acme BPO", items="item-1\nhttps://shop.example.com/l/9", description="Seen in the 9am sample")


@over_each_transport
def test_escalate_opens_the_prefilled_modal(bot_in_slack):
    delivery = bot_in_slack.sender.slash_command("escalate wave of wrong takedowns", user_id=QA_LEAD)
    assert delivery.status == 200
    (opened,) = bot_in_slack.slack.wait_for_calls("views.open")
    view = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    assert view["callback_id"] == CallbackId.ESCALATION_MODAL and view_problems(view) == []
    description = next(b for b in view["blocks"] if b["block_id"] == BlockId.ESCALATION_DESCRIPTION)
    assert description["element"]["initial_value"] == "wave of wrong takedowns"
    assert opened.args["trigger_id"]


@over_each_transport
def test_bad_input_is_answered_in_the_modal_and_nothing_is_stored(bot_in_slack, engine):
    delivery = bot_in_slack.sender.view_submission(
        callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
        values=values(**{**GOOD, "title": "", "items": "item-1\nhttp://"}))
    answer = json.loads(delivery.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"title", "items"}
    with session_scope(engine) as session:
        assert get_escalation(session, escalation_id=1) is None
    assert not bot_in_slack.slack.calls_to("chat.postMessage")


@over_each_transport
def test_a_good_escalation_is_stored_routed_posted_and_the_reporter_told(bot_in_slack, engine, now):
    delivery = bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
                                                   values=values(**GOOD))
    assert delivery.status == 200 and delivery.body == ""  # the modal closes
    assert delivery.seconds < ANSWER_WITHIN_SECONDS, delivery.seconds
    posts = bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    channel_post, dm = posts
    assert channel_post.args["channel"] == "C0ACMEESC"  # the route for Acme BPO
    assert "ESC-1 · Counterfeit sneakers approved" in json.dumps(channel_post.args["blocks"], ensure_ascii=False)
    assert dm.args["channel"] == QA_LEAD and "Filed ESC-1 (P1)" in dm.args["text"]
    with session_scope(engine) as session:
        escalation = get_escalation(session, escalation_id=1)
        events = history(session, escalation_id=1)
    assert escalation.message_ts and escalation.items == "item-1\nhttps://shop.example.com/l/9"
    assert escalation.acknowledge_due_at == now + timedelta(hours=1)  # P1 default SLA
    assert escalation.resolve_due_at == now + timedelta(hours=24)
    assert [e.kind for e in events] == ["filed"]


def test_when_posting_fails_the_escalation_is_kept_and_the_reporter_told(bot_in_slack, engine):
    bot_in_slack.slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "channel_not_found"})
    bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
                                        values=values(**{**GOOD, "vendor": "Globex"}))
    posts = bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    assert "ESC-1 is saved, but I could not post it to <#C0ESCALATE>" in posts[1].args["text"]
    with session_scope(engine) as session:
        escalation = get_escalation(session, escalation_id=1)
    assert escalation.title == GOOD["title"] and escalation.message_ts is None


def test_listing_open_and_mine_and_by_vendor(bot_in_slack):
    sender = bot_in_slack.sender
    sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD, values=values(**GOOD))
    bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)  # ESC-1 saved (after the form closed) before ESC-2 comes
    sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=ACME_MEMBER,
                           values=values(**{**GOOD, "title": "Globex queue backlog", "vendor": "Globex"}))
    bot_in_slack.slack.wait_for_calls("chat.postMessage", 4)
    everything = bot_in_slack.reply(sender.slash_command("escalations", user_id=QA_LEAD))
    assert "ESC-1" in str(everything["blocks"]) and "ESC-2" in str(everything["blocks"])
    assert "left for acknowledgement" in str(everything["blocks"])
    mine = bot_in_slack.reply(sender.slash_command("escalations mine", user_id=ACME_MEMBER))
    assert "ESC-2" in str(mine["blocks"]) and "ESC-1" not in str(mine["blocks"])
    theirs = bot_in_slack.reply(sender.slash_command("escalations", user_id=ACME_MEMBER))
    assert "ESC-1" in str(theirs["blocks"]) and "ESC-2" not in str(theirs["blocks"])  # Acme's only
    acme = bot_in_slack.reply(sender.slash_command("escalations vendor acme", user_id=QA_LEAD))
    assert "ESC-1" in str(acme["blocks"]) and "ESC-2" not in str(acme["blocks"])
    bad = bot_in_slack.reply(sender.slash_command("escalations closed", user_id=QA_LEAD))
    assert "Use `/qa escalations`" in bad["text"]


def test_outsiders_cannot_escalate(bot_in_slack):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("escalate", user_id=OUTSIDER))
    assert "not on the QA staff" in reply["text"]
    assert not bot_in_slack.slack.calls_to("views.open")


def file_one(bot_in_slack, reporter=QA_LEAD, **changes) -> None:
    bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=reporter,
                                        values=values(**{**GOOD, **changes}))
    bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)


def click(bot_in_slack, action_id, user_id, value="1"):
    return bot_in_slack.sender.block_action(action_id=action_id, value=value, user_id=user_id)


def kinds(engine) -> list[str]:
    with session_scope(engine) as session:
        return [event.kind for event in history(session, escalation_id=1)]


def test_acknowledge_twice_and_at_once_changes_the_record_once(bot_in_slack, engine):
    from concurrent.futures import ThreadPoolExecutor

    file_one(bot_in_slack)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: click(bot_in_slack, ActionId.ESCALATION_ACKNOWLEDGE, QA_LEAD), range(4)))
    bot_in_slack.slack.wait_for_calls("chat.update", 1)
    bot_in_slack.settle()
    assert kinds(engine) == ["filed", "acknowledged"]
    (update,) = bot_in_slack.slack.calls_to("chat.update")
    assert "Acknowledged by <@UQALEAD01>" in json.dumps(update.args["blocks"])
    assert "escalation_acknowledge" not in json.dumps(update.args["blocks"])
    threads = [c for c in bot_in_slack.slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert [t.args["text"] for t in threads] == ["ESC-1: Acknowledged by <@UQALEAD01>."]


def test_assign_resolve_with_root_cause_and_reopen(bot_in_slack, engine):
    file_one(bot_in_slack, reporter=ACME_MEMBER)
    click(bot_in_slack, ActionId.ESCALATION_ASSIGN, QA_LEAD)
    bot_in_slack.slack.wait_for_calls("chat.update", 1)
    click(bot_in_slack, ActionId.ESCALATION_RESOLVE, QA_LEAD)
    (opened,) = bot_in_slack.slack.wait_for_calls("views.open")
    modal = opened.args["view"]
    assert modal["callback_id"] == CallbackId.RESOLUTION_MODAL and view_problems(modal) == []

    def submit(user, text, cause):
        state = {BlockId.RESOLUTION_TEXT: {ActionId.FIELD_VALUE: {"type": "plain_text_input", "value": text}},
                 BlockId.RESOLUTION_ROOT_CAUSE: {ActionId.FIELD_VALUE: {
                     "type": "static_select", "selected_option": {"value": cause} if cause else None}}}
        return bot_in_slack.sender.view_submission(callback_id=CallbackId.RESOLUTION_MODAL, user_id=user,
                                                   values=state, private_metadata=modal["private_metadata"])

    empty = json.loads(submit(QA_LEAD, "", None).body)
    assert set(empty["errors"]) == {BlockId.RESOLUTION_TEXT, BlockId.RESOLUTION_ROOT_CAUSE}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:  # two people pressing Resolve at the same moment
        list(pool.map(lambda _: submit(QA_LEAD, "Listings restored", "policy misapplied"), range(2)))
    bot_in_slack.slack.wait_for_calls("chat.update", 2)
    bot_in_slack.settle()
    assert kinds(engine) == ["filed", "assigned", "resolved"]
    with session_scope(engine) as session:
        escalation = get_escalation(session, escalation_id=1)
    assert (escalation.status, escalation.root_cause, escalation.resolved_by) == (
        "resolved", "policy misapplied", QA_LEAD)
    resolved_blocks = json.dumps(bot_in_slack.slack.calls_to("chat.update")[-1].args["blocks"])
    assert "Resolved" in resolved_blocks and ActionId.ESCALATION_REOPEN in resolved_blocks

    click(bot_in_slack, ActionId.ESCALATION_REOPEN, ACME_MEMBER)  # the reporter may reopen
    bot_in_slack.slack.wait_for_calls("chat.update", 3)
    with session_scope(engine) as session:
        assert get_escalation(session, escalation_id=1).status == "open"


def test_only_assignee_reporter_or_qa_staff_may_resolve(bot_in_slack, engine, slack_config):
    file_one(bot_in_slack)
    refused = bot_in_slack.reply(click(bot_in_slack, ActionId.ESCALATION_RESOLVE, ACME_MEMBER))
    assert refused["text"] == "Only the assignee, the reporter or QA staff can resolve ESC-1."
    assert not bot_in_slack.slack.calls_to("views.open")
    outsider = bot_in_slack.reply(click(bot_in_slack, ActionId.ESCALATION_ACKNOWLEDGE, OUTSIDER))
    assert "not on the QA staff" in outsider["text"]
    assert kinds(engine) == ["filed"]


def test_message_shortcut_prefills_text_and_link(bot_in_slack, engine):
    bot_in_slack.sender.message_shortcut(callback_id=CallbackId.ESCALATE_SHORTCUT, user_id=QA_LEAD,
                                         message={"ts": "1700000000.000100", "text": "Seller says 40 listings removed"})
    (opened,) = bot_in_slack.slack.wait_for_calls("views.open")
    modal = opened.args["view"]
    description = next(b for b in modal["blocks"] if b["block_id"] == BlockId.ESCALATION_DESCRIPTION)
    assert description["element"]["initial_value"] == "Seller says 40 listings removed"
    permalink = json.loads(modal["private_metadata"])["permalink"]
    assert permalink.endswith("/archives/C0QATEAM01/p1700000000000100")
    bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
                                        values=values(**GOOD), private_metadata=modal["private_metadata"])
    (post, _dm) = bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    assert f"<{permalink}|this message>" in json.dumps(post.args["blocks"])


@over_each_transport
def test_reaction_acknowledges_only_with_the_right_emoji_on_the_right_message(bot_in_slack, engine):
    from bot.standin.web_api import BOT_USER_ID

    file_one(bot_in_slack)
    with session_scope(engine) as session:
        escalation = get_escalation(session, escalation_id=1)
    on_escalation = {"type": "message", "channel": escalation.channel_id, "ts": escalation.message_ts}
    sender = bot_in_slack.sender

    def react(user, reaction, item=on_escalation, event_id=None):
        return sender.event({"type": "reaction_added", "user": user, "reaction": reaction, "item": item,
                             "item_user": BOT_USER_ID, "event_ts": "1.0"}, event_id=event_id)

    react(QA_LEAD, "thumbsup")
    react(QA_LEAD, "eyes", item={**on_escalation, "ts": "999.0"})
    react(BOT_USER_ID, "eyes")
    react(OUTSIDER, "eyes")
    bot_in_slack.settle()
    assert kinds(engine) == ["filed"]
    first = react(QA_LEAD, "eyes", event_id="EvAck1")
    sender.retry(first, retry_num=1)
    bot_in_slack.slack.wait_for_calls("chat.update", 1)
    react(ACME_MEMBER, "white_check_mark")  # already acknowledged: nothing more
    bot_in_slack.settle()
    assert kinds(engine) == ["filed", "acknowledged"]
    threads = [c.args["text"] for c in bot_in_slack.slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert threads == ["ESC-1: Acknowledged by <@UQALEAD01> (:eyes:)."]


def test_an_outsiders_reaction_is_refused_and_logged(bot_in_slack, engine, caplog):
    from bot.standin.web_api import BOT_USER_ID

    file_one(bot_in_slack)
    with session_scope(engine) as session:
        escalation = get_escalation(session, escalation_id=1)
    with caplog.at_level(logging.WARNING, logger="bot.slack.access"):
        bot_in_slack.sender.event({"type": "reaction_added", "user": OUTSIDER, "reaction": "eyes",
                                   "item": {"type": "message", "channel": escalation.channel_id,
                                            "ts": escalation.message_ts},
                                   "item_user": BOT_USER_ID, "event_ts": "1.0"})
        bot_in_slack.settle()
    assert kinds(engine) == ["filed"]
    assert f"access refused: user {OUTSIDER} asked for acknowledging ESC-1 (:eyes:)" in caplog.text
