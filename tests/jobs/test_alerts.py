"""The SLA-breach monitor end to end: every rule fires, de-duplicates, reminds, is acknowledged and resolves.

The monitor runs with a controlled clock against the Slack stand-in; acknowledgements go
through signed requests to the running app.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.app import build_web_client
from bot.audits.importer import import_audits
from bot.config import parse_team_config
from bot.jobs.alerts import check_alerts
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.ids import ActionId
from bot.standin.web_api import BOT_USER_ID
from bot.store.alerts import unresolved_alerts
from bot.store.db import session_scope
from bot.store.escalations import acknowledge
from tests.commands.test_escalate import file_one
from tests.conftest import ACME_MEMBER, ANSWER_WITHIN_SECONDS, OUTSIDER, QA_LEAD, over_each_transport
from tests.factories import audit_row, write_csv

ALERTS = "C0ALERTS01"
OWNERS = ["UOWNER001", "S0QASTAFF"]


@pytest.fixture
def slack_config(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["alerts"] = {
        "channel": ALERTS, "owners": OWNERS, "renotify_every_min": 30, "renotify_max": 2,
        "accuracy": {"min_audits": 100, "window_days": 7, "scopes": ["vendor"]},
        "aht": {"min_audits": 100, "window_days": 7, "tolerance": 0.1, "scopes": ["vendor"]},
        "stale_data": {"max_hours": 26},
    }
    return parse_team_config(raw, origin="test")


def load(engine, config, tmp_path, now, *, name: str, correct: int, wrong: int, handle_time_s: int):
    rows = [audit_row(f"{name}{index}", vendor="Acme BPO", agent_decision="approve" if index < correct else "remove",
                      qa_decision="approve", error_category="" if index < correct else "policy misread",
                      handle_time_s=handle_time_s, audited_at=(now - timedelta(days=1)).isoformat())
            for index in range(correct + wrong)]
    import_audits(engine, config=config, path=write_csv(tmp_path / f"{name}.csv", rows), now=now)


def posts(slack, *, channel=ALERTS, thread=False):
    return [c.args for c in slack.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and bool(c.args.get("thread_ts")) == thread]


def updates_of(slack, alert) -> list[dict]:
    """The edits of one alert's posted message."""
    return [c.args for c in slack.calls_to("chat.update") if c.args.get("ts") == alert.message_ts]


def alerts_by_subject(engine):
    with session_scope(engine) as session:
        return {(alert.rule, alert.subject): alert for alert in unresolved_alerts(session)}


