"""A full calibration session through signed requests to the running app and the Slack stand-in."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.app import build_web_client
from bot.audits.importer import import_audits
from bot.jobs.calibrations import check_calibrations
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.limits import view_problems
from tests.conftest import OUTSIDER, QA_GROUP_MEMBER, QA_LEAD
from tests.factories import audit_row, write_csv

ANA, BEN = "UANA00001", "UBEN00001"
RESULTS = "C0CALRES01"


@pytest.fixture
def audits(engine, slack_config, tmp_path, now):
    rows = [audit_row(f"A{n}", item_id=f"listing-{n}", policy="counterfeit",
                      agent_decision="remove" if n % 3 == 0 else "approve", qa_decision="approve",
                      audited_at=(now - timedelta(hours=n)).isoformat()) for n in range(30)]
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "a.csv", rows), now=now)


def form(**fields) -> dict:
    """The request modal's state as Slack sends it."""
    state = {}
    for name, value in fields.items():
        block = getattr(BlockId, f"CALIBRATION_{name.upper()}")
        element = {
            "policy": {"type": "static_select", "selected_option": {"value": value}},
            "queue": {"type": "static_select", "selected_option": {"value": value}},
            "people": {"type": "multi_users_select", "selected_users": value},
            "expert": {"type": "users_select", "selected_user": value},
            "due": {"type": "datetimepicker", "selected_date_time": value},
            "channel": {"type": "channels_select", "selected_channel": value},
        }.get(name, {"type": "plain_text_input", "value": value})
        state[block] = {ActionId.FIELD_VALUE: element}
    return state


def judge(sender, user_id: str, view: dict, label: str, comment: str = "") -> dict:
    """Pick `label` and submit; returns the modal Slack would show next."""
    answer = sender.choose(view, user_id=user_id, block_id=BlockId.CALIBRATION_VERDICT, label=label, values={
        BlockId.CALIBRATION_COMMENT: {ActionId.FIELD_VALUE: {"type": "plain_text_input", "value": comment}}})
    assert answer["response_action"] == "update", answer
    return answer["view"]


def start(bot_in_slack, user_id: str) -> dict:
    return bot_in_slack.sender.open_with_button(action_id=ActionId.CALIBRATION_START, value="1", user_id=user_id)


