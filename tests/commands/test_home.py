"""The App Home tab through the running app and the Slack stand-in: app_home_opened in, views.publish out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.audits.importer import import_audits
from bot.slack.ids import ActionId, CallbackId
from bot.store.alerts import open_alert, unresolved_alerts
from bot.store.calibrations import create_calibration, open_calibrations
from bot.store.coaching import create_coaching
from bot.store.db import session_scope
from bot.store.disputes import create_dispute
from bot.store.escalations import create_escalation
from bot.store.records import (
    CalibrationItem,
    CalibrationSession,
    CoachingRecord,
    Dispute,
    Escalation,
)
from tests.conftest import ACME_MEMBER, OUTSIDER, QA_GROUP_MEMBER, QA_LEAD, running_bot
from tests.factories import audit_row, write_csv
from tests.slack.test_answers import answered_quickly


@pytest.fixture
def records(engine, config, tmp_path, now):
    """Two weeks of Acme and Globex audits (Globex worse), and one open record of each kind per vendor."""
    rows = [audit_row(f"A{index}", vendor="Acme BPO" if index % 2 else "Globex",
                      qa_decision="counterfeit" if index % (3 if index % 2 == 0 else 20) == 0 else "approve",
                      audited_at=f"2026-11-{8 + index % 14:02d}T10:00:00Z", decided_at="2026-11-01T00:00:00Z")
            for index in range(280)]
    import_audits(engine, config=config, path=write_csv(tmp_path / "a.csv", rows), now=now)
    late = now - timedelta(days=1)
    with session_scope(engine) as session:
        for vendor, reporter in (("Acme BPO", ACME_MEMBER), ("Globex", QA_LEAD)):
            create_escalation(session, now=late, escalation=Escalation(
                title=f"{vendor} escalation", category="missed violation", severity="P2", vendor=vendor,
                reporter_id=reporter, created_at=late, acknowledge_due_at=late + timedelta(hours=4),
                resolve_due_at=late + timedelta(days=3), channel_id="C0ESCALATE"))
            open_alert(session, rule="accuracy", subject=f"vendor:{vendor}", vendor=vendor,
                       title=f"{vendor} accuracy alert", summary="s", breached_since=late, channel_id="C0ALERTS",
                       now=late)
            create_dispute(session, dispute=Dispute(
                audit_id=f"{vendor}-audit", vendor=vendor, agent_id="agent-1", audit_day=late.date(), filer_id="U1",
                proposed_label="approve", reason="r", original_label="counterfeit", original_outcome="false_negative",
                created_at=late, decide_due_at=late + timedelta(hours=72), channel_id="C1"))
            create_coaching(session, record=CoachingRecord(
                agent_id=f"{vendor}-agent", vendor=vendor, coach_id=QA_LEAD, created_by=QA_LEAD, coached_at=late,
                follow_up_on=now.date() + timedelta(days=2)))
        create_calibration(session, participants=[QA_LEAD], items=[CalibrationItem(item_id="item-A1")],
                           calibration=CalibrationSession(requester_id=QA_LEAD, labels="approve\nremove",
                                                          results_channel="C0CAL", due_at=now + timedelta(days=1),
                                                          seed=1, created_at=late))


def open_home(bot, user_id: str, *, published: int = 1) -> dict:
    """Open the Home tab as `user_id`; the view of the `published`-th views.publish so far."""
    delivery = bot.sender.event({"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"})
    answered_quickly(delivery)
    call = bot.slack.wait_for_calls("views.publish", published)[published - 1]
    assert call.args["user_id"] == user_id
    view = published_view(call)
    assert view["type"] == "home"
    return view


def published_view(call) -> dict:
    view = call.args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def test_qa_lead_sees_every_vendor_worst_first_alerts_escalations_and_calibrations(bot_in_slack, records):
    text = json.dumps(open_home(bot_in_slack, QA_LEAD))
    assert text.index("*Globex*") < text.index("*Acme BPO*")  # Globex is further below its target
    assert "2026-11-15 to 2026-11-21" in text and "vs the week before" in text and "AHT 60 s" in text
    assert "Acme BPO accuracy alert" in text and "Globex accuracy alert" in text
    assert "Overdue escalations* (2)" in text
    assert ActionId.CALIBRATION_START in text and "Start judging" in text
    assert ActionId.HOME_ESCALATE in text and ActionId.HOME_CALIBRATE in text


def test_vendor_member_sees_only_their_vendor(bot_in_slack, records):
    text = json.dumps(open_home(bot_in_slack, ACME_MEMBER))
    assert "*Acme BPO*" in text and "Acme BPO escalation" in text
    assert "Acme BPO-audit" in text and "Acme BPO-agent" in text  # its dispute and its coaching due
    assert "Globex" not in text and "alert" not in text and ActionId.HOME_CALIBRATE not in text


def test_outsider_is_told_what_the_bot_is_and_whom_to_ask(bot_in_slack, records):
    text = json.dumps(open_home(bot_in_slack, OUTSIDER))
    assert "QA Ops Bot* shows" in text and f"<@{QA_LEAD}>" in text and "<!subteam^S0QASTAFF>" in text
    assert "Acme" not in text and "Globex" not in text


def test_messages_tab_publishes_nothing(bot_in_slack):
    answered_quickly(bot_in_slack.sender.event({"type": "app_home_opened", "user": QA_LEAD, "tab": "messages"}))
    bot_in_slack.settle()
    assert bot_in_slack.slack.calls_to("views.publish") == []


def test_reopened_within_the_minute_publishes_nothing_then_again_after_it(engine, slack_config, now):
    clock = [now]
    with running_bot(engine, slack_config, now, clock=lambda: clock[0]) as bot:
        open_home(bot, QA_LEAD)
        clock[0] = now + timedelta(seconds=59)
        answered_quickly(bot.sender.event({"type": "app_home_opened", "user": QA_LEAD, "tab": "home"}))
        bot.settle()
        assert len(bot.slack.calls_to("views.publish")) == 1
        clock[0] = now + timedelta(seconds=60)
        open_home(bot, QA_LEAD, published=2)


def test_acknowledging_an_alert_republishes_the_home_at_once(bot_in_slack, records, engine):
    assert "(*not acknowledged*)" in json.dumps(open_home(bot_in_slack, QA_LEAD))
    with session_scope(engine) as session:
        alert_id = unresolved_alerts(session)[0].id
    answered_quickly(bot_in_slack.sender.block_action(action_id=ActionId.ALERT_ACKNOWLEDGE, value=str(alert_id),
                                                      user_id=QA_LEAD))
    view = published_view(bot_in_slack.slack.wait_for_calls("views.publish", 2)[1])
    assert json.dumps(view).count("(acknowledged)") == 1  # within the minute, but a change the lead made


def test_home_buttons_open_the_escalation_and_calibration_forms(bot_in_slack, records):
    sender = bot_in_slack.sender
    escalation = sender.open_with_button(action_id=ActionId.HOME_ESCALATE, value="", user_id=QA_LEAD)
    assert escalation["callback_id"] == CallbackId.ESCALATION_MODAL
    calibration = sender.open_with_button(action_id=ActionId.HOME_CALIBRATE, value="", user_id=QA_LEAD)
    assert calibration["callback_id"] == CallbackId.CALIBRATION_MODAL


def test_a_last_verdict_republishes_the_home_without_the_session(bot_in_slack, records, engine):
    from tests.commands.test_calibrate import judge

    assert "Start judging" in json.dumps(open_home(bot_in_slack, QA_LEAD))
    with session_scope(engine) as session:
        (calibration,) = open_calibrations(session)
    view = bot_in_slack.sender.open_with_button(action_id=ActionId.CALIBRATION_START, value=str(calibration.id),
                                                user_id=QA_LEAD)
    judge(bot_in_slack.sender, QA_LEAD, view, "approve")
    republished = published_view(bot_in_slack.slack.wait_for_calls("views.publish", 2)[1])
    assert "Start judging" not in json.dumps(republished) and "None: you are up to date." in json.dumps(republished)


def test_acknowledging_publishes_no_home_for_someone_who_never_opened_it(bot_in_slack, records, engine):
    with session_scope(engine) as session:
        alert_id = unresolved_alerts(session)[0].id
    answered_quickly(bot_in_slack.sender.block_action(action_id=ActionId.ALERT_ACKNOWLEDGE, value=str(alert_id),
                                                      user_id=QA_LEAD))
    bot_in_slack.settle()
    with session_scope(engine) as session:
        assert unresolved_alerts(session)[0].acknowledged_by == QA_LEAD
    assert bot_in_slack.slack.calls_to("views.publish") == []


def test_an_acknowledgement_republishes_the_homes_of_the_other_qa_staff_who_have_it(bot_in_slack, records, engine):
    """Every QA staff member's Home lists the open alerts; a vendor's member's and an outsider's do not."""
    for published, user_id in enumerate((QA_GROUP_MEMBER, ACME_MEMBER, OUTSIDER), start=1):
        open_home(bot_in_slack, user_id, published=published)
    with session_scope(engine) as session:
        alert_id = unresolved_alerts(session)[0].id
    answered_quickly(bot_in_slack.sender.block_action(action_id=ActionId.ALERT_ACKNOWLEDGE, value=str(alert_id),
                                                      user_id=QA_LEAD))
    bot_in_slack.settle()
    republished = bot_in_slack.slack.calls_to("views.publish")[3:]
    assert [call.args["user_id"] for call in republished] == [QA_GROUP_MEMBER]  # the lead never opened theirs
    assert json.dumps(published_view(republished[0])).count("(acknowledged)") == 1


def test_the_minute_between_two_publications_holds_across_replicas(engine, slack_config, now):
    """Two replicas share the database: a Home one published is not published again by the other within the
    minute, and is after it."""
    clock = [now]
    with running_bot(engine, slack_config, now, clock=lambda: clock[0]) as first, \
            running_bot(engine, slack_config, now, clock=lambda: clock[0]) as second:
        open_home(first, QA_LEAD)
        clock[0] = now + timedelta(seconds=30)
        answered_quickly(second.sender.event({"type": "app_home_opened", "user": QA_LEAD, "tab": "home"}))
        second.settle()
        assert second.slack.calls_to("views.publish") == []
        clock[0] = now + timedelta(seconds=61)
        open_home(second, QA_LEAD)