@over_each_transport
def test_every_rule_fires_once_reminds_is_acknowledged_and_resolves(bot_in_slack, engine, slack_config, tmp_path,
                                                                     monitor, now):
    slack, sender = bot_in_slack.slack, bot_in_slack.sender
    # Acme: 150 of 200 correct (75%, target 95%) at 100 s handling time (target 60 s).
    load(engine, slack_config, tmp_path, now - timedelta(hours=1), name="bad", correct=150, wrong=50,
         handle_time_s=100)
    file_one(bot_in_slack)  # ESC-1, P1: acknowledgement due within 60 minutes of `now`

    assert monitor(now) == "2 opened, 0 resolved, 0 reminded, 2 unresolved"
    opened = posts(slack)
    assert len(opened) == 2
    accuracy_post = next(p for p in opened if "accuracy below target" in p["text"])
    text = json.dumps(accuracy_post["blocks"], ensure_ascii=False)
    assert "75.0% (95% CI" in text and "20.0 points under its 95.0% target" in text and "200 audits" in text
    assert "React with :eyes: or :white_check_mark: or press *Acknowledge*" in text and "Breaching since" in text
    assert ActionId.ALERT_ACKNOWLEDGE in text

    # The same conditions five minutes later post nothing new.
    assert monitor(now + timedelta(minutes=5)).startswith("0 opened, 0 resolved, 0 reminded")
    assert len(posts(slack)) == 2

    # Half an hour unacknowledged: a reminder in each thread, mentioning the owners.
    assert monitor(now + timedelta(minutes=30)) == "0 opened, 0 resolved, 2 reminded, 2 unresolved"
    reminders = posts(slack, thread=True)
    assert len(reminders) == 2 and all(r["text"].startswith("<@UOWNER001> <!subteam^S0QASTAFF> ALERT-") for r in
                                       reminders)
    assert "still not acknowledged, 30 min after it was raised" in reminders[0]["text"]

    # The escalation passes its acknowledgement deadline: a third alert; the first two get their second reminder.
    assert monitor(now + timedelta(minutes=61)) == "1 opened, 0 resolved, 2 reminded, 3 unresolved"
    overdue = posts(slack)[-1]
    assert "ESC-1 acknowledgement overdue" in overdue["text"]
    assert "Acknowledgement is 1 min past its P1 deadline" in json.dumps(overdue["blocks"])
    # At most renotify_max reminders: the first two are done, the new one gets its first after 30 minutes.
    assert monitor(now + timedelta(minutes=95)) == "0 opened, 0 resolved, 1 reminded, 3 unresolved"
    assert monitor(now + timedelta(minutes=200)) == "0 opened, 0 resolved, 1 reminded, 3 unresolved"
    assert monitor(now + timedelta(minutes=300)) == "0 opened, 0 resolved, 0 reminded, 3 unresolved"

    alerts = alerts_by_subject(engine)
    accuracy, aht = alerts[("accuracy", "vendor:Acme BPO")], alerts[("aht", "vendor:Acme BPO")]
    late = alerts[("escalation_overdue", "ESC-1:acknowledge")]
    on_accuracy = {"type": "message", "channel": ALERTS, "ts": accuracy.message_ts}
    # The posted message follows the figures (silently, by editing it): the escalation is later and later.
    refreshed = updates_of(slack, late)
    assert len(refreshed) == 3 and "Acknowledgement is 4 h past" in json.dumps(refreshed[-1]["blocks"])
    assert updates_of(slack, accuracy) == []  # full days: its figures have not changed

    def react(user, reaction, item=on_accuracy, event_id=None):
        return sender.event({"type": "reaction_added", "user": user, "reaction": reaction, "item": item,
                             "item_user": BOT_USER_ID, "event_ts": "1.0"}, event_id=event_id)

    # Reactions that change nothing: another emoji, another message, the bot itself, an outsider.
    react(QA_LEAD, "thumbsup")
    react(QA_LEAD, "eyes", item={**on_accuracy, "ts": "999.0"})
    react(BOT_USER_ID, "eyes")
    react(OUTSIDER, "eyes")
    bot_in_slack.settle()
    assert updates_of(slack, accuracy) == []
    first = react(QA_LEAD, "eyes", event_id="EvAlertAck1")
    assert first.status == 200 and first.seconds < ANSWER_WITHIN_SECONDS, first
    sender.retry(first, retry_num=1)
    slack.wait_for(lambda calls: bool(updates_of(slack, accuracy)))
    react(QA_LEAD, "white_check_mark")  # already acknowledged: nothing more
    bot_in_slack.settle()
    (update,) = updates_of(slack, accuracy)
    assert "Acknowledged by <@UQALEAD01>" in json.dumps(update["blocks"])
    assert ActionId.ALERT_ACKNOWLEDGE not in json.dumps(update["blocks"])
    assert posts(slack, thread=True)[-1]["text"] == f"{accuracy.readable_id}: Acknowledged by <@UQALEAD01> (:eyes:)."

    # The button: refused for an outsider, taken by a member of the vendor the escalation is about.
    refused = sender.block_action(action_id=ActionId.ALERT_ACKNOWLEDGE, value=str(late.id), user_id=OUTSIDER)
    assert "Only QA staff, the alert's owners or the vendor's members" in bot_in_slack.reply(refused)["text"]
    sender.block_action(action_id=ActionId.ALERT_ACKNOWLEDGE, value=str(late.id), user_id=ACME_MEMBER)
    bot_in_slack.settle()  # the click is acknowledged before it is handled: wait for the handling
    assert alerts_by_subject(engine)[("escalation_overdue", "ESC-1:acknowledge")].acknowledged_by == ACME_MEMBER

    # /qa alerts: everything for QA staff, the vendor's alerts for its members, nothing for outsiders.
    listed = json.dumps(bot_in_slack.reply(sender.slash_command("alerts", user_id=QA_LEAD)), ensure_ascii=False)
    assert "3 open alerts" in listed and "acknowledged by <@UQALEAD01>" in listed
    assert f"{aht.readable_id} Acme BPO handling time above target" in listed and "*not acknowledged* (2 reminders)" in listed
    assert "3 open alerts" in json.dumps(bot_in_slack.reply(sender.slash_command("alerts", user_id=ACME_MEMBER)))
    assert "not on the QA staff" in bot_in_slack.reply(sender.slash_command("alerts", user_id=OUTSIDER))["text"]

    # Conditions clear: good audits lift Acme above target and under its AHT; the escalation is acknowledged.
    load(engine, slack_config, tmp_path, now + timedelta(hours=6), name="good", correct=3000, wrong=0,
         handle_time_s=30)
    with session_scope(engine) as session:
        acknowledge(session, escalation_id=1, user_id=QA_LEAD, now=now + timedelta(hours=6))
    assert monitor(now + timedelta(hours=6, minutes=5)) == "0 opened, 3 resolved, 0 reminded, 0 unresolved"
    resolved = [json.dumps(c.args["blocks"]) for c in slack.calls_to("chat.update")[-3:]]
    assert all("*Resolved*" in blocks for blocks in resolved)
    lines = [p["text"] for p in posts(slack, thread=True)[-3:]]
    assert f"{late.readable_id}: :white_check_mark: Resolved: ESC-1 was acknowledged or resolved." in lines
    assert any("accuracy is no longer significantly below target" in line for line in lines)

    # A day and more later: no import for over 26 hours, and ESC-1 is past its 24-hour resolution deadline.
    later = now + timedelta(hours=6 + 28)
    assert monitor(later).startswith("2 opened")
    stale = next(p for p in posts(slack)[-2:] if "No new audits" in p["text"])
    assert "1 d 3 h ago; the limit is 1 d 2 h" in json.dumps(stale["blocks"])
    unresolved = alerts_by_subject(engine)
    assert set(unresolved) == {("stale_data", "imports"), ("escalation_overdue", "ESC-1:resolve")}
    assert stale["text"] == f":rotating_light: {unresolved[('stale_data', 'imports')].readable_id} No new audits"
    assert monitor(later + timedelta(minutes=5)).startswith("0 opened")