def text_of(message) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def test_a_full_session_request_judging_reminder_results(bot_in_slack, audits, engine, slack_config, tmp_path, now):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    due = int((now + timedelta(days=1)).timestamp())

    # The request form, for QA staff only.
    sender.slash_command("calibrate", user_id=QA_LEAD)
    (opened,) = slack.wait_for_calls("views.open")
    modal = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    assert modal["callback_id"] == CallbackId.CALIBRATION_MODAL and view_problems(modal) == []
    refused = bot_in_slack.reply(sender.slash_command("calibrate", user_id=OUTSIDER))
    assert "Only QA staff can run calibration sessions" in refused["text"]

    # Bad input is answered next to its field, and nothing is stored.
    bad = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD,
                                 values=form(count="lots", groups="qa-team", due=str(int(now.timestamp())),
                                             people=[ANA]))
    errors = json.loads(bad.body)["errors"]
    assert set(errors) == {BlockId.CALIBRATION_QUEUE, BlockId.CALIBRATION_COUNT, BlockId.CALIBRATION_GROUPS,
                           BlockId.CALIBRATION_DUE, BlockId.CALIBRATION_CHANNEL}
    assert "qa-team: not a user group id" in errors[BlockId.CALIBRATION_GROUPS]
    nothing = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="no-such-policy", count="4", people=[ANA, BEN], due=str(due), channel=RESULTS))
    assert "No audits of this scope" in json.loads(nothing.body)["errors"][BlockId.CALIBRATION_QUEUE]
    alone = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", count="4", people=[ANA], expert=QA_LEAD, due=str(due), channel=RESULTS))
    assert "at least two participants besides the expert; these make 1" in \
        json.loads(alone.body)["errors"][BlockId.CALIBRATION_PEOPLE]
    no_group = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", count="4", people=[ANA], groups="S0NOSUCH", due=str(due), channel=RESULTS))
    assert "S0NOSUCH: I cannot read this user group" in json.loads(no_group.body)["errors"][BlockId.CALIBRATION_PEOPLE]
    not_staff = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=OUTSIDER, values=form(
        policy="counterfeit", count="4", people=[ANA, BEN], due=str(due), channel=RESULTS))
    assert "Only QA staff" in json.loads(not_staff.body)["errors"][BlockId.CALIBRATION_PEOPLE]

    # A good request: 4 items, two people, a user group and the expert; everyone is invited.
    good = sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", count="4", people=[ANA, BEN], groups="S0QASTAFF", expert=QA_LEAD, due=str(due),
        channel=RESULTS))
    assert good.status == 200 and not good.body
    invitations = slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 5)
    dms = {c.args["channel"]: c.args for c in invitations if c.method == "chat.postMessage"}
    assert {ANA, BEN, QA_GROUP_MEMBER, QA_LEAD} <= set(dms)
    assert ActionId.CALIBRATION_START in json.dumps(dms[ANA]["blocks"]) and "4 items" in dms[ANA]["text"]

    # Ana judges every item, one modal view after another; never sees anyone's verdict.
    view = start(bot_in_slack, ANA)
    assert view_problems(view) == [] and "item 1 of 4" in json.dumps(view) and "Market: US" in json.dumps(view)
    assert "remove" in json.dumps(view["blocks"][2]) and "agent" not in json.dumps(view).lower()
    for _ in range(4):
        view = judge(sender, ANA, view, "approve")
    assert "You have judged all 4 items" in json.dumps(view)

    # Ben judges two and stops; coming back resumes at his third item.
    view = start(bot_in_slack, BEN)
    for _ in range(2):
        view = judge(sender, BEN, view, "remove")
    assert "item 3 of 4" in json.dumps(start(bot_in_slack, BEN))

    # The requester sees who is done.
    progress = text_of(bot_in_slack.reply(sender.slash_command("calibration 1", user_id=QA_LEAD)))
    assert f"<@{ANA}>: :white_check_mark: done" in progress and f"<@{BEN}>: :hourglass_flowing_sand: 2 of 4" in progress
    assert f"<@{QA_GROUP_MEMBER}>: :zzz: not started" in progress

    # The reminder: remind_before_h (24 h) before the end, or halfway through a shorter session; once.
    context = job_context(slack, engine, slack_config, tmp_path)
    assert check_calibrations(context, now=now + timedelta(hours=11)) == "0 session(s) closed, 0 reminder(s) sent, 1 open"
    assert check_calibrations(context, now=now + timedelta(hours=12)) == "0 session(s) closed, 3 reminder(s) sent, 1 open"
    reminded = [c.args["channel"] for c in slack.calls_to("chat.postMessage") if "Reminder" in c.args.get("text", "")]
    assert sorted(reminded) == sorted([BEN, QA_GROUP_MEMBER, QA_LEAD])
    assert check_calibrations(context, now=now + timedelta(hours=13)).startswith("0 session(s) closed, 0 reminder")

    # The expert and the group member finish; Ben does not. At the deadline, the results go out.
    for user_id, label in ((QA_LEAD, "approve"), (QA_GROUP_MEMBER, "remove")):
        view = start(bot_in_slack, user_id)
        for _ in range(4):
            view = judge(sender, user_id, view, label)
    assert check_calibrations(context, now=now + timedelta(days=1, minutes=1)).startswith("1 session(s) closed")
    (posted,) = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == RESULTS]
    results = text_of(posted)
    for figure in ("percent agreement", "Fleiss' kappa", "Krippendorff's alpha", "Gwet's AC1", "95% CI"):
        assert figure in results
    # Without the expert: items 1-2 got approve, remove, remove (1 agreeing pair of 3); items 3-4 approve, remove.
    assert "*percent agreement*\\n0.17 (95% CI" in results
    assert f"<@{ANA}>: 100% of 4 items match the expert" in results
    assert f"<@{QA_GROUP_MEMBER}>: 0% of 4 items match the expert" in results
    assert "Items that split the room" in results and "3 of 4 participants finished" in results
    image = next(block for block in posted["blocks"] if block["type"] == "image")
    assert slack.files[image["slack_file"]["id"]].startswith(b"\x89PNG")

    # Afterwards: the results again, the list with scores, and a closed session for a late judge.
    again = text_of(bot_in_slack.reply(sender.slash_command("calibration CAL-1", user_id=ANA)))
    assert "CAL-1 results" in again and "Gwet's AC1" in again
    listed = text_of(bot_in_slack.reply(sender.slash_command("calibrations", user_id=QA_LEAD)))
    assert "*CAL-1*" in listed and "AC1 " in listed and "kappa " in listed
    assert "is closed" in json.dumps(start(bot_in_slack, BEN))
    assert "No calibration session CAL-1 that you can see" in \
        bot_in_slack.reply(sender.slash_command("calibration 1", user_id=OUTSIDER))["text"]


def test_results_go_out_as_soon_as_everyone_is_done_and_only_once(bot_in_slack, audits, engine, slack_config,
                                                                   tmp_path, now):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", items="listing-1\nlisting-2\nhttps://shop.example.com/l/3?tags=a,b", people=[ANA, BEN],
        due=str(int((now + timedelta(days=1)).timestamp())), channel=RESULTS))
    slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 3)
    for user_id, labels in ((ANA, ["approve", "remove", "approve"]), (BEN, ["approve", "approve", "approve"])):
        view = start(bot_in_slack, user_id)
        assert "`listing-1`" in json.dumps(view)  # listed items keep their order; a link keeps its commas
        for label in labels:
            view = judge(sender, user_id, view, label, comment="Replica logo, see the stitching" if label ==
                         "remove" else "")
    posted = slack.wait_for(lambda calls: any(c.args.get("channel") == RESULTS for c in calls
                                              if c.method == "chat.postMessage"))
    results = text_of(next(c.args for c in posted if c.args.get("channel") == RESULTS))
    assert f"<@{ANA}>: 67% of 3 items match the majority of the others" in results
    assert "`listing-2`: approve 1, remove 1" in results
    assert f"_Replica logo, see the stitching_ (<@{ANA}>)" in results
    assert "3 of 3 items judged" in results
    wait_until_posted(engine)
    assert check_calibrations(job_context(slack, engine, slack_config, tmp_path),
                              now=now + timedelta(days=2)).startswith("0 session(s) closed")
    assert sum(c.args.get("channel") == RESULTS for c in slack.calls_to("chat.postMessage")) == 1


