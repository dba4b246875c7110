"""The sandbox's JSON API without a browser: each action reaches the real bot as Slack's request would, and
what the bot sent comes back in the state as Slack would show it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from bot.demo.scenario import DEMO_ALERT_CHANNEL, DEMO_USER
from bot.sandbox.people import SANDBOX_ESCALATION_CHANNEL, SANDBOX_OUTSIDER

WAIT_SECONDS = 30


def wait_for(page, predicate, *, channel: str | None = None) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = page.get(channel)
        if predicate(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"the page never showed what was expected; last state: {state}")


def test_the_page_and_its_scripts_are_served_and_the_channels_are_the_configured_ones(page):
    with urllib.request.urlopen(page.url, timeout=10) as answer:
        assert b"QA Ops sandbox" in answer.read()
    with urllib.request.urlopen(page.url + "static/app.js", timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("text/javascript")
    state = page.get()
    names = {channel["name"] for channel in state["channels"]}
    assert {"demo-team", "escalations", "qa-alerts", "calibration"} <= names
    assert state["channels"][-1] == {"id": DEMO_USER, "name": "qa-ops-bot", "kind": "dm"}


def test_a_scorecard_is_shown_only_to_who_asked_with_its_chart_served_until_shared_in_the_channel(page):
    page.post("user", user_id=DEMO_USER)
    assert page.post("command", text="/qa vendor acme", channel="C0DEMOTEAM")[0] == 200
    state = wait_for(page, lambda state: any(message["ephemeral"] for message in state["messages"]),
                     channel="C0DEMOTEAM")
    card = next(message for message in state["messages"] if message["ephemeral"])
    image = next(block for block in card["blocks"] if block["type"] == "image")
    with urllib.request.urlopen(f"{page.url}files/{image['slack_file']['id']}", timeout=10) as chart:
        assert chart.read(8) == b"\x89PNG\r\n\x1a\n"
    page.post("user", user_id=SANDBOX_OUTSIDER)
    assert not any(message["ephemeral"] for message in page.get("C0DEMOTEAM")["messages"])
    page.post("user", user_id=DEMO_USER)
    share = next(element for block in card["blocks"] if block["type"] == "actions" for element in block["elements"])
    page.post("press", action_id=share["action_id"], value=share["value"], block_id="", channel="C0DEMOTEAM",
              ts=card["ts"])
    page.post("user", user_id=SANDBOX_OUTSIDER)
    shared = wait_for(page, lambda state: any(not message["ephemeral"] for message in state["messages"]),
                      channel="C0DEMOTEAM")
    assert "Acme BPO" in str(shared["messages"][-1]["blocks"]), "shared in the channel: everyone sees it"
    page.post("user", user_id=DEMO_USER)


def test_an_escalation_is_refused_with_errors_by_field_then_filed_and_acknowledged_by_a_reaction(page):
    page.post("user", user_id=DEMO_USER)
    page.post("command", text="/qa escalate", channel="C0DEMOTEAM")
    modal = wait_for(page, lambda state: state["modal"] is not None)["modal"]
    assert modal["view"]["callback_id"] == "escalation_modal"
    values = escalation_values(modal["view"], title="Counterfeit listings approved", items="not a list ###")
    status, answer = page.post("submit", values=values)
    assert status == 200 and answer["answer"]["response_action"] == "errors"
    assert page.get()["modal"]["errors"], "the errors are kept beside their fields"
    values = escalation_values(modal["view"], title="Counterfeit listings approved", items="")
    assert page.post("submit", values=values)[1]["answer"] == {}
    state = wait_for(page, lambda state: state["messages"], channel=SANDBOX_ESCALATION_CHANNEL)
    assert state["modal"] is None
    posted = state["messages"][-1]
    assert page.post("react", channel=SANDBOX_ESCALATION_CHANNEL, ts=posted["ts"], emoji="eyes")[0] == 200
    wait_for(page, lambda state: "cknowledged" in str(state["messages"][-1]["blocks"]),
             channel=SANDBOX_ESCALATION_CHANNEL)


def escalation_values(view: dict, *, title: str, items: str) -> dict:
    """The escalation form filled in: `title`, the first option of each select, `items` typed."""
    values = {}
    for block in view["blocks"]:
        element = block.get("element")
        if block.get("type") != "input" or element is None:
            continue
        kind, action = element["type"], element["action_id"]
        if kind == "static_select":
            values[block["block_id"]] = {action: {"type": kind, "selected_option": element["options"][0]}}
        elif kind == "plain_text_input":
            text = {"title": title, "items": items}.get(block["block_id"], "")
            values[block["block_id"]] = {action: {"type": kind, "value": text or None}}
        elif kind == "users_select":
            values[block["block_id"]] = {action: {"type": kind, "selected_user": None}}
    return values


def test_home_tabs_differ_by_who_opens_them_and_their_buttons_open_forms(page):
    homes = {}
    for user in (DEMO_USER, "UDEMOACME01"):
        page.post("user", user_id=user)
        page.post("home")
        homes[user] = wait_for(page, lambda state: state["home"] is not None)["home"]
    page.post("user", user_id=DEMO_USER)
    assert homes[DEMO_USER]["blocks"] != homes["UDEMOACME01"]["blocks"]
    page.post("press", action_id="home_escalate", value="")
    assert wait_for(page, lambda state: state["modal"])["modal"]["view"]["callback_id"] == "escalation_modal"
    page.post("close")
    assert page.get()["modal"] is None


def test_run_now_and_moving_time_forward_run_the_monitor(page):
    status, answer = page.post("run", job="alert-monitor")
    assert status == 200 and answer["outcome"] != "skipped"
    wait_for(page, lambda state: state["messages"], channel=DEMO_ALERT_CHANNEL)
    before = page.get()["ahead_hours"]
    status, answer = page.post("advance", hours=30)
    assert status == 200 and "alert-monitor" in answer["ran"]
    assert page.get()["ahead_hours"] == before + 30


def test_mistakes_are_answered_with_their_reason(page):
    assert page.post("user", user_id="UNOBODY")[0] == 400
    assert page.post("command", text="/other thing", channel="C0DEMOTEAM")[1]["error"].startswith("only /qa")
    assert page.post("advance", hours=-1)[0] == 400
    assert page.post("run", job="no-such-job")[0] == 400
    assert page.post("nothing")[0] == 404


def test_an_action_sent_as_a_form_is_refused_so_other_sites_cannot_drive_the_sandbox(page):
    request = urllib.request.Request(f"{page.url}api/user", data=b'{"user_id": "USANDBOXOUT"}',
                                     headers={"Content-Type": "text/plain"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 415
    assert page.get()["me"]["user_id"] != SANDBOX_OUTSIDER
