"""Filing escalations through the running app and the Slack stand-in."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.limits import view_problems
from bot.store.db import session_scope
from bot.store.escalations import get_escalation, history
from tests.conftest import ACME_MEMBER, OUTSIDER, QA_LEAD


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


def test_escalate_opens_the_prefilled_modal(bot_in_slack):
    delivery = bot_in_slack.sender.slash_command("escalate wave of wrong takedowns", user_id=QA_LEAD)
    assert delivery.status == 200
    (opened,) = bot_in_slack.slack.wait_for_calls("views.open")
    view = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    assert view["callback_id"] == CallbackId.ESCALATION_MODAL and view_problems(view) == []
    description = next(b for b in view["blocks"] if b["block_id"] == BlockId.ESCALATION_DESCRIPTION)
    assert description["element"]["initial_value"] == "wave of wrong takedowns"
    assert opened.args["trigger_id"]


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


def test_a_good_escalation_is_stored_routed_posted_and_the_reporter_told(bot_in_slack, engine, now):
    delivery = bot_in_slack.sender.view_submission(callback_id=CallbackId.ESCALATION_MODAL, user_id=QA_LEAD,
                                                   values=values(**GOOD))
    assert delivery.status == 200 and delivery.body == ""
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
