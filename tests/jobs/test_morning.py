"""Morning posts end to end: the right local time across a DST change, local days, charts, no-data days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from bot.app import build_web_client
from bot.audits.importer import import_audits
from bot.config import parse_team_config
from bot.jobs.scheduler import jobs_for, run_in_slot
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.limits import block_problems
from tests.commands.test_escalate import file_one
from tests.factories import audit_row, write_csv

DUBLIN, GLOBEX, BROKEN = "C0DUBLIN01", "C0GLOBEX01", "C0BROKEN01"


@pytest.fixture
def slack_config(slack_config):
    raw = slack_config.model_dump(exclude_none=True)
    raw["teams"] = {
        "dublin": {"name": "Dublin trust & safety", "channel": DUBLIN, "timezone": "Europe/Dublin",
                   "post_at": "09:00", "vendors": ["acme"]},
        "globex": {"channel": GLOBEX, "timezone": "America/Los_Angeles", "post_at": "08:00",
                   "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "vendors": ["Globex"]},
        "broken": {"channel": BROKEN, "timezone": "Asia/Manila", "vendors": ["acmee"]},
    }
    return parse_team_config(raw, origin="test")


@pytest.fixture
def audits(engine, slack_config, tmp_path) -> pd.DataFrame:
    """Acme every six hours from Oct 12 to Oct 26 in two queues; Globex only until Oct 20."""
    rows = []
    moment = datetime(2026, 10, 12, 3, tzinfo=UTC)
    while moment < datetime(2026, 10, 27, tzinfo=UTC):
        for index in range(8):
            wrong = index == 0 and moment.hour == 9
            rows.append(audit_row(f"A{len(rows)}", queue="shop" if index % 2 else "ads",
                                  agent_decision="remove" if wrong else "approve", qa_decision="approve",
                                  error_category="policy misread" if wrong else "", handle_time_s=40 + index,
                                  audited_at=moment.isoformat(), decided_at=moment.isoformat()))
        if moment < datetime(2026, 10, 20, tzinfo=UTC):
            rows.append(audit_row(f"G{len(rows)}", vendor="Globex", audited_at=moment.isoformat(),
                                  decided_at=moment.isoformat()))
        moment += timedelta(hours=6)
    # Both ends of Dublin's 25-hour Sunday (Oct 25), and just after it.
    for at in ("2026-10-24T23:30:00Z", "2026-10-25T23:30:00Z", "2026-10-26T00:30:00Z"):
        rows.append(audit_row(f"E{at}", queue="shop", audited_at=at, decided_at=at))
    import_audits(engine, config=slack_config, path=write_csv(tmp_path / "a.csv", rows),
                  now=datetime(2026, 10, 27, tzinfo=UTC))
    frame = pd.DataFrame(rows)
    frame["local_day"] = pd.to_datetime(frame["audited_at"], utc=True).dt.tz_convert("Europe/Dublin").dt.date
    return frame


@pytest.fixture
def context(bot_in_slack, engine, slack_config, tmp_path) -> Runtime:
    return Runtime(engine=engine, config=slack_config, client=build_web_client(Settings(
        database_url="unused", config_path=tmp_path, config_path_is_default=False,
        slack_bot_token=bot_in_slack.slack.token, slack_api_url=bot_in_slack.slack.api_url)))


def fire_times(job, start: datetime, end: datetime) -> list[datetime]:
    """When APScheduler fires the job between two instants."""
    trigger, times = job.trigger(), []
    moment = trigger.get_next_fire_time(None, start)
    while moment and moment < end:
        times.append(moment.astimezone(UTC))
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return times


def posts_to(slack, channel):
    return [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]


def test_dublin_posts_at_nine_local_across_the_dst_change_with_local_days(bot_in_slack, audits, context):
    slack = bot_in_slack.slack
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:dublin")
    fired = fire_times(job, datetime(2026, 10, 22, 12, tzinfo=UTC), datetime(2026, 10, 27, tzinfo=UTC))
    # 09:00 Irish summer time on Friday is 08:00 UTC; after the change on Sunday, 09:00 GMT is 09:00 UTC.
    assert fired == [datetime(2026, 10, 23, 8, tzinfo=UTC), datetime(2026, 10, 26, 9, tzinfo=UTC)]
    outcomes = [run_in_slot(job, runtime=context, now=moment) for moment in fired]
    assert [run_in_slot(job, runtime=context, now=moment + timedelta(minutes=1)) for moment in fired] == [None, None]
    sunday = audits[(audits["vendor"] == "Acme BPO") & (audits["local_day"] == pd.Timestamp("2026-10-25").date())]
    assert outcomes[1] == f"posted to {DUBLIN}: {len(sunday)} audits yesterday"
    assert len(sunday) == 4 * 8 + 2  # four runs of 8, and both edge audits of the 25-hour day
    friday, monday = posts_to(slack, DUBLIN)
    assert monday["text"].startswith("Dublin trust & safety, yesterday (Sun 25 Oct): accuracy")
    assert f"on {len(sunday)} audits" in monday["text"]
    assert block_problems(monday["blocks"]) == []
    text = json.dumps(monday["blocks"], ensure_ascii=False)
    assert "*Last 7 days* (Mon 19 Oct to Sun 25 Oct)" in text and "Days are local days in Europe/Dublin" in text
    assert "*Target 95.0%*" in text and "*Escalations*: none open." in text and "*Alerts*: none open." in text
    assert "policy misread" in text and "*Biggest movers by queue*" in text
    # agent-1 misread a policy once a day: 7 times in the week, over [rca].repeat_min (3); a count, no names
    assert "*Repeat errors (7 days)*: 1 agent repeats *policy misread*. `/qa errors` shows who." in text
    assert "agent-1" not in text
    images = [block for block in monday["blocks"] if block["type"] == "image"]
    assert len(images) == 2 and all(image["slack_file"]["id"] in slack.files for image in images)
    assert "Accuracy by queue" in images[1]["alt_text"]
    assert all(slack.files[image["slack_file"]["id"]].startswith(b"\x89PNG") for image in images)


def test_no_audits_yesterday_says_so_first_and_shows_no_charts(bot_in_slack, audits, context):
    file_one(bot_in_slack)  # an escalation about Acme: not Globex's
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:globex")
    now = datetime(2026, 10, 24, 15, 5, tzinfo=UTC)  # 08:05 in Los Angeles
    assert run_in_slot(job, runtime=context, now=now) == f"posted to {GLOBEX}: no audits yesterday"
    (post,) = posts_to(bot_in_slack.slack, GLOBEX)
    assert post["text"].startswith(":warning: No audits arrived for yesterday (Fri 23 Oct, America/Los_Angeles)")
    assert post["blocks"][1]["text"]["text"] == post["text"]  # the first line under the header
    assert not [block for block in post["blocks"] if block["type"] == "image"]
    text = json.dumps(post["blocks"])
    assert "The latest audit in this scope is from <!date^" in text and "*Escalations*: none open." in text


def test_a_team_scope_naming_nothing_known_is_explained_in_its_channel(bot_in_slack, audits, context):
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:broken")
    outcome = run_in_slot(job, runtime=context, now=datetime(2026, 10, 26, 1, 5, tzinfo=UTC))
    assert outcome.startswith("not posted, the team's scope is wrong: No vendor called 'acmee'")
    (post,) = posts_to(bot_in_slack.slack, BROKEN)
    assert "Did you mean: Acme BPO?" in post["text"] and "`[teams.broken]`" in post["text"]


def test_the_post_counts_the_teams_open_escalations(bot_in_slack, audits, context):
    file_one(bot_in_slack)
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:dublin")
    run_in_slot(job, runtime=context, now=datetime(2026, 11, 23, 9, tzinfo=UTC))
    (post,) = posts_to(bot_in_slack.slack, DUBLIN)
    text = json.dumps(post["blocks"])
    assert "*Escalations*: 1 open" in text and "P1 1" in text
    assert "No audits arrived for yesterday" in post["text"]  # the data ends in October


def test_escalations_and_alerts_are_the_teams_own_whatever_the_spelling(bot_in_slack, audits, context, engine):
    from bot.store.alerts import open_alert
    from bot.store.db import session_scope
    from bot.store.escalations import create_escalation
    from bot.store.records import Escalation

    now = datetime(2026, 10, 26, 9, tzinfo=UTC)
    with session_scope(engine) as session:
        for vendor, queue in (("acme-bpo", "shop"), ("ACME BPO", None), ("Globex", "shop")):
            create_escalation(session, now=now, escalation=Escalation(
                title="t", category="missed violation", severity="P2", vendor=vendor, queue=queue, reporter_id="U1",
                created_at=now, acknowledge_due_at=now + timedelta(hours=4), resolve_due_at=now + timedelta(days=3),
                channel_id="C0ESCALATE"))
        for rule, subject, vendor in (("accuracy", "vendor:Acme BPO", "Acme BPO"), ("aht", "vendor:Globex", "Globex"),
                                      ("accuracy", "queue:ads", None), ("stale_data", "imports", None)):
            open_alert(session, rule=rule, subject=subject, vendor=vendor, title=f"{subject} {rule}", summary="s",
                       breached_since=now, channel_id="C0ALERTS", now=now)
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:dublin")
    run_in_slot(job, runtime=context, now=now)
    (post,) = posts_to(bot_in_slack.slack, DUBLIN)
    text = json.dumps(post["blocks"])
    assert "*Escalations*: 2 open" in text  # both spellings of Acme; not Globex's
    assert "vendor:Acme BPO accuracy" in text and "imports stale_data" in text
    assert "Globex" not in text and "queue:ads" not in text


def test_morning_charts_are_drawn_in_the_chart_workers(bot_in_slack, audits, context):
    """As `qabot run` and `qabot scheduler` hand it, the post's two charts are drawn in worker processes."""
    import dataclasses

    from bot.render.chart_processes import ChartProcesses

    processes, drawn = ChartProcesses(workers=1), []

    def draw(chart, *args):
        drawn.append(chart.__name__)
        return processes.draw(chart, *args)

    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:dublin")
    try:
        run_in_slot(job, runtime=dataclasses.replace(context, draw=draw), now=datetime(2026, 10, 26, 9, tzinfo=UTC))
    finally:
        processes.close()
    assert drawn == ["trend_chart", "comparison_chart"]
    (post,) = posts_to(bot_in_slack.slack, DUBLIN)
    images = [block["slack_file"]["id"] for block in post["blocks"] if block["type"] == "image"]
    assert len(images) == 2 and all(bot_in_slack.slack.files[i].startswith(b"\x89PNG") for i in images)


