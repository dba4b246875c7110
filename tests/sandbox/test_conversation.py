"""What people would see, read from the stand-in's calls: updates replace messages, replies go in threads, a
response_url replaces or deletes the message it came from, views land with whoever's request opened them."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient

from bot.sandbox.conversation import Conversation, ResponseTarget
from bot.standin import FakeSlack

LEAD, OTHER = "UQALEAD01", "UOTHER001"
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Form"}, "blocks": []}


@pytest.fixture
def slack():
    with FakeSlack() as slack:
        yield slack


def post_to(url: str, payload: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request, timeout=5).close()


def test_an_update_replaces_a_message_and_a_reply_goes_in_its_thread(slack):
    client = WebClient(token=slack.token, base_url=slack.api_url)
    ts = client.chat_postMessage(channel="C1", text="first")["ts"]
    client.chat_update(channel="C1", ts=ts, text="edited")
    client.chat_postMessage(channel="C1", thread_ts=ts, text="a reply")
    (message,) = Conversation(slack, dm_channels={}).channel_messages("C1", viewer=LEAD)
    assert message["text"] == "edited" and [reply["text"] for reply in message["replies"]] == ["a reply"]


def test_a_response_is_seen_only_by_who_asked_and_can_replace_then_delete_its_message(slack):
    conversation = Conversation(slack, dm_channels={})
    asked = slack.response_url()
    conversation.expect_response(asked, ResponseTarget("C1", LEAD))
    post_to(asked, {"text": "just you"})
    (answer,) = conversation.channel_messages("C1", viewer=LEAD)
    assert answer["ephemeral"] and conversation.channel_messages("C1", viewer=OTHER) == []
    pressed = slack.response_url()
    conversation.expect_response(pressed, ResponseTarget("C1", LEAD, message_ts=answer["ts"]))
    post_to(pressed, {"text": "replaced", "replace_original": True})
    assert [m["text"] for m in conversation.channel_messages("C1", viewer=LEAD)] == ["replaced"]
    post_to(pressed, {"delete_original": True})
    assert conversation.channel_messages("C1", viewer=LEAD) == []


def test_a_view_opened_before_its_request_came_back_lands_with_its_person_and_updates_by_id(slack):
    client = WebClient(token=slack.token, base_url=slack.api_url)
    conversation = Conversation(slack, dm_channels={})
    opened = client.views_open(trigger_id="1.2.standin", view=MODAL)["view"]
    assert conversation.modal(LEAD) is None
    conversation.expect_views("1.2.standin", user=LEAD)
    assert conversation.modal(LEAD).view["id"] == opened["id"] and conversation.modal(OTHER) is None
    client.views_update(view_id=opened["id"], view={**MODAL, "title": {"type": "plain_text", "text": "Next"}})
    assert conversation.modal(LEAD).view["title"]["text"] == "Next"
    conversation.answered_submission(LEAD, {"response_action": "errors", "errors": {"title": "Say what happened."}})
    assert conversation.modal(LEAD).errors == {"title": "Say what happened."}
    conversation.answered_submission(LEAD, {})
    assert conversation.modal(LEAD) is None


def test_the_bot_posting_to_a_person_or_their_dm_channel_lands_in_one_dm(slack):
    client = WebClient(token=slack.token, base_url=slack.api_url)
    client.chat_postMessage(channel=LEAD, text="by user id")
    client.chat_postMessage(channel="DQALEAD01", text="by DM channel")
    conversation = Conversation(slack, dm_channels={"DQALEAD01": LEAD})
    assert [m["text"] for m in conversation.channel_messages(LEAD, viewer=LEAD)] == ["by user id", "by DM channel"]
