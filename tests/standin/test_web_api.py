"""The stand-in's additions for the sandbox: what it answered is recorded, uploaded files are served by id."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient

from bot.standin import FakeSlack


def test_a_posted_message_is_recorded_with_the_ts_it_was_given():
    with FakeSlack() as slack:
        answer = WebClient(token=slack.token, base_url=slack.api_url).chat_postMessage(channel="C1", text="hi")
        (call,) = slack.calls_to("chat.postMessage")
    assert call.answer["ts"] == answer["ts"] and call.answer["ok"]


def test_an_uploaded_file_is_served_by_its_id_and_an_unknown_one_is_not_found():
    with FakeSlack() as slack:
        client = WebClient(token=slack.token, base_url=slack.api_url)
        file_id = client.files_upload_v2(content=b"\x89PNG fake", filename="chart.png", title="chart")["file"]["id"]
        with urllib.request.urlopen(slack.file_url(file_id), timeout=5) as served:
            assert (served.read(), served.headers["Content-Type"]) == (b"\x89PNG fake", "image/png")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(slack.file_url("F000"), timeout=5)
    assert missing.value.code == 404