def test_the_trend_chart_has_control_limits_from_the_eight_weeks_before_it(bot_in_slack, audits, context, engine,
                                                                           tmp_path):
    """Acme's 8 weeks before the 14 trend days (17 Aug to 11 Oct): 20 audits a day, 19 right: a 95% centre."""
    rows = [audit_row(f"B{offset}-{index}", agent_decision="remove" if index == 0 else "approve",
                      audited_at=f"{datetime(2026, 8, 17, 12, tzinfo=UTC) + timedelta(days=offset):%Y-%m-%dT%H:%M:%SZ}",
                      decided_at="2026-08-01T00:00:00Z") for offset in range(56) for index in range(20)]
    import_audits(engine, config=context.config, path=write_csv(tmp_path / "b.csv", rows),
                  now=datetime(2026, 10, 27, tzinfo=UTC))
    job = next(job for job in jobs_for(context.config) if job.id == "morning-post:dublin")
    run_in_slot(job, runtime=context, now=datetime(2026, 10, 26, 9, tzinfo=UTC))
    (post,) = posts_to(bot_in_slack.slack, DUBLIN)
    kinds = [block["type"] for block in post["blocks"]]
    caption = post["blocks"][kinds.index("image") + 1]["elements"][0]["text"]  # right under the trend chart
    assert caption.startswith("Control chart: p chart (σz = 0.00: day-to-day variation within binomial); centre line "
                              "95.0% over 17 Aug–11 Oct.")
    assert "with its control limits" in post["blocks"][kinds.index("image")]["alt_text"]
