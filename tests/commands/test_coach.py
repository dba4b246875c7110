"""Coaching through the running app and the Slack stand-in: the form, its follow-up, the list, the digest."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest
from scipy.stats import norm

from bot.audits.importer import import_audits
from bot.coaching.follow_up import follow_up_due, post_digest
from bot.config import parse_team_config
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.limits import block_problems, view_problems
from bot.store.coaching import claim_follow_up, close_coaching, create_coaching, get_coaching, record_follow_up
from bot.store.db import session_scope
from bot.store.records import CoachingRecord
from tests.conftest import ACME_MEMBER, OUTSIDER, QA_LEAD
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly

ACME_LEAD = "UACMELEAD1"
GLOBEX_LEAD = "UGLOBEXLD1"
LEADS_CHANNEL = "C0ACMELEAD"
COACHED_AT = datetime(2026, 11, 8, 12, tzinfo=UTC)


@pytest.fixture
def slack_config(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["vendors"]["acme"].update(leads=[ACME_LEAD], leads_channel=LEADS_CHANNEL)
    raw["vendors"]["globex"] = {"name": "Globex", "leads": [GLOBEX_LEAD]}
    return parse_team_config(raw, origin="test")


def texts(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


@pytest.fixture
def audits(engine, slack_config, tmp_path, now):
    """agent-7 (Acme): 100 audits before 2026-11-08 with 20 'missed context' errors, 60 after it with one.
    agent-8 (Acme): 40 audits in the last two weeks, 10 wrong. g-1 works for Globex."""
    rows = []

    def add(agent: str, day: date, wrong: bool, vendor: str = "Acme BPO", category: str = "missed context"):
        at = f"{day.isoformat()}T10:{len(rows) % 60:02d}:00Z"
        rows.append(audit_row(f"A{len(rows)}", agent_id=agent, vendor=vendor, audited_at=at,
                              decided_at=f"{day.isoformat()}T09:00:00Z", agent_decision="approve",
                              qa_decision="counterfeit" if wrong else "approve",
                              error_category=category if wrong else ""))

    for index in range(100):
        add("agent-7", date(2026, 10, 20) + timedelta(days=index % 19), wrong=index % 5 == 0)
    for index in range(60):  # from the day after the coaching day (2026-11-08), which counts on neither side
        add("agent-7", date(2026, 11, 9) + timedelta(days=index % 13), wrong=index == 30)
    for index in range(40):
        add("agent-8", date(2026, 11, 8) + timedelta(days=index % 14), wrong=index % 4 == 0, category="policy misread")
    add("g-1", date(2026, 11, 20), wrong=True, vendor="Globex")
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    return rows


def opened_view(bot) -> dict:
    view = bot.slack.wait_for_calls("views.open")[-1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def form_state(view: dict, **changes) -> dict:
    """The form as submitted after the person changed `changes` (field -> element state)."""
    state = {}
    for block_id in (BlockId.COACHING_CATEGORY, BlockId.COACHING_AUDITS, BlockId.COACHING_COACH,
                     BlockId.COACHING_FOLLOW_UP, BlockId.COACHING_NOTES):
        element = block(view, block_id)["element"]
        value = {"type": element["type"]}
        if "initial_option" in element:
            value["selected_option"] = element["initial_option"]
        if "initial_value" in element:
            value["value"] = element["initial_value"]
        if "initial_user" in element:
            value["selected_user"] = element["initial_user"]
        if "initial_date" in element:
            value["selected_date"] = element["initial_date"]
        state[block_id] = {ActionId.FIELD_VALUE: {**value, **changes.get(block_id, {})}}
    return state


def submit(bot, view: dict, *, user_id: str, **changes):
    return bot.sender.view_submission(callback_id=CallbackId.COACHING_MODAL, user_id=user_id,
                                      values=form_state(view, **changes),
                                      private_metadata=view["private_metadata"], blocks=view["blocks"])


def test_coach_opens_a_prefilled_form_and_stores_it(bot_in_slack, audits, engine, now):
    delivery = bot_in_slack.sender.slash_command("coach agent-7", user_id=QA_LEAD)
    answered_quickly(delivery)
    view = opened_view(bot_in_slack)
    assert view["callback_id"] == CallbackId.COACHING_MODAL and view_problems(view) == []
    category = block(view, BlockId.COACHING_CATEGORY)["element"]
    assert category["initial_option"]["value"] == "missed context"
    prefilled = block(view, BlockId.COACHING_AUDITS)["element"]["initial_value"].splitlines()
    wrong = [row for row in audits if row["agent_id"] == "agent-7" and row["qa_decision"] != "approve"]
    latest = sorted(wrong, key=lambda row: row["audited_at"], reverse=True)[:5]
    assert prefilled == [row["audit_id"] for row in latest]
    assert block(view, BlockId.COACHING_COACH)["element"]["initial_user"] == QA_LEAD
    assert block(view, BlockId.COACHING_FOLLOW_UP)["element"]["initial_date"] == "2026-12-06"  # 14 days on

    answer = submit(bot_in_slack, view, user_id=QA_LEAD,
                    **{BlockId.COACHING_NOTES: {"value": "Went through context cues."}})
    assert answer.status == 200 and answer.body == ""
    dms = bot_in_slack.slack.wait_for_calls("chat.postMessage", 2)
    assert {dm.args["channel"] for dm in dms} == {QA_LEAD, ACME_LEAD}  # the coach and Acme's lead
    assert "COACH-1" in texts(dms[0].args) and "Went through context cues." in texts(dms[0].args)
    with session_scope(engine) as session:
        record = get_coaching(session, coaching_id=1)
    assert (record.agent_id, record.vendor, record.focus_category) == ("agent-7", "Acme BPO", "missed context")
    assert record.audit_list == prefilled and record.follow_up_on == date(2026, 12, 6) and record.coached_at == now


def test_bad_input_is_answered_next_to_each_field_and_nothing_stored(bot_in_slack, audits, engine):
    bot_in_slack.sender.slash_command('coach agent-7 "missed context"', user_id=ACME_LEAD)
    view = opened_view(bot_in_slack)
    other = next(row["audit_id"] for row in audits if row["agent_id"] == "agent-8")
    answer = submit(bot_in_slack, view, user_id=ACME_LEAD, **{
        BlockId.COACHING_AUDITS: {"value": f"{other}\n"},
        BlockId.COACHING_COACH: {"selected_user": OUTSIDER},
        BlockId.COACHING_FOLLOW_UP: {"selected_date": "2026-11-01"}})
    answered_quickly(answer)
    errors = json.loads(answer.body)["errors"]
    assert set(errors) == {BlockId.COACHING_AUDITS, BlockId.COACHING_COACH, BlockId.COACHING_FOLLOW_UP}
    assert f"{other} is an audit of another agent" in errors[BlockId.COACHING_AUDITS]
    assert "not after today (2026-11-22)" in errors[BlockId.COACHING_FOLLOW_UP]
    with session_scope(engine) as session:
        assert get_coaching(session, coaching_id=1) is None
    bot_in_slack.settle()
    assert not bot_in_slack.slack.calls_to("chat.postMessage")


@pytest.mark.parametrize(("user", "text", "message"), [
    (ACME_MEMBER, "coach agent-7", "Only QA staff and the leads of the agent's vendor record coaching."),
    (OUTSIDER, "coach agent-7", "not on the QA staff or a vendor's member list"),
    (ACME_LEAD, "coach g-1", "No agent called 'g-1' that you can see."),
    (QA_LEAD, "coach agent-77", "Did you mean: agent-7"),
    (QA_LEAD, 'coach agent-7 "missed contxt"', 'Did you mean "missed context"'),
    (QA_LEAD, "coach", "Say who: `/qa coach AGENT_ID`"),
])
def test_who_may_coach_and_bad_names(bot_in_slack, audits, user, text, message):
    delivery = bot_in_slack.sender.slash_command(text, user_id=user)
    answered_quickly(delivery)
    assert message in bot_in_slack.reply(delivery)["text"]
    assert not bot_in_slack.slack.calls_to("views.open")


def test_the_coach_button_on_an_agent_scorecard_opens_the_form(bot_in_slack, audits):
    reply = bot_in_slack.reply(bot_in_slack.sender.slash_command("agent agent-7 30d", user_id=QA_LEAD))
    button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
    view = bot_in_slack.sender.open_with_button(action_id=button["action_id"], value=button["value"], user_id=QA_LEAD)
    assert view["callback_id"] == CallbackId.COACHING_MODAL and "agent-7" in view["private_metadata"]
    member = bot_in_slack.reply(bot_in_slack.sender.slash_command("agent agent-7 30d", user_id=ACME_MEMBER))
    assert "agent-7 · agent scorecard" in texts(member)
    assert not any(b["type"] == "actions" for b in member["blocks"])  # members who are not leads do not coach


def z_test(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    return 2 * norm.sf(abs((x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))))


def test_follow_up_measures_before_and_after_once_then_close(bot_in_slack, audits, engine, now):
    with session_scope(engine) as session:
        create_coaching(session, record=CoachingRecord(
            agent_id="agent-7", vendor="Acme BPO", focus_category="missed context", coach_id=QA_LEAD,
            created_by=QA_LEAD, coached_at=COACHED_AT, follow_up_on=now.date()))
    runtime = bot_in_slack.runtime
    assert follow_up_due(runtime, now=now) == "1 coaching follow-up(s) sent"
    assert follow_up_due(runtime, now=now + timedelta(hours=1)) == "0 coaching follow-up(s) sent"  # once
    dms = bot_in_slack.slack.calls_to("chat.postMessage")
    assert {dm.args["channel"] for dm in dms} == {QA_LEAD, ACME_LEAD}
    body = texts(dms[0].args)
    assert block_problems(dms[0].args["blocks"]) == []
    assert "COACH-1 follow-up: improved" in body
    assert "80.0% (95% CI" in body and "of 100" in body  # 80 of 100 right before
    assert "98.3% (95% CI" in body and "of 60" in body  # 59 of 60 since
    assert f"+{(59 / 60 - 0.8) * 100:.1f} pp" in body
    assert f"p={z_test(59, 60, 80, 100):.3f}" in body or "p<0.001" in body
    with session_scope(engine) as session:
        record = get_coaching(session, coaching_id=1)
    assert record.status == "followed up" and record.verdict == "improved"
    assert record.result_figures["before"]["trials"] == 100

    close = bot_in_slack.sender.block_action(action_id=ActionId.COACHING_CLOSE, value="1", user_id=QA_LEAD)
    answered_quickly(close)
    assert bot_in_slack.reply(close)["text"] == "COACH-1 closed."
    again = bot_in_slack.sender.block_action(action_id=ActionId.COACHING_CLOSE, value="1", user_id=QA_LEAD)
    assert bot_in_slack.reply(again)["text"] == "It was closed already."
    listed = bot_in_slack.reply(bot_in_slack.sender.slash_command("coaching vendor acme", user_id=ACME_MEMBER))
    assert "COACH-1" in texts(listed) and "closed: improved" in texts(listed)
    assert f"100% of 1 closed coaching records with a measured result improved; median change " \
           f"+{(59 / 60 - 0.8) * 100:.1f} pp" in texts(listed)
    refused = bot_in_slack.sender.block_action(action_id=ActionId.COACHING_EXTEND, value="1", user_id=ACME_MEMBER)
    answered_quickly(refused)
    assert "Only the coach, QA staff and the vendor's leads" in bot_in_slack.reply(refused)["text"]


def test_too_few_audits_after_coaching_and_extend(bot_in_slack, audits, engine, now):
    with session_scope(engine) as session:
        create_coaching(session, record=CoachingRecord(
            agent_id="agent-7", vendor="Acme BPO", focus_category="missed context", coach_id=QA_LEAD,
            created_by=QA_LEAD, coached_at=datetime(2026, 11, 20, 9, tzinfo=UTC), follow_up_on=now.date()))
    follow_up_due(bot_in_slack.runtime, now=now)
    after = sum(1 for row in audits if row["agent_id"] == "agent-7" and row["audited_at"] >= "2026-11-21"
                and row["audited_at"] < "2026-11-22")  # the day after the coaching day to the day before now
    body = texts(bot_in_slack.slack.calls_to("chat.postMessage")[0].args)
    assert "follow-up: too few audits after coaching to tell" in body
    assert f"{30 - after:,} more audits after coaching are needed" in body
    extend = bot_in_slack.sender.block_action(action_id=ActionId.COACHING_EXTEND, value="1", user_id=ACME_LEAD)
    assert bot_in_slack.reply(extend)["text"] == "COACH-1: the next follow-up is on Sun 06 Dec 2026."
    with session_scope(engine) as session:
        record = get_coaching(session, coaching_id=1)
    assert record.status == "open" and record.follow_up_on == date(2026, 12, 6)


def test_weekly_digest_lists_candidates_worst_first_in_the_leads_channel(bot_in_slack, audits, engine, now):
    with session_scope(engine) as session:
        create_coaching(session, record=CoachingRecord(
            agent_id="agent-8", vendor="Acme BPO", focus_category="policy misread", coach_id=ACME_LEAD,
            created_by=ACME_LEAD, coached_at=now, follow_up_on=date(2026, 12, 6)))
    outcome = post_digest(bot_in_slack.runtime, vendor_key="acme", day_of=now)
    assert outcome == f"posted to {LEADS_CHANNEL}: 1 candidate(s)"
    (post,) = bot_in_slack.slack.calls_to("chat.postMessage")
    body = texts(post.args)
    assert post.args["channel"] == LEADS_CHANNEL and block_problems(post.args["blocks"]) == []
    assert "*agent-8* 75.0% (95% CI" in body and "of 40" in body  # 30 of 40: far under 95%
    assert "top error *policy misread* ×10" in body and "repeats policy misread ×10" in body
    assert "open coaching COACH-1" in body
    assert "agent-7" not in body  # 59 of 60 since the 8th: not significantly under target


def test_audits_left_empty_are_the_latest_errors_of_the_focus(bot_in_slack, audits, engine):
    bot_in_slack.sender.slash_command("coach agent-7", user_id=ACME_LEAD)
    view = opened_view(bot_in_slack)
    prefilled = block(view, BlockId.COACHING_AUDITS)["element"]["initial_value"].splitlines()
    answer = submit(bot_in_slack, view, user_id=ACME_LEAD, **{BlockId.COACHING_AUDITS: {"value": ""}})
    assert answer.status == 200 and answer.body == ""
    bot_in_slack.settle()  # stored after the form closed
    with session_scope(engine) as session:
        assert get_coaching(session, coaching_id=1).audit_list == prefilled


def test_others_may_not_see_or_change_coaching(bot_in_slack, audits, engine, now):
    with session_scope(engine) as session:
        create_coaching(session, record=CoachingRecord(
            agent_id="agent-7", vendor="Acme BPO", focus_category="missed context", coach_id=ACME_LEAD,
            created_by=ACME_LEAD, coached_at=COACHED_AT, follow_up_on=now.date()))
    sender = bot_in_slack.sender
    outsider = bot_in_slack.reply(sender.slash_command("coaching vendor acme", user_id=OUTSIDER))
    assert "not on the QA staff or a vendor's member list" in outsider["text"]
    other_vendor = bot_in_slack.reply(sender.slash_command("coaching vendor acme", user_id=GLOBEX_LEAD))
    assert other_vendor["text"] == "You can see Globex only." and "COACH-1" not in texts(other_vendor)
    due = bot_in_slack.reply(sender.slash_command("coaching due", user_id=GLOBEX_LEAD))
    assert "COACH-1" not in texts(due) and "No coaching records here yet." in texts(due)
    closing = sender.block_action(action_id=ActionId.COACHING_CLOSE, value="1", user_id=GLOBEX_LEAD)
    answered_quickly(closing)
    assert "Only the coach, QA staff and the vendor's leads" in bot_in_slack.reply(closing)["text"]
    own = bot_in_slack.reply(sender.slash_command("coaching due", user_id=ACME_MEMBER))
    assert "COACH-1" in texts(own)
    with session_scope(engine) as session:
        assert get_coaching(session, coaching_id=1).status == "open"


def test_a_close_during_a_follow_up_stands(engine, now):
    with session_scope(engine) as session:
        create_coaching(session, record=CoachingRecord(
            agent_id="agent-7", focus_category="missed context", coach_id=QA_LEAD, created_by=QA_LEAD,
            coached_at=COACHED_AT, follow_up_on=now.date()))
    with session_scope(engine) as session:
        assert claim_follow_up(session, coaching_id=1, today=now.date(), now=now) is not None
        assert claim_follow_up(session, coaching_id=1, today=now.date(), now=now) is None  # claimed once
        assert close_coaching(session, coaching_id=1, user_id=QA_LEAD, now=now) is not None
        assert not record_follow_up(session, coaching_id=1, claimed_at=now, verdict="improved", result="{}", now=now)
        assert get_coaching(session, coaching_id=1).status == "closed"