def test_results_slack_refused_are_posted_on_a_later_pass(bot_in_slack, audits, engine, slack_config, tmp_path,
                                                          now):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", items="listing-1\nlisting-2", people=[ANA, BEN],
        due=str(int((now + timedelta(hours=2)).timestamp())), channel=RESULTS))
    slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 3)
    context = job_context(slack, engine, slack_config, tmp_path)
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    assert check_calibrations(context, now=now + timedelta(hours=2)).startswith("1 session(s) closed")
    told = slack.calls_to("chat.postMessage")[-1].args
    assert told["channel"] == QA_LEAD and "could not post its results" in told["text"]
    assert check_calibrations(context, now=now + timedelta(hours=2, minutes=1)).startswith("0 session(s) closed")
    assert sum(c.args.get("channel") == RESULTS for c in slack.calls_to("chat.postMessage")) == 1  # the refused one
    check_calibrations(context, now=now + timedelta(hours=2, minutes=6))
    (_, posted) = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == RESULTS]
    assert "No item got verdicts from two participants" in text_of(posted)
    uploads = len(slack.calls_to("upload"))
    check_calibrations(context, now=now + timedelta(hours=3))
    assert len(slack.calls_to("upload")) == uploads  # nothing more once posted


def test_an_archived_results_channel_ends_the_attempts_and_the_requester_is_told(bot_in_slack, audits, engine,
                                                                                slack_config, tmp_path, now):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", items="listing-1", people=[ANA, BEN],
        due=str(int((now + timedelta(hours=2)).timestamp())), channel=RESULTS))
    slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 3)
    context = job_context(slack, engine, slack_config, tmp_path)
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "is_archived"})
    check_calibrations(context, now=now + timedelta(hours=2))
    told = slack.calls_to("chat.postMessage")[-1].args
    assert told["channel"] == QA_LEAD and "no longer takes posts" in told["text"]
    posts = len(slack.calls_to("chat.postMessage"))
    check_calibrations(context, now=now + timedelta(hours=3))
    assert len(slack.calls_to("chat.postMessage")) == posts


def job_context(slack, engine, config, tmp_path) -> Runtime:
    client = build_web_client(Settings(database_url="unused", config_path=tmp_path, config_path_is_default=False,
                                       slack_bot_token=slack.token, slack_api_url=slack.api_url))
    return Runtime(engine=engine, client=client, config=config)


def wait_until_posted(engine, timeout: float = 10.0) -> None:
    """The handler marks the results posted just after posting them; wait for that before the job runs."""
    import time

    from bot.store.calibrations import get_calibration
    from bot.store.db import session_scope

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            if get_calibration(session, calibration_id=1).results_posted_at is not None:
                return
        time.sleep(0.05)
    raise AssertionError("the results were never marked posted")


def test_a_close_interrupted_before_the_results_were_kept_is_finished_by_the_job(bot_in_slack, audits, engine,
                                                                                 slack_config, tmp_path, now):
    from bot.store.calibrations import claim_close, get_calibration
    from bot.store.db import session_scope

    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    sender.view_submission(callback_id=CallbackId.CALIBRATION_MODAL, user_id=QA_LEAD, values=form(
        policy="counterfeit", items="listing-1\nlisting-2", people=[ANA, BEN],
        due=str(int((now + timedelta(hours=2)).timestamp())), channel=RESULTS))
    slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 3)
    with session_scope(engine) as session:  # as if the closing process stopped right after claiming
        assert claim_close(session, calibration_id=1, now=now)
    waiting = bot_in_slack.reply(sender.slash_command("calibration 1", user_id=QA_LEAD))
    assert "its results are being worked out" in waiting["text"]
    context = job_context(slack, engine, slack_config, tmp_path)
    check_calibrations(context, now=now + timedelta(minutes=1))  # the closing process may still be at work
    assert not any(c.args.get("channel") == RESULTS for c in slack.calls_to("chat.postMessage"))
    check_calibrations(context, now=now + timedelta(minutes=6))
    assert sum(c.args.get("channel") == RESULTS for c in slack.calls_to("chat.postMessage")) == 1
    with session_scope(engine) as session:
        assert get_calibration(session, calibration_id=1).results_posted_at is not None