def test_an_alert_slack_refused_is_posted_on_the_next_run(bot_in_slack, engine, monitor, now):
    slack = bot_in_slack.slack
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    assert monitor(now) == "1 opened, 0 resolved, 0 reminded, 1 unresolved"  # no import ever: stale data
    assert alerts_by_subject(engine)[("stale_data", "imports")].message_ts is None
    monitor(now + timedelta(minutes=5))
    assert alerts_by_subject(engine)[("stale_data", "imports")].message_ts is not None
    refused, posted = posts(slack)  # the stand-in records the refused attempt too
    assert refused == posted and "No import has brought any audits yet" in json.dumps(posted["blocks"])
    monitor(now + timedelta(minutes=10))
    assert len(posts(slack)) == 2
    # A reminder Slack refuses is not counted: it goes out on the next pass.
    slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "fatal_error"})
    assert monitor(now + timedelta(minutes=30)).startswith("0 opened, 0 resolved, 0 reminded")
    assert monitor(now + timedelta(minutes=35)).startswith("0 opened, 0 resolved, 1 reminded")
    assert alerts_by_subject(engine)[("stale_data", "imports")].reminders_sent == 1


def test_two_monitors_at_once_open_each_alert_once(bot_in_slack, engine, monitor, now):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(monitor, [now] * 3))
    assert sorted(o.split(",")[0] for o in outcomes).count("1 opened") == 1
    assert len(alerts_by_subject(engine)) == 1


def test_spellings_of_one_vendor_count_together_and_queues_are_watched_too(bot_in_slack, engine, slack_config,
                                                                           tmp_path, monitor, now):
    raw = slack_config.model_dump(exclude_none=True)
    raw["alerts"]["accuracy"]["scopes"] = ["vendor", "queue"]
    context = Runtime(engine=engine, config=parse_team_config(raw, origin="test"), client=build_web_client(
        Settings(database_url="unused", config_path=tmp_path, config_path_is_default=False,
                 slack_bot_token=bot_in_slack.slack.token, slack_api_url=bot_in_slack.slack.api_url)))
    yesterday = (now - timedelta(days=1)).isoformat()
    rows = [audit_row(f"S{index}", vendor="Acme BPO" if index % 2 else "acme-bpo", queue="shop-listings",
                      agent_decision="approve" if index % 5 else "remove", qa_decision="approve",
                      audited_at=yesterday) for index in range(150)]  # 75 each spelling: under min_audits alone
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "s.csv", rows), now=now)
    assert check_alerts(context, now=now).startswith("2 opened")
    alerts = alerts_by_subject(engine)
    assert set(alerts) == {("accuracy", "vendor:Acme BPO"), ("accuracy", "queue:shop-listings")}
    assert alerts[("accuracy", "vendor:Acme BPO")].vendor == "Acme BPO"
    assert alerts[("accuracy", "queue:shop-listings")].vendor is None
    assert "150 audits" in alerts[("accuracy", "vendor:Acme BPO")].summary
    # Today's audits do not count until the day is complete: the window is full days.
    today = [audit_row(f"T{index}", vendor="Globex", audited_at=now.isoformat()) for index in range(300)]
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "t.csv", today), now=now)
    assert check_alerts(context, now=now + timedelta(minutes=5)).startswith("0 opened, 0 resolved")


def test_an_alert_opened_republishes_the_homes_of_the_qa_staff_who_have_it(bot_in_slack, monitor, now):
    from tests.commands.test_home import open_home, published_view

    assert "(*not acknowledged*)" not in json.dumps(open_home(bot_in_slack, QA_LEAD))
    open_home(bot_in_slack, ACME_MEMBER, published=2)
    assert monitor(now).startswith("1 opened")  # no import ever: stale data
    republished = bot_in_slack.slack.calls_to("views.publish")[2:]
    assert [call.args["user_id"] for call in republished] == [QA_LEAD]  # a vendor's member's Home has no alerts
    assert "(*not acknowledged*)" in json.dumps(published_view(republished[0]))
    assert monitor(now + timedelta(minutes=5)).startswith("0 opened, 0 resolved")
    assert len(bot_in_slack.slack.calls_to("views.publish")) == 3  # nothing changed: nothing republished
